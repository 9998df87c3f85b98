/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An entry hook that costs the processes not traced what the fault redirect
 * costs them (redirect.h): a plain ftrace_ops on one function, named, whose
 * callback gets the arguments from ftrace's argument trampoline. There is no
 * pt_regs to save, no return hook, no pool and no per-call state; the
 * callback's first test is the user's (a tgid or an mm compare, calling
 * nothing), and only a call that passes it takes ftrace's recursion lock.
 *
 * It is for probes that need no return hook (the TLB flush), and for system
 * calls whose result is read at the return to user mode instead
 * (probes_mm.c). A callback takes ftrace_test_recursion_trylock() itself
 * after its first test, and counts a call the lock refuses in missed: the
 * ops has no FTRACE_OPS_FL_RECURSION, which would have ftrace call it
 * through ftrace_ops_assist_func(), a recursion lock and preemption toggle
 * for every call of every process (ftrace_ops_get_func()).
 */
#ifndef GOGROWTH_FTRACE_ENTRY_H
#define GOGROWTH_FTRACE_ENTRY_H

#include <linux/atomic.h>
#include <linux/ftrace.h>

struct gg_ftrace_entry {
	ftrace_func_t func;		/* called for every call */
	const char *kind;		/* stats' name for it; NULL: "ftrace" */
	struct ftrace_ops ops;
	atomic_long_t missed;		/* calls of the target left unrecorded */
};

/* Hooks @symbol's entry. */
int gg_ftrace_entry_register(struct gg_ftrace_entry *e, const char *symbol);
/* Returns once no callback runs any more (ftrace waits for them). */
void gg_ftrace_entry_unregister(struct gg_ftrace_entry *e);

#endif /* GOGROWTH_FTRACE_ENTRY_H */
