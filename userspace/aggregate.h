/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Summarise a stream of parsed events per step and per mapping (what `gogrowth report` prints).
 *
 * - A step starts at each `marker` event and is named by its text; events before the first marker
 *   form the step "(start)", which is dropped if it holds no event at all. The marker event itself
 *   belongs to the step it starts.
 * - A mapping is the region [ret, ret + len rounded up to 4 KiB) of a successful mmap, identified
 *   by (ret, len): a later mmap with the same address and length is the same mapping. Where mmaps
 *   overlap (Go maps MAP_FIXED read-write pieces over its PROT_NONE reservation), an address
 *   belongs to the most recent mmap covering it. munmap, mremap and brk do not change the regions.
 * - A fault is counted in the mapping holding its `addr`; a TLB flush in the mapping holding its
 *   `start`; a whole-mm flush (`pages=all`), a failed mmap, `lost` and anything outside every
 *   mapping go to the step's "(other)" row, which every step with a row has.
 * - A step with nothing counted in any row (its marker alone, or events that count in no row:
 *   munmap, exit ...) has no row at all: it reads as an all-zero "(other)" row, and a
 *   marker-heavy run (a Swiss map labels every growth step) keeps none of those.
 * - Pages faulted are the distinct 4 KiB pages the faults made present or changed (the ptes=
 *   ranges; a pmd entry is 512 pages), per step and mapping.
 */
#ifndef GOGROWTH_AGGREGATE_H
#define GOGROWTH_AGGREGATE_H

#include "event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GG_PAGE_SHIFT 12
#define GG_NO_MAPPING UINT32_MAX /* the "(other)" row */
#define GG_MAPPING_NAME_SIZE 64

struct gg_counts {
	uint64_t mmaps, mmap_bytes, mmap_failed;
	uint64_t faults;
	uint64_t faults_by_trans[GG_TRANS_NR];
	uint64_t faults_by_level[GG_LVL_NR];
	uint64_t pages_faulted; /* distinct 4 KiB pages mapped or changed */
	uint64_t tlb_flushes, tlb_pages, tlb_whole_mm;
	uint64_t lost; /* only in the "(other)" row */
};

struct gg_mapping {
	uint64_t start, len; /* mmap's ret and len */
	uint64_t end;        /* exclusive; start + len rounded up to a page, saturated at 2^64-1 */
	uint64_t prot;       /* of the first mmap with this (start, len) */
	bool anon;
	char name[GG_MAPPING_NAME_SIZE]; /* escaped file name, truncated, or "anon" */
};

struct gg_step {
	/* one word, not two: a step is indexed once per event, and 40 bytes take fewer steps */
	union {
		size_t name_offset;    /* into gg_aggregate.names */
		const char *kept_name; /* name_kept: a kept marker's text where it lies */
	};
	size_t name_length; /* verbatim marker text */
	bool name_plain; /* no byte of the name needs escaping (the marker's text_plain) */
	/*
	 * The name is a kept marker's text (gg_aggregate_kept_marker()): it ends at its first NUL
	 * within name_length bytes, and whether it is plain is not known (name_plain false).
	 */
	bool name_kept;
	uint64_t events;
	uint64_t lost;
};

struct gg_row {
	uint32_t step;
	uint32_t mapping; /* index into mappings, or GG_NO_MAPPING */
	struct gg_counts counts;
};

struct gg_segment; /* private: the address -> mapping map */
struct gg_page_slot;

struct gg_aggregate {
	/* results, valid after gg_aggregate_finish() */
	struct gg_step *steps;
	size_t step_count, step_capacity;
	/* grouped by step in order; in a step by mapping start, "(other)" last; none for a step
	 * with nothing counted */
	struct gg_row *rows;
	size_t row_count, row_capacity;
	struct gg_mapping *mappings;
	size_t mapping_count, mapping_capacity;
	char *names;
	size_t names_length, names_capacity;
	uint64_t event_count, lost_total;

	/* working state of the step being built */
	struct gg_counts *current; /* [0] = "(other)", [i + 1] = mapping i */
	uint8_t *current_touched;
	uint32_t *touched; /* indexes into current with activity */
	size_t touched_count, current_capacity;

	struct gg_segment *segments; /* sorted, disjoint */
	size_t segment_count, segment_capacity;
	size_t last_segment; /* lookup cache: faults come in runs over one region */

	uint32_t *mapping_index; /* open addressing over (start, len): mapping + 1, 0 = empty */
	size_t mapping_index_capacity;

	struct gg_page_slot *pages; /* distinct (row, page) of the current step */
	size_t page_capacity, page_count;
	uint32_t page_generation; /* slots of older generations count as empty */

	void *kept_mapping; /* what kept names point into, unmapped by gg_aggregate_free() */
	size_t kept_mapping_size;

	bool finished;
};

int gg_aggregate_init(struct gg_aggregate *aggregate);
/* 0, or -1 when out of memory (the aggregate stays valid to free). */
int gg_aggregate_event(struct gg_aggregate *aggregate, const struct gg_event *event);

/*
 * gg_aggregate_event() by the event's type, for a reader that has the few values counted
 * without a whole struct gg_event (a binary record); each counts exactly as gg_aggregate_event()
 * does for an event of that type with these values. 0, or -1 when out of memory.
 */
struct gg_fault_extent { /* struct gg_fault's members of the same names */
	uint64_t addr;
	uint64_t ptes, ptes_start, ptes_end;
	enum gg_level level;
	enum gg_trans trans;
};
int gg_aggregate_fault(struct gg_aggregate *aggregate, const struct gg_fault_extent *fault);
/* @pages: only when !@whole_mm (event.h, tlb_flush) */
int gg_aggregate_tlb_flush(struct gg_aggregate *aggregate, uint64_t start, bool whole_mm,
			   uint64_t pages);
/* @text: verbatim, copied; @plain: no byte of it needs escaping (event.h, marker) */
int gg_aggregate_marker(struct gg_aggregate *aggregate, const char *text, size_t length,
			bool plain);
/*
 * gg_aggregate_marker() of a text that stays where it lies as long as the aggregate does (in a
 * mapped recording the aggregate keeps): it is not copied, nor measured or checked; it ends at
 * its first NUL within @limit bytes (gg_step_name() measures it, a printer checks it as it copies
 * it out).
 */
int gg_aggregate_kept_marker(struct gg_aggregate *aggregate, const char *text, size_t limit);
/* The mapping of @size bytes at @address kept texts lie in: munmap()ed by gg_aggregate_free(). */
void gg_aggregate_keep_mapping(struct gg_aggregate *aggregate, void *address, size_t size);
/* Close the last step. 0, or -1 when out of memory. */
int gg_aggregate_finish(struct gg_aggregate *aggregate);
void gg_aggregate_free(struct gg_aggregate *aggregate);

/*
 * Name of a step, and its length (the text may hold any byte but NUL and newline). Inline: a
 * marker-heavy report asks for one per line it prints.
 */
static inline const char *gg_step_name(const struct gg_aggregate *aggregate,
				       const struct gg_step *step, size_t *length)
{
	if (step->name_kept) {
		*length = strnlen(step->kept_name, step->name_length);
		return step->kept_name;
	}
	*length = step->name_length;
	return aggregate->names + step->name_offset;
}

#endif /* GOGROWTH_AGGREGATE_H */
