// SPDX-License-Identifier: GPL-2.0
/*
 * Plain ftrace_ops entry hooks on a set of functions (ftrace_entry.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/slab.h>

#include "compat.h"
#include "ftrace_entry.h"
#include "target.h"

struct gg_ftrace_set {
	struct ftrace_ops ops;
	unsigned int nr;
	struct gg_ftrace_entry *entries[GG_FTRACE_SET_MAX];
};

/* Only calls that passed the set's filter come here: the target's. */
static __always_inline void gg_ftrace_set_call(struct ftrace_ops *ops,
					       unsigned long ip,
					       unsigned long parent_ip,
					       struct ftrace_regs *fregs)
{
	struct gg_ftrace_set *set = container_of(ops, struct gg_ftrace_set,
						 ops);
	unsigned int i;

	for (i = 0; i < set->nr; i++) {
		struct gg_ftrace_entry *e = set->entries[i];

		if (e->ip == ip) {
			e->func(e, ip, parent_ip, fregs);
			return;
		}
	}
}

/*
 * Runs on every call of the set's functions, by every process, with
 * preemption enabled (the argument trampoline): the filter calls nothing.
 */
static void notrace gg_ftrace_task_filter(unsigned long ip,
					  unsigned long parent_ip,
					  struct ftrace_ops *ops,
					  struct ftrace_regs *fregs)
{
	/* Two loads and a compare: what every other process pays. */
	if (likely(!gg_may_be_target(current)))
		return;
	gg_ftrace_set_call(ops, ip, parent_ip, fregs);
}

static void notrace gg_ftrace_mm_filter(unsigned long ip,
					unsigned long parent_ip,
					struct ftrace_ops *ops,
					struct ftrace_regs *fregs)
{
	struct mm_struct *mm = (struct mm_struct *)gg_fregs_arg(fregs, 0);

	/* What every other call pays: the mm compare. */
	if (likely(!gg_is_target_mm(mm)))
		return;
	gg_ftrace_set_call(ops, ip, parent_ip, fregs);
}

/*
 * Finds each function's ftrace location as a kprobe does, since
 * kallsyms_lookup_name() is not exported: disabled kprobes, never armed,
 * registered and unregistered in one batch, which costs one RCU grace
 * period. A kprobe on a function's ftrace location is ftrace-based, and
 * its address is that location, past any ENDBR; a function without one
 * cannot be hooked here.
 */
static int gg_ftrace_find(const char *const *symbols, unsigned long *ips,
			  unsigned int n)
{
	struct kprobe *kps[GG_FTRACE_SET_MAX];
	struct kprobe *kp;
	unsigned int i;
	int ret;

	kp = kcalloc(n, sizeof(*kp), GFP_KERNEL);
	if (!kp)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		kp[i].symbol_name = symbols[i];
		kp[i].flags = KPROBE_FLAG_DISABLED;
		kps[i] = &kp[i];
	}
	ret = register_kprobes(kps, n);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		if (!kprobe_ftrace(&kp[i])) {
			pr_info("%s: not an ftrace location\n", symbols[i]);
			ret = -EOPNOTSUPP;
		}
		ips[i] = (unsigned long)kp[i].addr;
	}
	unregister_kprobes(kps, n);
out:
	kfree(kp);
	return ret;
}

int gg_ftrace_set_register(struct gg_ftrace_entry *const *entries,
			   const char *const *symbols, unsigned int n)
{
	unsigned long ips[GG_FTRACE_SET_MAX];
	struct gg_ftrace_set *set;
	unsigned int i;
	int ret;

	if (!n || n > GG_FTRACE_SET_MAX)
		return -EINVAL;
	for (i = 1; i < n; i++)
		if (entries[i]->filter != entries[0]->filter)
			return -EINVAL;
	ret = gg_ftrace_find(symbols, ips, n);
	if (ret)
		return ret;
	set = kzalloc(sizeof(*set), GFP_KERNEL);
	if (!set)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		atomic_long_set(&entries[i]->missed, 0);
		entries[i]->ip = ips[i];
		set->entries[i] = entries[i];
	}
	set->nr = n;
	if (entries[0]->filter == GG_FTRACE_TARGET_MM_ARG0)
		set->ops.func = gg_ftrace_mm_filter;
	else
		set->ops.func = gg_ftrace_task_filter;
	/* Without argument trampolines, the arguments come in pt_regs. */
	if (!IS_ENABLED(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS))
		set->ops.flags |= FTRACE_OPS_FL_SAVE_REGS;
	ret = ftrace_set_filter_ips(&set->ops, ips, n, 0, 1);
	if (ret)
		goto free_filter;
	ret = register_ftrace_function(&set->ops);
	if (ret)
		goto free_filter;
	for (i = 0; i < n; i++)
		entries[i]->set = set;
	return 0;

free_filter:
	ftrace_free_filter(&set->ops);
	kfree(set);
	return ret;
}

void gg_ftrace_set_unregister(struct gg_ftrace_entry *e)
{
	struct gg_ftrace_set *set = e->set;
	unsigned int i;

	if (!set)
		return;
	/*
	 * For an ops of a module (FTRACE_OPS_FL_DYNAMIC), this returns once
	 * no task can be in the callback or on its trampoline.
	 */
	unregister_ftrace_function(&set->ops);
	ftrace_free_filter(&set->ops);
	for (i = 0; i < set->nr; i++)
		set->entries[i]->set = NULL;
	kfree(set);
}
