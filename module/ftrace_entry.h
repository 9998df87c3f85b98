/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry hooks that cost the processes not traced what the fault redirect
 * costs them (redirect.h): one plain ftrace_ops for a set of functions,
 * whose callback gets the arguments from ftrace's argument trampoline.
 * There is no pt_regs to save, no return hook, no pool and no per-call
 * state. The callback's first test is the set's filter (a tgid or an mm
 * compare, calling nothing); only a call that passes it looks up its
 * function's entry and calls it.
 *
 * One ftrace_ops for the set, not one per function, because each ops of a
 * module costs its unregistration two tasks-RCU waits (FTRACE_OPS_FL_DYNAMIC)
 * and its registration a pass of ftrace's code patching: about 120 ms and
 * 70 ms per ops under QEMU's TCG, where the selftests load the module a few
 * hundred times. The functions are found by address (resolved in one batch),
 * not by ftrace_set_filter()'s name match, which reads every traceable
 * function's name.
 *
 * It is for probes that need no return hook (the TLB flush), for system
 * calls whose result is read at the return to user mode instead
 * (probes_mm.c), and for return_hook.h. An entry's func takes
 * ftrace_test_recursion_trylock() itself, and counts a call the lock
 * refuses in missed: the ops has no FTRACE_OPS_FL_RECURSION, which would
 * have ftrace call it through ftrace_ops_assist_func(), a recursion lock
 * and preemption toggle for every call of every process
 * (ftrace_ops_get_func()).
 */
#ifndef GOGROWTH_FTRACE_ENTRY_H
#define GOGROWTH_FTRACE_ENTRY_H

#include <linux/atomic.h>
#include <linux/ftrace.h>

/* Which calls reach an entry's func; every other call returns at once. */
enum gg_ftrace_filter {
	GG_FTRACE_TARGET_TASK,		/* made by a task of the target */
	GG_FTRACE_TARGET_MM_ARG0,	/* whose first argument is its mm */
};

struct gg_ftrace_set;

struct gg_ftrace_entry {
	/* Called for the calls its set's filter lets through. */
	void (*func)(struct gg_ftrace_entry *e, unsigned long ip,
		     unsigned long parent_ip, struct ftrace_regs *fregs);
	const char *kind;		/* stats' name for it; NULL: "ftrace" */
	enum gg_ftrace_filter filter;
	atomic_long_t missed;		/* calls of the target left unrecorded */
	/* Set while registered: */
	unsigned long ip;		/* the function's ftrace location */
	struct gg_ftrace_set *set;
};

/* Most entries in one set. */
#define GG_FTRACE_SET_MAX	8

/*
 * Hooks @symbols[i]'s entry with @entries[i], all on one ftrace_ops, or
 * none; all entries must have the same filter.
 */
int gg_ftrace_set_register(struct gg_ftrace_entry *const *entries,
			   const char *const *symbols, unsigned int n);
/*
 * Unhooks every entry of @e's set (@e's included), and returns once no
 * callback runs any more (ftrace waits for them). Safe on an entry that
 * is not registered.
 */
void gg_ftrace_set_unregister(struct gg_ftrace_entry *e);

#endif /* GOGROWTH_FTRACE_ENTRY_H */
