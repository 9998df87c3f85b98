// SPDX-License-Identifier: GPL-2.0
/*
 * Redirects (redirect.h): an IPMODIFY ftrace_ops whose callback sends the
 * traced process's calls to the module's wrapper.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/trace_recursion.h>

#include "compat.h"
#include "drain.h"
#include "redirect.h"
#include "target.h"

/*
 * Runs on every call of the function, by every process: it must stay this
 * short. It runs with preemption enabled (the argument trampoline): after
 * the first test, which calls nothing, the recursion lock, which disables
 * it, comes before anything that calls out.
 */
static void notrace gg_redirect_call(unsigned long ip, unsigned long parent_ip,
				     struct ftrace_ops *ops,
				     struct ftrace_regs *fregs)
{
	struct gg_redirect *r = container_of(ops, struct gg_redirect, ops);
	int bit;

	/* Two loads and a compare, no call: what every other process pays. */
	if (likely(!gg_may_be_target(current)))
		return;
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		/* Whose call it was cannot be asked safely here. */
		atomic_long_inc(&r->missed);
		return;
	}
	/* The wrapper's own call goes on into the function. */
	if (gg_tracing_current() && !within_module(parent_ip, THIS_MODULE)) {
		atomic_long_inc(&r->sent);
		gg_ftrace_set_ip(fregs, r->wrapper);
	}
	ftrace_test_recursion_unlock(bit);
}

int gg_redirect_register(struct gg_redirect *r)
{
	int ret;

	atomic_set(&r->inside, 0);
	atomic_long_set(&r->missed, 0);
	atomic_long_set(&r->sent, 0);
	r->ops.func = gg_redirect_call;
	r->ops.flags = FTRACE_OPS_FL_IPMODIFY;
	/* As livepatch: without argument trampolines, IPMODIFY needs pt_regs. */
	if (!IS_ENABLED(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS))
		r->ops.flags |= FTRACE_OPS_FL_SAVE_REGS;
	ret = ftrace_set_filter_ip(&r->ops, r->func, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&r->ops);
	if (ret)
		ftrace_free_filter(&r->ops);
	return ret;
}

void gg_redirect_unregister(struct gg_redirect *r)
{
	/*
	 * For an ops of a module (FTRACE_OPS_FL_DYNAMIC), ftrace waits before
	 * returning until no task is in the callback, and, on a preemptible
	 * kernel, until every task has scheduled voluntarily or been in user
	 * space (tasks RCU): a task sent to the wrapper has counted itself in
	 * by then, or left.
	 */
	unregister_ftrace_function(&r->ops);
	ftrace_free_filter(&r->ops);
	/* Nobody was ever sent (an idle load, say): nobody can be inside. */
	if (!atomic_long_read(&r->sent))
		return;
	gg_drain(&r->inside, "calls in a redirect's wrapper");
}
