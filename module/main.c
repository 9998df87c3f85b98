// SPDX-License-Identifier: GPL-2.0
/*
 * gogrowth: record what the kernel does while one process grows its memory.
 *
 * Skeleton: the pid parameter and the debugfs directory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>

static int pid;
module_param(pid, int, 0444);
MODULE_PARM_DESC(pid, "thread-group id to trace (0: loaded, idle)");

static struct dentry *gg_dir;

static int __init gogrowth_init(void)
{
	if (pid < 0) {
		pr_err("pid=%d: must be >= 0\n", pid);
		return -EINVAL;
	}
	gg_dir = debugfs_create_dir("gogrowth", NULL);
	if (IS_ERR(gg_dir))
		return PTR_ERR(gg_dir);
	pr_info("loaded, target pid %d\n", pid);
	return 0;
}

static void __exit gogrowth_exit(void)
{
	debugfs_remove_recursive(gg_dir);
	pr_info("unloaded\n");
}

module_init(gogrowth_init);
module_exit(gogrowth_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Record mmap, page-fault, PTE, CR3 and TLB-flush events of one process");
