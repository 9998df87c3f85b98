/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_PGWALK_H
#define GOGROWTH_PGWALK_H

#include <linux/mm_types.h>
#include <linux/pgtable.h>
#include <linux/types.h>

#include "event.h"

struct gg_walk {
	u64 val;		/* raw entry where the walk stopped */
	u8 level;		/* enum gg_level */
};

/* Which entries of one PTE table were present, for a later comparison. */
struct gg_pte_snapshot {
	u64 table;		/* PMD value pointing to the table; 0: none */
	DECLARE_BITMAP(present, PTRS_PER_PTE);
};

/* Entries a fault set: how many, and the user range they map. */
struct gg_ptes {
	unsigned int count;
	unsigned long start, end;	/* end exclusive; both 0 when count is */
};

/* Probe context: no locks taken, no sleeping. */
void gg_walk(struct mm_struct *mm, unsigned long addr, struct gg_walk *w);
void gg_pte_snapshot(struct mm_struct *mm, unsigned long addr,
		     struct gg_pte_snapshot *snap);
/* Present entries of @addr's table within [lo, hi) not present in @snap. */
void gg_ptes_new_since(struct mm_struct *mm, unsigned long addr,
		       const struct gg_pte_snapshot *snap, unsigned long lo,
		       unsigned long hi, struct gg_ptes *out);
/* Entries within [lo, hi) that map the pages of the folio holding @pfn. */
void gg_ptes_of_folio(struct mm_struct *mm, unsigned long addr, u64 pfn,
		      unsigned long lo, unsigned long hi, struct gg_ptes *out);
bool gg_entry_present(u64 val);
u64 gg_entry_pfn(u64 val, u8 level);
int gg_entry_node(u64 val, u8 level);

/* Decoding, for the text format and the trace events (event.h's enums). */
enum gg_level gg_level_shown(u64 val, u8 level);
u8 gg_entry_flag_bits(u64 val, u8 level);	/* enum gg_pte_flag */
enum gg_trans gg_transition(u64 old, u8 old_level, u64 new, u8 new_level);
enum gg_trans gg_fault_trans(const struct gg_ev_fault *f);
enum gg_result gg_fault_result(u32 vmf);
enum gg_access gg_fault_access(u32 fflags);
enum gg_lock gg_fault_lock(u32 fflags);

#endif /* GOGROWTH_PGWALK_H */
