// SPDX-License-Identifier: GPL-2.0
/*
 * Lockless page-table walk of a user address, and the decoding of the
 * entries it finds.
 *
 * The walk follows what GUP-fast does: with interrupts off, page tables
 * cannot be freed under us (x86 frees them after an IPI or an RCU grace
 * period, MMU_GATHER_RCU_TABLE_FREE), and every level is read once with
 * READ_ONCE so that a concurrent update shows either the old or the new
 * entry, never a torn one. It takes no lock, so it is safe in a kprobe
 * handler whatever the probed function holds. pte_offset_map() is not used:
 * on 6.12 it may take the PTE lock path and is not exported.
 */
#include <linux/bitmap.h>
#include <linux/irqflags.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "compat.h"
#include "pgwalk.h"

/*
 * Walks down to the PMD entry of @addr; interrupts must be off. Fills @w
 * and returns NULL when the walk stops above the PTE level, else the PTE
 * table the local PMD copy points to (never *pmdp re-read), with the PMD
 * value in *@pmdval.
 */
static pte_t *gg_walk_to_table(struct mm_struct *mm, unsigned long addr,
			       struct gg_walk *w, pmd_t *pmdval)
{
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;

	w->val = 0;
	w->level = GG_LVL_NONE;
	if (!mm || addr >= TASK_SIZE_MAX)
		return NULL;
	pgdp = pgd_offset(mm, addr);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || !pgd_present(pgd)) {
		w->level = GG_LVL_PGD;
		w->val = pgd_val(pgd);
		return NULL;
	}
	p4dp = p4d_offset_lockless(pgdp, pgd, addr);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || !p4d_present(p4d)) {
		w->level = GG_LVL_P4D;
		w->val = p4d_val(p4d);
		return NULL;
	}
	pudp = pud_offset_lockless(p4dp, p4d, addr);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud) || !pud_present(pud) || pud_leaf(pud)) {
		w->level = GG_LVL_PUD;
		w->val = pud_val(pud);
		return NULL;
	}
	pmdp = pmd_offset_lockless(pudp, pud, addr);
	pmd = READ_ONCE(*pmdp);
	if (pmd_none(pmd) || !pmd_present(pmd) || pmd_leaf(pmd) ||
	    pmd_trans_huge(pmd)) {
		w->level = GG_LVL_PMD;
		w->val = pmd_val(pmd);
		return NULL;
	}
	*pmdval = pmd;
	return pte_offset_kernel(&pmd, addr & PMD_MASK);
}

void gg_walk(struct mm_struct *mm, unsigned long addr, struct gg_walk *w)
{
	unsigned long flags;
	pte_t *table;
	pmd_t pmd;

	local_irq_save(flags);
	table = gg_walk_to_table(mm, addr, w, &pmd);
	if (table) {
		w->level = GG_LVL_PTE;
		w->val = pte_val(ptep_get_lockless(table + pte_index(addr)));
	}
	local_irq_restore(flags);
}

void gg_pte_snapshot(struct mm_struct *mm, unsigned long addr,
		     struct gg_pte_snapshot *snap)
{
	unsigned long flags;
	struct gg_walk w;
	pte_t *table;
	pmd_t pmd;
	int i;

	bitmap_zero(snap->present, PTRS_PER_PTE);
	snap->table = 0;
	local_irq_save(flags);
	table = gg_walk_to_table(mm, addr, &w, &pmd);
	if (table) {
		snap->table = pmd_val(pmd);
		for (i = 0; i < PTRS_PER_PTE; i++)
			if (gg_entry_present(pte_val(ptep_get_lockless(table + i))))
				__set_bit(i, snap->present);
	}
	local_irq_restore(flags);
}

static void gg_ptes_add(struct gg_ptes *out, unsigned long va)
{
	if (!out->count || va < out->start)
		out->start = va;
	if (!out->count || va + PAGE_SIZE > out->end)
		out->end = va + PAGE_SIZE;
	out->count++;
}

void gg_ptes_new_since(struct mm_struct *mm, unsigned long addr,
		       const struct gg_pte_snapshot *snap, unsigned long lo,
		       unsigned long hi, struct gg_ptes *out)
{
	unsigned long flags, base = addr & PMD_MASK, va;
	bool same_table;
	struct gg_walk w;
	pte_t *table;
	pmd_t pmd;
	int i;

	out->count = 0;
	lo = max(lo, base);
	hi = min(hi, base + PMD_SIZE);
	local_irq_save(flags);
	table = gg_walk_to_table(mm, addr, &w, &pmd);
	same_table = table && snap->table == pmd_val(pmd);
	for (va = lo; table && va < hi; va += PAGE_SIZE) {
		i = pte_index(va);
		if (!gg_entry_present(pte_val(ptep_get_lockless(table + i))))
			continue;
		if (same_table && test_bit(i, snap->present))
			continue;
		gg_ptes_add(out, va);
	}
	local_irq_restore(flags);
}

