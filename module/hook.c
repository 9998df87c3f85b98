// SPDX-License-Identifier: GPL-2.0
/*
 * Registration of the probes defined with hook.h, on the backend compat.h
 * chose, and their listing in stats.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "hook.h"
#include "ring.h"

/*
 * No CI kernel refuses the redirect or the ftrace entry hooks, so the
 * probes they fall back to would go untested without this.
 */
static bool fallback_hooks;
module_param(fallback_hooks, bool, 0444);
MODULE_PARM_DESC(fallback_hooks,
		 "testing: put every probe on the hook its kernel falls back to (fprobe, kretprobe or kprobe)");

const char *gg_hook_kind(const struct gg_hook *h)
{
	if (h->redirected)
		return "redirect";
	if (h->entered)
		return h->entry->kind ?: "ftrace";
	if (GG_HOOK_FPROBE)
		return "fprobe";
	return h->has_exit ? "kretprobe" : "kprobe";
}

static int gg_hook_register(struct gg_hook *h)
{
	int ret;

	if (h->redirect && !fallback_hooks) {
		ret = gg_redirect_register(h->redirect);
		if (!ret) {
			h->redirected = true;
			return 0;
		}
		pr_info("%s: no redirect (%d), a %s instead\n", h->symbol, ret,
			gg_hook_kind(h));
	}
#if GG_HOOK_FPROBE
#if GG_FPROBE_MAXACTIVE
	/* The rethook pool; its default is 2 per CPU and function. */
	h->fp.nr_maxactive = h->maxactive;
#endif
	/* One fprobe per function: the entry data size is per fprobe. */
	return register_fprobe_syms(&h->fp, &h->symbol, 1);
#else
	h->rp.kp.symbol_name = h->symbol;
	h->rp.maxactive = h->maxactive;
	if (h->has_exit)
		return register_kretprobe(&h->rp);
	return register_kprobe(&h->rp.kp);
#endif
}

/*
 * The hooks that name a plain ftrace entry hook get it, all on one
 * ftrace_ops; where the kernel refuses it, they keep their fallback.
 */
static void gg_hooks_enter(struct gg_hook *const *hooks, unsigned int n)
{
	struct gg_ftrace_entry *entries[GG_FTRACE_SET_MAX];
	const char *symbols[GG_FTRACE_SET_MAX];
	unsigned int i, nr = 0;
	int ret;

	if (fallback_hooks)
		return;
	for (i = 0; i < n; i++) {
		if (!hooks[i]->entry)
			continue;
		if (WARN_ON_ONCE(nr == GG_FTRACE_SET_MAX))
			return;
		entries[nr] = hooks[i]->entry;
		symbols[nr++] = hooks[i]->symbol;
	}
	if (!nr)
		return;
	ret = gg_ftrace_set_register(entries, symbols, nr);
	for (i = 0; i < n; i++) {
		if (!hooks[i]->entry)
			continue;
		if (ret) {
			pr_info("%s: no ftrace entry hook (%d), a %s instead\n",
				hooks[i]->symbol, ret, gg_hook_kind(hooks[i]));
			continue;
		}
		hooks[i]->entered = true;
		hooks[i]->on = true;
	}
}

int gg_hooks_register(struct gg_hook *const *hooks, unsigned int n)
{
	unsigned int i;
	int ret;

	gg_hooks_enter(hooks, n);
	for (i = 0; i < n; i++) {
		if (hooks[i]->entered) {
			gg_ring_track_probe(hooks[i]);
			continue;
		}
		ret = gg_hook_register(hooks[i]);
		if (ret) {
			pr_err("%s %s: %d\n", gg_hook_kind(hooks[i]),
			       hooks[i]->symbol, ret);
			/* The entry hooks after @i are on too. */
			gg_hooks_unregister(hooks, n);
			return ret;
		}
		hooks[i]->on = true;
		gg_ring_track_probe(hooks[i]);
	}
	return 0;
}

#define GG_HOOKS_BATCH	8

void gg_hooks_unregister(struct gg_hook *const *hooks, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!hooks[i]->on || !hooks[i]->redirected)
			continue;
		gg_redirect_unregister(hooks[i]->redirect);
		hooks[i]->redirected = false;
		hooks[i]->on = false;
	}
	for (i = 0; i < n; i++) {
		if (!hooks[i]->on || !hooks[i]->entered)
			continue;
		/* The first of a set unhooks all of it. */
		gg_ftrace_set_unregister(hooks[i]->entry);
		hooks[i]->entered = false;
		hooks[i]->on = false;
	}
#if GG_HOOK_FPROBE
	/* Each waits for an RCU grace period: no batch call is exported. */
	for (i = 0; i < n; i++) {
		if (!hooks[i]->on)
			continue;
		unregister_fprobe(&hooks[i]->fp);
		hooks[i]->on = false;
	}
#else
	struct kretprobe *rps[GG_HOOKS_BATCH];
	struct kprobe *kps[GG_HOOKS_BATCH];
	unsigned int done = 0, nr, nk;

	/* In batches, so that they share one grace period. */
	while (done < n) {
		for (nr = nk = 0; done < n && nr + nk < GG_HOOKS_BATCH; done++) {
			struct gg_hook *h = hooks[done];

			if (!h->on)
				continue;
			if (h->has_exit)
				rps[nr++] = &h->rp;
			else
				kps[nk++] = &h->rp.kp;
			h->on = false;
		}
		if (nr)
			unregister_kretprobes(rps, nr);
		if (nk)
			unregister_kprobes(kps, nk);
	}
#endif
}
