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
#include <linux/trace_recursion.h>

#include "event.h"
#include "hook.h"
#include "probes.h"
#include "target.h"

static void gg_tlb_record(struct mm_struct *mm, unsigned long start,
			  unsigned long end, unsigned long stride_shift,
			  unsigned long freed_tables)
{
	struct gg_ev_tlb e = {};

	e.start = start;
	e.end = end;
	/* Only the low bits of narrow arguments are defined by the ABI. */
	e.stride = (u32)stride_shift;
	e.freed = (u8)freed_tables != 0;
	gg_emit(GG_EV_TLB_FLUSH, mm, &e, sizeof(e));
}

/* The probe, where the ftrace entry hook below is refused. */
static void gg_tlb_entry(gg_hook_regs_t *regs)
{
	struct mm_struct *mm = (struct mm_struct *)gg_hook_arg(regs, 0);

	if (!gg_is_target_mm(mm))
		return;
	gg_tlb_record(mm, gg_hook_arg(regs, 1), gg_hook_arg(regs, 2),
		      gg_hook_arg(regs, 3), gg_hook_arg(regs, 4));
}

GG_DEFINE_ENTRY_HOOK(gg_hook_tlb, "flush_tlb_mm_range", gg_tlb_entry);

/* For flushes of the target's mm only: the set's filter ran. */
static void notrace gg_tlb_call(struct gg_ftrace_entry *fe, unsigned long ip,
				unsigned long parent_ip,
				struct ftrace_regs *fregs)
{
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		atomic_long_inc(&fe->missed);
		return;
	}
	gg_tlb_record((struct mm_struct *)gg_fregs_arg(fregs, 0),
		      gg_fregs_arg(fregs, 1), gg_fregs_arg(fregs, 2),
		      gg_fregs_arg(fregs, 3), gg_fregs_arg(fregs, 4));
	ftrace_test_recursion_unlock(bit);
}

static struct gg_ftrace_entry gg_tlb_ftrace = {
	.func = gg_tlb_call,
	.filter = GG_FTRACE_TARGET_MM_ARG0,
};

static struct gg_hook *const gg_tlb_hooks[] = { &gg_hook_tlb };

int gg_probe_tlb_register(void)
{
	gg_hook_tlb.entry = &gg_tlb_ftrace;
	return gg_hooks_register(gg_tlb_hooks, ARRAY_SIZE(gg_tlb_hooks));
}

void gg_probe_tlb_unregister(void)
{
	gg_hooks_unregister(gg_tlb_hooks, ARRAY_SIZE(gg_tlb_hooks));
}
