// SPDX-License-Identifier: GPL-2.0
/*
 * Page faults of the target: handle_mm_fault(vma, address, flags, regs).
 *
 * The entry handler saves what the return handler needs, because on 6.4+
 * the VMA may already be freed when handle_mm_fault() returns (the per-VMA
 * lock is dropped inside on retry). The mm itself stays alive: it is the
 * running task's, or pinned by the get_user_pages() caller.
 *
 * The page table is walked locklessly at entry and again at return, to
 * show the entry before and after the handler. Faults sleep (I/O, memory
 * reclaim), so many instances may be outstanding at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/ptrace.h>

#include "event.h"
#include "pgwalk.h"
#include "probes.h"
#include "target.h"

#define GG_FAULT_MAXACTIVE	512

struct gg_fault_data {
	struct mm_struct *mm;
	unsigned long addr;
	unsigned long ip;
	unsigned int flags;
	u8 origin;
	struct gg_walk old;
};

static int gg_fault_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_fault_data *d = (struct gg_fault_data *)ri->data;
	struct vm_area_struct *vma;
	struct pt_regs *fregs;

	if (!gg_tracing_current())
		return 1;
	vma = (struct vm_area_struct *)regs_get_kernel_argument(regs, 0);
	fregs = (struct pt_regs *)regs_get_kernel_argument(regs, 3);
	d->mm = vma->vm_mm;
	d->addr = regs_get_kernel_argument(regs, 1);
	d->flags = (unsigned int)regs_get_kernel_argument(regs, 2);
	if (!fregs) {
		/* get_user_pages() and friends pass no register state. */
		d->origin = GG_ORIGIN_GUP;
		d->ip = 0;
	} else {
		d->origin = user_mode(fregs) ? GG_ORIGIN_USER : GG_ORIGIN_KERNEL;
		d->ip = instruction_pointer(fregs);
	}
	gg_walk(d->mm, d->addr, &d->old);
	return 0;
}

static int gg_fault_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_fault_data *d = (struct gg_fault_data *)ri->data;
	struct gg_ev_fault e = {};
	struct gg_walk now;

	gg_walk(d->mm, d->addr, &now);
	e.addr = d->addr;
	e.ip = d->ip;
	e.fflags = d->flags;
	e.vmf = (u32)regs_return_value(regs);
	e.origin = d->origin;
	e.new = now.val;
	e.new_level = now.level;
	/*
	 * Report the old entry at the level of the new one; if the walk
	 * stopped elsewhere before (a huge page since split, say), what
	 * mapped the address then, or nothing.
	 */
	if (d->old.level == now.level || gg_entry_present(d->old.val)) {
		e.old = d->old.val;
		e.old_level = d->old.level;
	} else {
		e.old = 0;
		e.old_level = now.level;
	}
	e.node = gg_entry_node(now.val, now.level);
	gg_emit(GG_EV_FAULT, d->mm, &e, sizeof(e));
	return 0;
}

static struct kretprobe gg_rp_fault = {
	.kp.symbol_name = "handle_mm_fault",
	.entry_handler = gg_fault_entry,
	.handler = gg_fault_ret,
	.data_size = sizeof(struct gg_fault_data),
	.maxactive = GG_FAULT_MAXACTIVE,
};

static struct kretprobe *gg_fault_rps[] = { &gg_rp_fault };
static bool gg_fault_on;

int gg_probe_fault_register(void)
{
	int ret = gg_kretprobes_register(gg_fault_rps, ARRAY_SIZE(gg_fault_rps));

	gg_fault_on = !ret;
	return ret;
}

void gg_probe_fault_unregister(void)
{
	if (gg_fault_on)
		unregister_kretprobes(gg_fault_rps, ARRAY_SIZE(gg_fault_rps));
	gg_fault_on = false;
}
