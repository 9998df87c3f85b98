/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A redirect sends the traced process's calls of an exported kernel
 * function to a wrapper of this module, which records around its own call
 * of the function. Every other call pays ftrace's argument trampoline and
 * one test of current, and nothing else: no return hook, no pool, no
 * per-call state. It is livepatch's technique (an ftrace_ops with
 * FTRACE_OPS_FL_IPMODIFY that sets the instruction pointer), applied to one
 * process; the wrapper's own call is told apart by its return address,
 * which lies in this module.
 *
 * Only an exported function can be redirected: the wrapper calls it by
 * name. Registration fails (-EBUSY) where another IPMODIFY user, such as a
 * live patch, already has the function; hook.c then falls back to the
 * probe compat.h chose.
 *
 * A wrapper brackets its call with gg_redirect_enter() and
 * gg_redirect_leave(), so that unregistering can wait for every task still
 * inside it (one sleeping in a fault, say) before the module's text may go.
 */
#ifndef GOGROWTH_REDIRECT_H
#define GOGROWTH_REDIRECT_H

#include <linux/atomic.h>
#include <linux/ftrace.h>

struct gg_redirect {
	unsigned long func;		/* the function redirected */
	unsigned long wrapper;		/* where the target's calls go */
	struct ftrace_ops ops;
	atomic_t inside;		/* tasks in the wrapper */
	atomic_long_t missed;		/* target calls left unredirected */
	atomic_long_t sent;		/* calls sent to the wrapper */
};

int gg_redirect_register(struct gg_redirect *r);
/* Sleeps until no task is inside the wrapper. */
void gg_redirect_unregister(struct gg_redirect *r);

static inline void gg_redirect_enter(struct gg_redirect *r)
{
	atomic_inc(&r->inside);
}

static inline void gg_redirect_leave(struct gg_redirect *r)
{
	/* Orders the wrapper's work before the count unregister waits on. */
	smp_mb__before_atomic();
	atomic_dec(&r->inside);
}

#endif /* GOGROWTH_REDIRECT_H */
