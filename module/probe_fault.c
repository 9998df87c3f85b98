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

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/ptrace.h>

#include "event.h"
#include "hook.h"
#include "pgwalk.h"
#include "probes.h"
#include "target.h"

#define GG_FAULT_MAXACTIVE	512

/*
 * What the entry saves for the return. It must fit the hook's entry data,
 * 120 bytes on fprobe since 6.14 (compat.h, checked at build time), so it
 * is packed: the VMA's range is kept only where it meets @addr's PTE table,
 * the one place gg_ptes_new_since() and gg_ptes_of_folio() look, as page
 * offsets in that table.
 */
struct gg_fault_data {
	struct mm_struct *mm;
	unsigned long addr;
	unsigned long ip;
	u64 old_val;		/* the entry at entry, where the walk stopped */
	unsigned int flags;
	u16 vma_lo, vma_hi;	/* pages of the VMA in addr's table: [lo, hi) */
	u8 origin;
	u8 old_level;
	bool snapped;
	struct gg_pte_snapshot snap;
};

/* handle_mm_fault()'s arguments; 0 when the call is the target's. */
static int gg_fault_begin(struct gg_fault_data *d, struct vm_area_struct *vma,
			  unsigned long address, unsigned int flags,
			  struct pt_regs *uregs)
{
	unsigned long base, lo, hi;
	struct gg_walk old;

	if (!gg_tracing_current())
		return 1;
	d->mm = vma->vm_mm;
	d->addr = address;
	d->flags = flags;
	if (!uregs) {
		/* get_user_pages() and friends pass no register state. */
		d->origin = GG_ORIGIN_GUP;
		d->ip = 0;
	} else {
		d->origin = user_mode(uregs) ? GG_ORIGIN_USER : GG_ORIGIN_KERNEL;
		d->ip = instruction_pointer(uregs);
	}
	base = d->addr & PMD_MASK;
	lo = clamp(vma->vm_start, base, base + PMD_SIZE);
	hi = clamp(vma->vm_end, base, base + PMD_SIZE);
	d->vma_lo = (lo - base) >> PAGE_SHIFT;
	d->vma_hi = (hi - base) >> PAGE_SHIFT;
	gg_walk(d->mm, d->addr, &old);
	d->old_val = old.val;
	d->old_level = old.level;
	d->snapped = vma->vm_file && !gg_entry_present(old.val);
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

/* The entries counted lie in one page table: the tool refuses more. */
static_assert(PTRS_PER_PTE <= GG_FAULT_PTES_MAX);

/* The entries the fault made present or changed; see the file comment. */
static void gg_fault_ptes(const struct gg_fault_data *d,
			  const struct gg_walk *now, struct gg_ptes *p)
{
	unsigned long size = gg_level_size(now->level);
	unsigned long base = d->addr & PMD_MASK;
	unsigned long lo = base + ((unsigned long)d->vma_lo << PAGE_SHIFT);
	unsigned long hi = base + ((unsigned long)d->vma_hi << PAGE_SHIFT);

	p->count = 0;
	p->start = 0;
	p->end = 0;
	if (d->old_level == now->level && d->old_val == now->val)
		return;
	if (now->level == GG_LVL_PTE && gg_entry_present(now->val)) {
		if (d->snapped)
			gg_ptes_new_since(d->mm, d->addr, &d->snap, lo, hi, p);
		else if (!gg_entry_present(d->old_val))
			gg_ptes_of_folio(d->mm, d->addr,
					 gg_entry_pfn(now->val, now->level),
					 lo, hi, p);
		if (p->count)
			return;
	}
	p->count = 1;
	p->start = d->addr & ~(size - 1);
	p->end = p->start + size;
}

static void gg_fault_end(struct gg_fault_data *d, vm_fault_t ret)
{
	struct gg_ev_fault e = {};
	struct gg_ptes ptes;
	struct gg_walk now;

	e.vmf = (__force u32)ret;
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
	if (d->old_level == now.level || gg_entry_present(d->old_val) ||
	    now.level == GG_LVL_UNKNOWN) {
		e.old = d->old_val;
		e.old_level = d->old_level;
	} else {
		e.old = 0;
		e.old_level = now.level;
	}
	e.node = gg_entry_node(now.val, now.level);
	/* The decoding is the reader's: decode.c. */
	gg_emit(GG_EV_FAULT, d->mm, &e, GG_FAULT_RAW_LEN);
}

/* The probe, where the redirect below is refused. */
static int gg_fault_entry(struct gg_fault_data *d, gg_hook_regs_t *regs)
{
	return gg_fault_begin(d,
			      (struct vm_area_struct *)gg_hook_arg(regs, 0),
			      gg_hook_arg(regs, 1),
			      (unsigned int)gg_hook_arg(regs, 2),
			      (struct pt_regs *)gg_hook_arg(regs, 3));
}

static void gg_fault_ret(struct gg_fault_data *d, gg_hook_regs_t *regs)
{
	gg_fault_end(d, (__force vm_fault_t)(u32)gg_hook_ret(regs));
}

GG_DEFINE_RET_HOOK(gg_hook_fault, "handle_mm_fault", gg_fault_entry,
		   gg_fault_ret, struct gg_fault_data, GG_FAULT_MAXACTIVE);

static struct gg_redirect gg_fault_redirect;

/*
 * The target's calls of handle_mm_fault() land here (redirect.h), with its
 * arguments: the prototype must be the same. The handlers' context is kept
 * (preemption off), and the fault itself runs as it would have, sleeping
 * if it must; the entry data lives on this stack.
 */
static vm_fault_t gg_fault_wrapper(struct vm_area_struct *vma,
				   unsigned long address, unsigned int flags,
				   struct pt_regs *regs)
{
	struct gg_fault_data d;
	vm_fault_t ret;
	bool traced;

	gg_redirect_enter(&gg_fault_redirect);
	preempt_disable();
	traced = !gg_fault_begin(&d, vma, address, flags, regs);
	preempt_enable();
	ret = handle_mm_fault(vma, address, flags, regs);
	if (traced) {
		preempt_disable();
		gg_fault_end(&d, ret);
		preempt_enable();
	}
	gg_redirect_leave(&gg_fault_redirect);
	return ret;
}

static struct gg_hook *const gg_fault_hooks[] = { &gg_hook_fault };

int gg_probe_fault_register(void)
{
	gg_fault_redirect.func = (unsigned long)handle_mm_fault;
	gg_fault_redirect.wrapper = (unsigned long)gg_fault_wrapper;
	gg_hook_fault.redirect = &gg_fault_redirect;
	return gg_hooks_register(gg_fault_hooks, ARRAY_SIZE(gg_fault_hooks));
}

void gg_probe_fault_unregister(void)
{
	gg_hooks_unregister(gg_fault_hooks, ARRAY_SIZE(gg_fault_hooks));
}
