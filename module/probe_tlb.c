// SPDX-License-Identifier: GPL-2.0
/*
 * TLB flushes of the target's mm: flush_tlb_mm_range(mm, start, end,
 * stride_shift, freed_tables). Filtered by mm, not by task, because other
 * tasks (a parent's munmap of a shared range, the exit of the last user)
 * flush the target's mm too. Flushes batched by reclaim or migration go
 * through arch_tlbbatch_flush() and are not seen here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>

#include "event.h"
#include "probes.h"
#include "target.h"

static int gg_tlb_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct mm_struct *mm = (struct mm_struct *)regs_get_kernel_argument(regs, 0);
	struct gg_ev_tlb e = {};

	if (!gg_is_target_mm(mm))
		return 0;
	e.start = regs_get_kernel_argument(regs, 1);
	e.end = regs_get_kernel_argument(regs, 2);
	/* Only the low bits of narrow arguments are defined by the ABI. */
	e.stride = (u32)regs_get_kernel_argument(regs, 3);
	e.freed = (u8)regs_get_kernel_argument(regs, 4) != 0;
	gg_emit(GG_EV_TLB_FLUSH, mm, &e, sizeof(e));
	return 0;
}

static struct kprobe gg_kp_tlb = {
	.symbol_name = "flush_tlb_mm_range",
	.pre_handler = gg_tlb_pre,
};

static bool gg_tlb_on;

int gg_probe_tlb_register(void)
{
	int ret = register_kprobe(&gg_kp_tlb);

	if (ret) {
		pr_err("kprobe %s: %d\n", gg_kp_tlb.symbol_name, ret);
		return ret;
	}
	gg_tlb_on = true;
	gg_ring_track_probe(gg_kp_tlb.symbol_name, &gg_kp_tlb, NULL);
	return 0;
}

void gg_probe_tlb_unregister(void)
{
	if (gg_tlb_on)
		unregister_kprobe(&gg_kp_tlb);
	gg_tlb_on = false;
}
