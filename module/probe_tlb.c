// SPDX-License-Identifier: GPL-2.0
/*
 * TLB flushes of the target's mm: flush_tlb_mm_range(mm, start, end,
 * stride_shift, freed_tables). Filtered by mm, not by task, because other
 * tasks (a parent's munmap of a shared range, the exit of the last user)
 * flush the target's mm too. Flushes batched by reclaim or migration go
 * through arch_tlbbatch_flush() and are not seen here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ptrace.h>

#include "event.h"
#include "hook.h"
#include "probes.h"
#include "target.h"

static void gg_tlb_entry(gg_hook_regs_t *regs)
{
	struct mm_struct *mm = (struct mm_struct *)gg_hook_arg(regs, 0);
	struct gg_ev_tlb e = {};

	if (!gg_is_target_mm(mm))
		return;
	e.start = gg_hook_arg(regs, 1);
	e.end = gg_hook_arg(regs, 2);
	/* Only the low bits of narrow arguments are defined by the ABI. */
	e.stride = (u32)gg_hook_arg(regs, 3);
	e.freed = (u8)gg_hook_arg(regs, 4) != 0;
	gg_emit(GG_EV_TLB_FLUSH, mm, &e, sizeof(e));
}

/* Entry only: an fprobe without an exit handler is a plain ftrace_ops. */
GG_DEFINE_ENTRY_HOOK(gg_hook_tlb, "flush_tlb_mm_range", gg_tlb_entry);

static struct gg_hook *const gg_tlb_hooks[] = { &gg_hook_tlb };

int gg_probe_tlb_register(void)
{
	return gg_hooks_register(gg_tlb_hooks, ARRAY_SIZE(gg_tlb_hooks));
}

void gg_probe_tlb_unregister(void)
{
	gg_hooks_unregister(gg_tlb_hooks, ARRAY_SIZE(gg_tlb_hooks));
}
