// SPDX-License-Identifier: GPL-2.0
/*
 * Plain ftrace_ops entry hooks (ftrace_entry.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>

#include "ftrace_entry.h"

int gg_ftrace_entry_register(struct gg_ftrace_entry *e, const char *symbol)
{
	/* ftrace_set_filter() parses the pattern in place: give it a copy. */
	unsigned char pattern[128];
	int ret;

	if (strscpy(pattern, symbol, sizeof(pattern)) < 0)
		return -E2BIG;
	atomic_long_set(&e->missed, 0);
	e->ops.func = e->func;
	/*
	 * No FTRACE_OPS_FL_RECURSION: the callback takes the recursion lock
	 * itself, after its first test (ftrace_entry.h).
	 */
	e->ops.flags = 0;
	/* Without argument trampolines, the arguments come in pt_regs. */
	if (!IS_ENABLED(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS))
		e->ops.flags |= FTRACE_OPS_FL_SAVE_REGS;
	ret = ftrace_set_filter(&e->ops, pattern, strlen(pattern), 1);
	if (ret)
		goto out;
	ret = register_ftrace_function(&e->ops);
out:
	if (ret)
		ftrace_free_filter(&e->ops);
	return ret;
}

void gg_ftrace_entry_unregister(struct gg_ftrace_entry *e)
{
	unregister_ftrace_function(&e->ops);
	ftrace_free_filter(&e->ops);
}
