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
 *
 * One fault may make many entries present (Documentation/ABI.md, "ptes"):
 * an anonymous fault maps a whole multi-size THP folio, which the kernel
 * only allocates where every entry of its range was empty, so the entries
 * mapping that folio are exactly the ones the fault set; a file fault maps
 * a fault-around window or a large folio of the page cache, whose pages
 * need not be contiguous nor new, so for those the present entries of the
 * table are saved at entry and compared at return.
 *
 * The walk at return is lockless, as GUP-fast's: with interrupts off, page
 * tables freed behind a TLB-flush IPI stay alive. But the IPI goes only to
 * the CPUs in the mm's cpumask, which holds this CPU only when the mm is
 * current's. When the target faults another process's memory
 * (process_vm_writev, /proc/PID/mem, ptrace) and the handler returns with
 * the lock dropped (RETRY, COMPLETED), nothing keeps that mm's tables
 * alive: the after-state is then not walked, and reported as unknown.
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
	unsigned long vm_start, vm_end;
	unsigned int flags;
	u8 origin;
	bool snapped;
	struct gg_walk old;
	struct gg_pte_snapshot snap;
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
	d->vm_start = vma->vm_start;
	d->vm_end = vma->vm_end;
	gg_walk(d->mm, d->addr, &d->old);
	d->snapped = vma->vm_file && !gg_entry_present(d->old.val);
	if (d->snapped)
		gg_pte_snapshot(d->mm, d->addr, &d->snap);
	return 0;
}

static unsigned long gg_level_size(u8 level)
{
	switch (level) {
	case GG_LVL_PMD:
		return PMD_SIZE;
	case GG_LVL_PUD:
		return PUD_SIZE;
	default:
		return PAGE_SIZE;
	}
}

/* The entries the fault made present or changed; see the file comment. */
static void gg_fault_ptes(const struct gg_fault_data *d,
			  const struct gg_walk *now, struct gg_ptes *p)
{
	unsigned long size = gg_level_size(now->level);

	p->count = 0;
	p->start = 0;
	p->end = 0;
	if (d->old.level == now->level && d->old.val == now->val)
		return;
	if (now->level == GG_LVL_PTE && gg_entry_present(now->val)) {
		if (d->snapped)
			gg_ptes_new_since(d->mm, d->addr, &d->snap, d->vm_start,
					  d->vm_end, p);
		else if (!gg_entry_present(d->old.val))
			gg_ptes_of_folio(d->mm, d->addr,
					 gg_entry_pfn(now->val, now->level),
					 d->vm_start, d->vm_end, p);
		if (p->count)
			return;
	}
	p->count = 1;
	p->start = d->addr & ~(size - 1);
	p->end = p->start + size;
}

static int gg_fault_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_fault_data *d = (struct gg_fault_data *)ri->data;
	struct gg_ev_fault e = {};
	struct gg_ptes ptes;
	struct gg_walk now;

	e.vmf = (u32)regs_return_value(regs);
	if (d->mm != current->mm &&
	    (e.vmf & (__force u32)(VM_FAULT_RETRY | VM_FAULT_COMPLETED))) {
		now.val = 0;
		now.level = GG_LVL_UNKNOWN;
		ptes.count = 0;
		ptes.start = 0;
		ptes.end = 0;
	} else {
		gg_walk(d->mm, d->addr, &now);
		gg_fault_ptes(d, &now, &ptes);
	}
	e.ptes = ptes.count;
	e.ptes_start = ptes.start;
	e.ptes_end = ptes.end;
	e.addr = d->addr;
	e.ip = d->ip;
	e.fflags = d->flags;
	e.origin = d->origin;
	e.new = now.val;
	e.new_level = now.level;
	/*
	 * Report the old entry at the level of the new one; if the walk
	 * stopped elsewhere before (a huge page since split, say), what
	 * mapped the address then, or nothing.
	 */
	if (d->old.level == now.level || gg_entry_present(d->old.val) ||
	    now.level == GG_LVL_UNKNOWN) {
		e.old = d->old.val;
		e.old_level = d->old.level;
	} else {
		e.old = 0;
		e.old_level = now.level;
	}
	e.node = gg_entry_node(now.val, now.level);
	/* The decoding is the reader's: decode.c. */
	gg_emit(GG_EV_FAULT, d->mm, &e, GG_FAULT_RAW_LEN);
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