void gg_ptes_of_folio(struct mm_struct *mm, unsigned long addr, u64 pfn,
		      unsigned long lo, unsigned long hi, struct gg_ptes *out)
{
	unsigned long flags, base = addr & PMD_MASK, first, va;
	unsigned long head_pfn, nr;
	struct folio *folio;
	struct gg_walk w;
	pte_t *table;
	pmd_t pmd;
	u64 val;

	out->count = 0;
	if (!pfn_valid(pfn))
		return;
	folio = page_folio(pfn_to_page(pfn));
	head_pfn = folio_pfn(folio);
	nr = folio_test_large(folio) ? folio_nr_pages(folio) : 1;
	/* A folio that changed under us is caught by the PFN check below. */
	if (nr > PTRS_PER_PTE || pfn < head_pfn || pfn - head_pfn >= nr)
		nr = 1, head_pfn = pfn;
	first = (addr & PAGE_MASK) - (pfn - head_pfn) * PAGE_SIZE;
	lo = max3(lo, base, first);
	hi = min3(hi, base + PMD_SIZE, first + nr * PAGE_SIZE);
	local_irq_save(flags);
	table = gg_walk_to_table(mm, addr, &w, &pmd);
	for (va = lo; table && va < hi; va += PAGE_SIZE) {
		val = pte_val(ptep_get_lockless(table + pte_index(va)));
		if (gg_entry_present(val) &&
		    pte_pfn(__pte(val)) == head_pfn + (va - first) / PAGE_SIZE)
			gg_ptes_add(out, va);
	}
	local_irq_restore(flags);
}

/* The kernel's notion of present: a PROT_NONE entry maps a page too. */
bool gg_entry_present(u64 val)
{
	return val & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

u64 gg_entry_pfn(u64 val, u8 level)
{
	if (!gg_entry_present(val))
		return 0;
	switch (level) {
	case GG_LVL_PTE:
		return pte_pfn(__pte(val));
	case GG_LVL_PMD:
		return pmd_pfn(__pmd(val));
	case GG_LVL_PUD:
		return pud_pfn(__pud(val));
	default:
		return 0;
	}
}

int gg_entry_node(u64 val, u8 level)
{
	u64 pfn = gg_entry_pfn(val, level);
	struct page *page;

	/* Offline and device memory have no node to tell: what the kernel does too. */
	page = pfn ? pfn_to_online_page(pfn) : NULL;
	return page ? page_to_nid(page) : NUMA_NO_NODE;
}

/* The level the text shows: where the walk stopped, "none" when nothing maps. */
enum gg_level gg_level_shown(u64 val, u8 level)
{
	if (level == GG_LVL_UNKNOWN)
		return GG_LVL_UNKNOWN;
	if (!gg_entry_present(val))
		return GG_LVL_NONE;
	switch (level) {
	case GG_LVL_PTE:
	case GG_LVL_PMD:
	case GG_LVL_PUD:
		return level;
	default:
		return GG_LVL_NONE;
	}
}

u8 gg_entry_flag_bits(u64 val, u8 level)
{
	u8 bits = 0;

	bits |= val & _PAGE_PRESENT ? GG_PTE_PRESENT : 0;
	bits |= val & _PAGE_RW ? GG_PTE_WRITABLE : 0;
	bits |= val & _PAGE_USER ? GG_PTE_USER : 0;
	bits |= val & _PAGE_ACCESSED ? GG_PTE_ACCESSED : 0;
	bits |= val & _PAGE_DIRTY ? GG_PTE_DIRTY : 0;
	bits |= val & _PAGE_NX ? GG_PTE_NOEXEC : 0;
	/* Bit 7 is PAT in a PTE; it only means "huge" above the PTE level. */
	bits |= level > GG_LVL_PTE && (val & _PAGE_PSE) ? GG_PTE_HUGE : 0;
	return bits;
}

enum gg_trans gg_transition(u64 old, u8 old_level, u64 new, u8 new_level)
{
	bool op = gg_entry_present(old), np = gg_entry_present(new);
	bool to_rw;

	if (new_level == GG_LVL_UNKNOWN)
		return GG_TRANS_UNKNOWN;
	if (!op)
		return np ? GG_TRANS_NONE_PRESENT : GG_TRANS_NONE_NONE;
	if (!np)
		return GG_TRANS_PRESENT_NONE;
	to_rw = !(old & _PAGE_RW) && (new & _PAGE_RW);
	if (gg_entry_pfn(old, old_level) != gg_entry_pfn(new, new_level))
		return to_rw ? GG_TRANS_RO_RW_COW : GG_TRANS_NEWPFN;
	return to_rw ? GG_TRANS_RO_RW : GG_TRANS_PRESENT;
}

enum gg_trans gg_fault_trans(const struct gg_ev_fault *f)
{
	return gg_transition(f->old, f->old_level, f->new, f->new_level);
}

enum gg_result gg_fault_result(u32 vmf)
{
	if (vmf & (__force u32)VM_FAULT_OOM)
		return GG_RESULT_OOM;
	if (vmf & (__force u32)VM_FAULT_SIGBUS)
		return GG_RESULT_SIGBUS;
	if (vmf & (__force u32)VM_FAULT_SIGSEGV)
		return GG_RESULT_SIGSEGV;
	if (vmf & (__force u32)(VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE))
		return GG_RESULT_HWPOISON;
	if (vmf & (__force u32)VM_FAULT_RETRY)
		return GG_RESULT_RETRY;
	if (vmf & (__force u32)VM_FAULT_COMPLETED)
		return GG_RESULT_COMPLETED;
	if (vmf & (__force u32)VM_FAULT_FALLBACK)
		return GG_RESULT_FALLBACK;
	if (vmf & (__force u32)VM_FAULT_ERROR)
		return GG_RESULT_ERROR;
	if (vmf & (__force u32)VM_FAULT_MAJOR)
		return GG_RESULT_MAJOR;
	return GG_RESULT_MINOR;
}

enum gg_access gg_fault_access(u32 fflags)
{
	if (fflags & FAULT_FLAG_WRITE)
		return GG_ACCESS_WRITE;
	if (fflags & FAULT_FLAG_INSTRUCTION)
		return GG_ACCESS_EXEC;
	return GG_ACCESS_READ;
}

enum gg_lock gg_fault_lock(u32 fflags)
{
	return fflags & GG_FAULT_FLAG_VMA_LOCK ? GG_LOCK_VMA : GG_LOCK_MMAP;
}
