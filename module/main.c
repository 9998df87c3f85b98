// SPDX-License-Identifier: GPL-2.0
/*
 * gogrowth: record what the kernel does while one process grows its memory:
 * mmap and friends, page faults with the page-table entries before and
 * after, TLB flushes, fork/exec/exit, with CR3 and the pgd of each event.
 *
 * This file holds the module parameters and the order of setup and
 * teardown; see Documentation/ABI.md for the user interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/threads.h>

#include "debugfs.h"
#include "probes.h"
#include "ring.h"
#include "target.h"

#define GG_RING_KB_MIN	4
#define GG_RING_KB_MAX	65536

static int pid;
module_param(pid, int, 0444);
MODULE_PARM_DESC(pid, "thread-group id to trace from load time (0: loaded, armed, idle)");

static unsigned int ring_kb = 1024;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb, "ring size per CPU in KiB (4..65536)");

static void gg_unregister_probes(void)
{
	/* Each unregister waits for handlers still running on other CPUs. */
	gg_probe_tlb_unregister();
	gg_probe_fault_unregister();
	gg_probes_mm_unregister();
	gg_target_hooks_unregister();
}

static int __init gogrowth_init(void)
{
	int ret;

	if (pid < 0 || pid > PID_MAX_LIMIT) {
		pr_err("pid=%d: not a pid\n", pid);
		return -EINVAL;
	}
	if (ring_kb < GG_RING_KB_MIN || ring_kb > GG_RING_KB_MAX) {
		pr_err("ring_kb=%u: must be in %d..%d\n", ring_kb,
		       GG_RING_KB_MIN, GG_RING_KB_MAX);
		return -EINVAL;
	}
	ret = gg_ring_init((unsigned long)ring_kb * 1024);
	if (ret)
		return ret;
	/*
	 * Every hook before the target: a target that dies while it is set
	 * must find its exit tracepoint and exit_mmap probe armed.
	 */
	ret = gg_target_hooks_register();
	if (ret)
		goto free_ring;
	ret = gg_probes_mm_register();
	if (ret)
		goto unregister;
	ret = gg_probe_fault_register();
	if (ret)
		goto unregister;
	ret = gg_probe_tlb_register();
	if (ret)
		goto unregister;
	if (pid) {
		ret = gg_target_set(pid);
		if (ret) {
			pr_err("pid=%d: cannot trace it: %d\n", pid, ret);
			goto unregister;
		}
	}
	ret = gg_debugfs_init();
	if (ret)
		goto unregister;
	pr_info("loaded, target pid %d, ring %u KiB per CPU\n", pid, ring_kb);
	return 0;

unregister:
	gg_unregister_probes();
	gg_ring_shutdown();
	gg_target_release();
free_ring:
	gg_ring_free();
	return ret;
}

static void __exit gogrowth_exit(void)
{
	/* No handler can run after this, so nothing new enters the ring. */
	gg_unregister_probes();
	/* Wake blocked readers; they return EOF from now on. */
	gg_ring_shutdown();
	gg_debugfs_exit();
	gg_target_release();
	/* Marker writes may have queued a wake-up until debugfs went away. */
	gg_ring_free();
	pr_info("unloaded\n");
}

module_init(gogrowth_init);
module_exit(gogrowth_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Record mmap, page-fault, PTE, CR3 and TLB-flush events of one process");
