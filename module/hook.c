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
	if (h->entry && !fallback_hooks) {
		ret = gg_ftrace_entry_register(h->entry, h->symbol);
		if (!ret) {
			h->entered = true;
			return 0;
		}
		pr_info("%s: no ftrace entry hook (%d), a %s instead\n",
			h->symbol, ret, gg_hook_kind(h));
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

int gg_hooks_register(struct gg_hook *const *hooks, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = gg_hook_register(hooks[i]);
		if (ret) {
			pr_err("%s %s: %d\n", gg_hook_kind(hooks[i]),
			       hooks[i]->symbol, ret);
			gg_hooks_unregister(hooks, i);
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
		gg_ftrace_entry_unregister(hooks[i]->entry);
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
