/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One probe, written once, on whichever hook compat.h chose for the kernel
 * built against: fprobe (6.4+ with CONFIG_FPROBE), else kretprobe, or a
 * kprobe for a probe with no exit.
 *
 * A return probe is an entry function and an exit function sharing a
 * struct the entry fills:
 *
 *	static int my_entry(struct my_data *d, gg_hook_regs_t *regs);
 *	static void my_exit(struct my_data *d, gg_hook_regs_t *regs);
 *	GG_DEFINE_RET_HOOK(gg_hook_my, "symbol", my_entry, my_exit,
 *			   struct my_data, MAXACTIVE);
 *
 * The entry returns 0 to be called at the function's return, non-zero for a
 * call that is not traced: then there is no exit call, and on 6.14+ no
 * return hook at all. MAXACTIVE is how many calls may be in the function at
 * once with an exit pending (kretprobe maxactive, fprobe nr_maxactive on
 * 6.4..6.13; unused on 6.14+). Arguments are read with gg_hook_arg(regs, n),
 * the return value, in the exit, with gg_hook_ret(regs).
 *
 * An entry-only probe: GG_DEFINE_ENTRY_HOOK(gg_hook_my, "symbol", my_entry)
 * with void my_entry(gg_hook_regs_t *regs).
 *
 * A return probe on an exported function may also name a redirect
 * (redirect.h) before it is registered: the redirect is tried first, and
 * the hook above is the fallback where the kernel refuses it. A probe may
 * likewise name a plain ftrace entry hook (ftrace_entry.h), tried first.
 *
 * Handlers run in the hook's context on every kernel: preemption off, no
 * sleeping, no faults, bounded work. The hook's recursion guard drops a
 * nested hit (counted in nmissed by kprobes and 6.4..6.13's fprobe, not by
 * fgraph's). The entry data of a return probe lives until the exit, across
 * any sleep inside the function (in the kretprobe instance, the rethook
 * node, or the task's fgraph shadow stack), never in per-CPU storage.
 */
#ifndef GOGROWTH_HOOK_H
#define GOGROWTH_HOOK_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/types.h>

#include "compat.h"
#include "ftrace_entry.h"
#include "redirect.h"

struct gg_hook {
	const char *symbol;
	int maxactive;		/* exits pending at once, where there is a pool */
	bool has_exit;
	bool on;
	struct gg_redirect *redirect;	/* tried first, where set */
	bool redirected;		/* the redirect is what is on */
	struct gg_ftrace_entry *entry;	/* tried first, where set */
	bool entered;			/* the entry ops is what is on */
#if GG_HOOK_FPROBE
	struct fprobe fp;
#else
	struct kretprobe rp;	/* rp.kp alone for an entry-only probe */
#endif
};

/* Registers all of @hooks or none; every one is listed in stats. */
int gg_hooks_register(struct gg_hook *const *hooks, unsigned int n);
/* Waits for handlers still running; safe on hooks that are not registered. */
void gg_hooks_unregister(struct gg_hook *const *hooks, unsigned int n);

/* "redirect", "fprobe", "kretprobe" or "kprobe": what stats names. */
const char *gg_hook_kind(const struct gg_hook *h);

/* Hits the hook dropped (recursion, no free instance) since registration. */
static inline unsigned long gg_hook_missed(const struct gg_hook *h)
{
	unsigned long first_missed = 0;

	if (h->redirect)
		first_missed = atomic_long_read(&h->redirect->missed);
	if (h->entry)
		first_missed += atomic_long_read(&h->entry->missed);
#if GG_HOOK_FPROBE
	return first_missed + READ_ONCE(h->fp.nmissed);
#else
	return first_missed + READ_ONCE(h->rp.kp.nmissed) +
	       (unsigned int)READ_ONCE(h->rp.nmissed);
#endif
}

#define GG_HOOK_DATA_CHECK(type)					\
	static_assert(sizeof(type) <= GG_HOOK_DATA_MAX,			\
		      #type " is larger than the hook's entry data")

#if GG_HOOK_FPROBE

#define GG_DEFINE_RET_HOOK(name, sym, entry_fn, exit_fn, type, maxact) \
static int name##_entry(struct fprobe *fp, unsigned long ip,		\
			unsigned long ret_ip, gg_hook_regs_t *regs,	\
			void *data)					\
{									\
	return entry_fn(data, regs);					\
}									\
static void name##_exit(struct fprobe *fp, unsigned long ip,		\
			unsigned long ret_ip, gg_hook_regs_t *regs,	\
			void *data)					\
{									\
	exit_fn(data, regs);						\
}									\
GG_HOOK_DATA_CHECK(type);						\
static struct gg_hook name = {						\
	.symbol = sym,							\
	.maxactive = (maxact),						\
	.has_exit = true,						\
	.fp = {								\
		.entry_handler = name##_entry,				\
		.exit_handler = name##_exit,				\
		.entry_data_size = sizeof(type),			\
	},								\
}

#define GG_DEFINE_ENTRY_HOOK(name, sym, entry_fn)			\
static int name##_entry(struct fprobe *fp, unsigned long ip,		\
			unsigned long ret_ip, gg_hook_regs_t *regs,	\
			void *data)					\
{									\
	entry_fn(regs);							\
	return 0;							\
}									\
static struct gg_hook name = {						\
	.symbol = sym,							\
	.fp.entry_handler = name##_entry,				\
}

#else /* kretprobe, kprobe */

#define GG_DEFINE_RET_HOOK(name, sym, entry_fn, exit_fn, type, maxact) \
static int name##_entry(struct kretprobe_instance *ri,			\
			struct pt_regs *regs)				\
{									\
	return entry_fn((void *)ri->data, regs);			\
}									\
static int name##_exit(struct kretprobe_instance *ri,			\
		       struct pt_regs *regs)				\
{									\
	exit_fn((void *)ri->data, regs);				\
	return 0;							\
}									\
GG_HOOK_DATA_CHECK(type);						\
static struct gg_hook name = {						\
	.symbol = sym,							\
	.maxactive = (maxact),						\
	.has_exit = true,						\
	.rp = {								\
		.entry_handler = name##_entry,				\
		.handler = name##_exit,					\
		.data_size = sizeof(type),				\
	},								\
}

#define GG_DEFINE_ENTRY_HOOK(name, sym, entry_fn)			\
static int name##_entry(struct kprobe *p, struct pt_regs *regs)		\
{									\
	entry_fn(regs);							\
	return 0;							\
}									\
static struct gg_hook name = {						\
	.symbol = sym,							\
	.rp.kp.pre_handler = name##_entry,				\
}

#endif

#endif /* GOGROWTH_HOOK_H */
