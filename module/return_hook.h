/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A return hook armed for the target's calls only.
 *
 * The kernel's return hooks (kretprobe, rethook, fgraph) are armed per
 * function, for every caller: every process pays for a pool instance or a
 * shadow-stack frame before the entry handler can say the call is not
 * traced (about 400 instructions per do_mmap() call). This is a plain
 * ftrace entry hook (ftrace_entry.h) instead: every other process pays its
 * tgid compare, and for a call of the target the callback saves what the
 * exit needs in a slot of a fixed pool, and replaces the caller's return
 * address with that slot's landing, as kretprobe does for every call. The
 * landing records the call with the function's result and returns to the
 * caller.
 *
 * What it costs to own the landing: the unwinder does not know it. A stack
 * trace of the target taken inside the function, or inside the landing,
 * ends there, and is unreliable (the landings' ORC is undefined), so a
 * live patch waits for the task to leave the function.
 *
 * A target call that finds no free slot, or whose return address another
 * return hook has already replaced, is counted in missed and not recorded.
 * Unregistering the entry hook and then calling gg_return_hooks_drain()
 * waits for every armed call to return.
 */
#ifndef GOGROWTH_RETURN_HOOK_H
#define GOGROWTH_RETURN_HOOK_H

#include <linux/build_bug.h>
#include <linux/ftrace.h>
#include <linux/sched.h>
#include <linux/types.h>

#include "ftrace_entry.h"

/* Bytes of entry data a slot keeps for the exit. */
#define GG_RETURN_DATA_MAX	48

struct gg_return_hook {
	struct gg_ftrace_entry fe;	/* its func is gg_return_call() */
	/*
	 * At the entry of a call of the target, in the ftrace callback's
	 * context: fills @data from the arguments; false if the call is not
	 * to be recorded.
	 */
	bool (*entry)(void *data, struct ftrace_regs *fregs);
	/* At the function's return, preemption off: records the call. */
	void (*exit)(void *data, unsigned long ret);
};

void gg_return_call(struct gg_ftrace_entry *fe, unsigned long ip,
		    unsigned long parent_ip, struct ftrace_regs *fregs);

/* For return_hook.c's landings, which are not C functions. */
void gg_return_landings(void);
unsigned long gg_return_landed(unsigned long ret, unsigned long nr,
			       unsigned long *sp);

#define GG_RETURN_HOOK_INIT(entry_fn, exit_fn) {			\
	.fe.func = gg_return_call,					\
	.fe.kind = "ftrace-return",					\
	.fe.filter = GG_FTRACE_TARGET_TASK,				\
	.entry = (entry_fn),						\
	.exit = (exit_fn),						\
}

/* The entry data's type must fit in a slot. */
#define GG_RETURN_DATA_CHECK(type)					\
	static_assert(sizeof(type) <= GG_RETURN_DATA_MAX,		\
		      #type " is larger than a return slot's data")

/*
 * After the entry hooks are unregistered: sleeps until every armed call
 * has returned and no task is still on a landing's last instructions.
 */
void gg_return_hooks_drain(void);

/*
 * At the exit of @task (current): frees the slots of calls that will never
 * return, for a task that died inside the function (an oops).
 */
void gg_return_task_exit(struct task_struct *task);

#endif /* GOGROWTH_RETURN_HOOK_H */
