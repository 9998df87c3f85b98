// SPDX-License-Identifier: GPL-2.0
/*
 * Per-step, per-mapping aggregation. The hot path is a fault: one cached segment lookup, one
 * page-set probe and a few increments, no allocation except when a table has to grow.
 */
#include "aggregate.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct gg_segment {
	uint64_t start, end; /* [start, end) */
	uint32_t mapping;
};

struct gg_page_slot {
	uint64_t page;
	uint32_t row; /* index into current[] */
	uint32_t generation; /* 0 = never used */
};

static const char start_step_name[] = "(start)";

/* Grow *array so it holds at least `needed` elements of `size` bytes; doubles. */
static int reserve(void **array, size_t *capacity, size_t needed, size_t size)
{
	if (needed <= *capacity)
		return 0;
	size_t new_capacity = *capacity ? *capacity : 16;
	while (new_capacity < needed) {
		if (new_capacity > SIZE_MAX / 2 / size)
			return -1;
		new_capacity *= 2;
	}
	void *grown = realloc(*array, new_capacity * size);
	if (!grown)
		return -1;
	*array = grown;
	*capacity = new_capacity;
	return 0;
}

/* Inline while there is room: a marker-heavy recording reserves three times per event. */
#define RESERVE(array, capacity, needed)                                                 \
	(__builtin_expect((needed) <= (capacity), 1)                                     \
		 ? 0                                                                     \
		 : reserve((void **)&(array), &(capacity), (needed), sizeof(*(array))))

/*
 * Counters set to zero 16 bytes a store: gcc makes its own memset of a struct gg_counts a
 * `rep stosq`, one step per word, and a step's counters are cleared once per row.
 */
typedef uint64_t zero_pair __attribute__((vector_size(16), aligned(8)));

static inline void zero_counts(struct gg_counts *counts)
{
	_Static_assert(sizeof(*counts) % sizeof(zero_pair) == 0, "gg_counts is whole pairs");
	zero_pair *pairs = (zero_pair *)(void *)counts;
#pragma GCC unroll 16
	for (size_t i = 0; i < sizeof(*counts) / sizeof(zero_pair); i++)
		pairs[i] = (zero_pair){ 0, 0 };
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

/* ---- steps ---- */

/* A new step's distinct pages start afresh. */
static inline void empty_page_set(struct gg_aggregate *aggregate)
{
	/* a new generation empties the page set without touching its memory */
	aggregate->page_count = 0;
	if (__builtin_expect(++aggregate->page_generation == 0, 0)) {
		if (aggregate->pages)
			memset(aggregate->pages, 0,
			       aggregate->page_capacity * sizeof(*aggregate->pages));
		aggregate->page_generation = 1;
	}
}

/* Start a step named by the @name_length bytes already at the end of the names. */
static inline __attribute__((always_inline)) int begin_placed_step(struct gg_aggregate *aggregate, size_t name_length, bool name_plain)
{
	if (RESERVE(aggregate->steps, aggregate->step_capacity, aggregate->step_count + 1))
		return -1;
	struct gg_step *step = &aggregate->steps[aggregate->step_count++];
	step->name_kept = false;
	step->name_offset = aggregate->names_length;
	step->name_length = name_length;
	step->name_plain = name_plain;
	step->events = 0;
	step->lost = 0;
	aggregate->names_length += name_length;
	aggregate->names[aggregate->names_length++] = '\0';
	empty_page_set(aggregate);
	return 0;
}

/* Room for a name of @length bytes and its NUL at the end of the names; NULL: out of memory. */
static char *name_room(struct gg_aggregate *aggregate, size_t length)
{
	if (RESERVE(aggregate->names, aggregate->names_capacity,
		    aggregate->names_length + length + 1))
		return NULL;
	return aggregate->names + aggregate->names_length;
}

/* Inline: a marker-heavy stream starts a step per line, and the calls cost as much as the step. */
static inline __attribute__((always_inline)) int begin_step(struct gg_aggregate *aggregate,
							    const char *name, size_t name_length,
							    bool name_plain)
{
	char *room = name_room(aggregate, name_length);
	if (!room)
		return -1;
	memcpy(room, name, name_length);
	return begin_placed_step(aggregate, name_length, name_plain);
}

static int ensure_current_capacity(struct gg_aggregate *aggregate, size_t needed)
{
	size_t old_capacity = aggregate->current_capacity;
	if (needed <= old_capacity)
		return 0;
	size_t new_capacity = old_capacity ? old_capacity : 16;
	while (new_capacity < needed)
		new_capacity *= 2;
	struct gg_counts *counts = realloc(aggregate->current, new_capacity * sizeof(*counts));
	if (!counts)
		return -1;
	aggregate->current = counts;
	uint8_t *touched_flags = realloc(aggregate->current_touched, new_capacity);
	if (!touched_flags)
		return -1;
	aggregate->current_touched = touched_flags;
	uint32_t *touched = realloc(aggregate->touched, new_capacity * sizeof(*touched));
	if (!touched)
		return -1;
	aggregate->touched = touched;
	memset(counts + old_capacity, 0, (new_capacity - old_capacity) * sizeof(*counts));
	memset(touched_flags + old_capacity, 0, new_capacity - old_capacity);
	aggregate->current_capacity = new_capacity;
	return 0;
}

/* The counters of row `index` (0 = other) of the current step, marking it as used. */
static struct gg_counts *touch(struct gg_aggregate *aggregate, uint32_t index)
{
	if (!aggregate->current_touched[index]) {
		aggregate->current_touched[index] = 1;
		aggregate->touched[aggregate->touched_count++] = index;
	}
	return &aggregate->current[index];
}

static const struct gg_aggregate *sort_context; /* qsort has no context argument in C11 */

static int compare_rows_by_address(const void *a, const void *b)
{
	uint32_t left = *(const uint32_t *)a, right = *(const uint32_t *)b;
	/* "(other)" (index 0) sorts last */
	if (left == 0 || right == 0)
		return (left == 0) - (right == 0);
	const struct gg_mapping *l = &sort_context->mappings[left - 1];
	const struct gg_mapping *r = &sort_context->mappings[right - 1];
	if (l->start != r->start)
		return l->start < r->start ? -1 : 1;
	if (l->len != r->len)
		return l->len < r->len ? -1 : 1;
	return 0;
}

static int end_counted_step(struct gg_aggregate *aggregate, size_t step_index);

/*
 * Move the current step's counters into rows. Drops an empty "(start)" step. Inline: a step
 * with no counted event (a marker followed by the next one: most steps of a Swiss map's run)
 * has no row, and nothing to do here.
 */
static inline __attribute__((always_inline)) int end_step(struct gg_aggregate *aggregate)
{
	size_t step_index = aggregate->step_count - 1;

	if (__builtin_expect(aggregate->touched_count != 0, 0))
		return end_counted_step(aggregate, step_index);
	if (step_index == 0 && aggregate->steps[0].events == 0) {
		aggregate->step_count = 0; /* nothing happened before the first marker */
		aggregate->names_length = 0;
	}
	return 0;
}

/* end_step() of a step with counted events: its rows, sorted by address. */
static __attribute__((noinline)) int end_counted_step(struct gg_aggregate *aggregate,
						       size_t step_index)
{
	/* a step with rows has its "(other)" row; one never touched holds zeros, nothing to move */
	bool other_untouched = !aggregate->current_touched[0];
	touch(aggregate, 0);
	if (RESERVE(aggregate->rows, aggregate->row_capacity,
		    aggregate->row_count + aggregate->touched_count))
		return -1;
	/* a step that only holds its marker has just "(other)": nothing to sort, skip the call */
	if (aggregate->touched_count > 1) {
		sort_context = aggregate;
		qsort(aggregate->touched, aggregate->touched_count, sizeof(*aggregate->touched),
		      compare_rows_by_address);
	}
	for (size_t i = 0; i < aggregate->touched_count; i++) {
		uint32_t index = aggregate->touched[i];
		struct gg_row *row = &aggregate->rows[aggregate->row_count++];
		row->step = (uint32_t)step_index;
		row->mapping = index == 0 ? GG_NO_MAPPING : index - 1;
		if (index == 0 && other_untouched) {
			zero_counts(&row->counts);
		} else {
			row->counts = aggregate->current[index];
			zero_counts(&aggregate->current[index]);
		}
		aggregate->current_touched[index] = 0;
	}
	aggregate->touched_count = 0;
	return 0;
}

/* ---- mappings and the address map ---- */

static size_t mapping_slot(const struct gg_aggregate *aggregate, uint64_t start, uint64_t len)
{
	size_t mask = aggregate->mapping_index_capacity - 1;
	size_t slot = (size_t)mix64(start ^ mix64(len)) & mask;
	for (;; slot = (slot + 1) & mask) {
		uint32_t entry = aggregate->mapping_index[slot];
		if (!entry)
			return slot;
		const struct gg_mapping *m = &aggregate->mappings[entry - 1];
		if (m->start == start && m->len == len)
			return slot;
	}
}

static int grow_mapping_index(struct gg_aggregate *aggregate)
{
	size_t old_capacity = aggregate->mapping_index_capacity;
	uint32_t *old_index = aggregate->mapping_index;
	size_t new_capacity = old_capacity ? old_capacity * 2 : 64;
	uint32_t *new_index = calloc(new_capacity, sizeof(*new_index));
	if (!new_index)
		return -1;
	aggregate->mapping_index = new_index;
	aggregate->mapping_index_capacity = new_capacity;
	for (size_t i = 0; i < old_capacity; i++) {
		if (!old_index[i])
			continue;
		const struct gg_mapping *m = &aggregate->mappings[old_index[i] - 1];
		aggregate->mapping_index[mapping_slot(aggregate, m->start, m->len)] = old_index[i];
	}
	free(old_index);
	return 0;
}

static void copy_mapping_name(struct gg_mapping *mapping, const struct gg_event *event)
{
	if (event->mmap.anon) {
		memcpy(mapping->name, "anon", sizeof("anon"));
		return;
	}
	size_t length = event->mmap.file.len;
	if (length >= GG_MAPPING_NAME_SIZE) {
		length = GG_MAPPING_NAME_SIZE - 4;
		memcpy(mapping->name + length, "...", 4);
	} else {
		mapping->name[length] = '\0';
	}
	memcpy(mapping->name, event->mmap.file.ptr, length);
	if (length == 0 && event->mmap.file.len == 0)
		memcpy(mapping->name, "(empty)", sizeof("(empty)"));
}

/* Index of the mapping (start, len), created if new; UINT32_MAX when out of memory. */
static uint32_t find_or_add_mapping(struct gg_aggregate *aggregate, const struct gg_event *event)
{
	uint64_t start = event->mmap.ret.value, len = event->mmap.len;

	if ((aggregate->mapping_count + 1) * 2 > aggregate->mapping_index_capacity &&
	    grow_mapping_index(aggregate))
		return UINT32_MAX;
	size_t slot = mapping_slot(aggregate, start, len);
	if (aggregate->mapping_index[slot])
		return aggregate->mapping_index[slot] - 1;

	if (aggregate->mapping_count >= UINT32_MAX - 2 ||
	    RESERVE(aggregate->mappings, aggregate->mapping_capacity,
		    aggregate->mapping_count + 1) ||
	    ensure_current_capacity(aggregate, aggregate->mapping_count + 2))
		return UINT32_MAX;
	uint32_t index = (uint32_t)aggregate->mapping_count++;
	struct gg_mapping *mapping = &aggregate->mappings[index];
	uint64_t page_mask = (UINT64_C(1) << GG_PAGE_SHIFT) - 1;
	uint64_t rounded_len = len > UINT64_MAX - page_mask ? UINT64_MAX : (len + page_mask) & ~page_mask;
	mapping->start = start;
	mapping->len = len;
	mapping->end = rounded_len > UINT64_MAX - start ? UINT64_MAX : start + rounded_len;
	mapping->prot = event->mmap.prot;
	mapping->anon = event->mmap.anon;
	copy_mapping_name(mapping, event);
	aggregate->mapping_index[slot] = index + 1;
	return index;
}

/* Index of the first segment ending above `address` (segments are sorted and disjoint). */
static size_t first_segment_ending_above(const struct gg_aggregate *aggregate, uint64_t address)
{
	size_t low = 0, high = aggregate->segment_count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (aggregate->segments[middle].end <= address)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

/*
 * Make [start, end) point at `mapping`, on top of whatever covered it: the segments it overlaps
 * are found by binary search and replaced in place (what is left of the first and the last
 * either side of the new one); only the segments after them move, not the whole list.
 */
static int overlay_segment(struct gg_aggregate *aggregate, uint64_t start, uint64_t end,
			   uint32_t mapping)
{
	if (RESERVE(aggregate->segments, aggregate->segment_capacity, aggregate->segment_count + 2))
		return -1;

	struct gg_segment *segments = aggregate->segments;
	size_t count = aggregate->segment_count;
	size_t first = first_segment_ending_above(aggregate, start), after = first;
	while (after < count && segments[after].start < end)
		after++;

	struct gg_segment pieces[3];
	size_t piece_count = 0;
	if (first < after && segments[first].start < start)
		pieces[piece_count++] = (struct gg_segment){ segments[first].start, start,
							     segments[first].mapping };
	pieces[piece_count++] = (struct gg_segment){ start, end, mapping };
	if (first < after && segments[after - 1].end > end)
		pieces[piece_count++] = (struct gg_segment){ end, segments[after - 1].end,
							     segments[after - 1].mapping };

	memmove(&segments[first + piece_count], &segments[after],
		(count - after) * sizeof(*segments));
	memcpy(&segments[first], pieces, piece_count * sizeof(*segments));
	aggregate->segment_count = count - (after - first) + piece_count;
	aggregate->last_segment = 0;
	return 0;
}

/* row_for_address() past its cache: the last segment starting at or below @address. */
static __attribute__((noinline)) uint32_t search_row(struct gg_aggregate *aggregate,
						      uint64_t address)
{
	const struct gg_segment *segments = aggregate->segments;
	size_t low = 0, high = aggregate->segment_count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (segments[middle].start <= address)
			low = middle + 1;
		else
			high = middle;
	}
	if (low == 0 || address >= segments[low - 1].end)
		return 0;
	aggregate->last_segment = low - 1;
	return segments[low - 1].mapping + 1;
}

/*
 * Row index in current[] for `address`: mapping + 1, or 0 for "(other)". Inline as far as the
 * cached segment, which holds most faults (they come in runs over one region).
 */
static inline __attribute__((always_inline)) uint32_t row_for_address(struct gg_aggregate *aggregate,
								       uint64_t address)
{
	if (aggregate->segment_count == 0)
		return 0;
	const struct gg_segment *cached = &aggregate->segments[aggregate->last_segment];
	if (address >= cached->start && address < cached->end)
		return cached->mapping + 1;
	return search_row(aggregate, address);
}

/* ---- distinct pages ---- */

static inline size_t page_slot(const struct gg_aggregate *aggregate, uint64_t page, uint32_t row)
{
	size_t mask = aggregate->page_capacity - 1;
	return (size_t)mix64(page * UINT64_C(0x9e3779b97f4a7c15) ^ row) & mask;
}

static int grow_page_set(struct gg_aggregate *aggregate)
{
	struct gg_page_slot *old_slots = aggregate->pages;
	size_t old_capacity = aggregate->page_capacity;
	size_t new_capacity = old_capacity ? old_capacity * 2 : 1024;
	struct gg_page_slot *new_slots = calloc(new_capacity, sizeof(*new_slots));
	if (!new_slots)
		return -1;
	aggregate->pages = new_slots;
	aggregate->page_capacity = new_capacity;
	size_t mask = new_capacity - 1;
	for (size_t i = 0; i < old_capacity; i++) {
		const struct gg_page_slot *s = &old_slots[i];
		if (s->generation != aggregate->page_generation)
			continue;
		size_t slot = page_slot(aggregate, s->page, s->row);
		while (new_slots[slot].generation == aggregate->page_generation)
			slot = (slot + 1) & mask;
		new_slots[slot] = *s;
	}
	free(old_slots);
	return 0;
}

/*
 * 1 if (row, page) is new in this step, 0 if seen before, -1 when out of memory. Inlined: a
 * fault-around fault adds 16 pages, and the call cost as much as the probe.
 */
static inline __attribute__((always_inline)) int add_page(struct gg_aggregate *aggregate,
							   uint64_t page, uint32_t row)
{
	if ((aggregate->page_count + 1) * 2 > aggregate->page_capacity &&
	    grow_page_set(aggregate))
		return -1;
	size_t mask = aggregate->page_capacity - 1;
	uint32_t generation = aggregate->page_generation;
	struct gg_page_slot *slots = aggregate->pages;
	for (size_t slot = page_slot(aggregate, page, row);; slot = (slot + 1) & mask) {
		struct gg_page_slot *s = &slots[slot];
		if (s->generation != generation) {
			*s = (struct gg_page_slot){ page, row, generation };
			aggregate->page_count++;
			return 1;
		}
		if (s->page == page && s->row == row)
			return 0;
	}
}

/* ---- events ---- */

int gg_aggregate_init(struct gg_aggregate *aggregate)
{
	memset(aggregate, 0, sizeof(*aggregate));
	if (ensure_current_capacity(aggregate, 1) ||
	    begin_step(aggregate, start_step_name, sizeof(start_step_name) - 1, true)) {
		gg_aggregate_free(aggregate);
		return -1;
	}
	return 0;
}

/*
 * The pages a fault made present or changed, each counted once per step and row: every page of
 * its ptes range when the entries fill it (a multi-size THP folio, a fault-around window without
 * holes, a pmd block as one key standing for its 512 pages); when they leave holes, which pages
 * they are is unknown, so the fault's own page is counted once and the others as they come.
 */
static inline __attribute__((always_inline)) int add_fault_pages(struct gg_aggregate *aggregate,
								  const struct gg_fault_extent *fault,
								  uint32_t row, uint64_t *pages)
{
	uint64_t entry = gg_level_bytes(fault->level), span = fault->ptes_end - fault->ptes_start;
	uint64_t per_entry = entry >> GG_PAGE_SHIFT;
	int added;

	*pages = 0;
	if (fault->ptes == 0)
		return 0;
	if (fault->level == GG_LVL_PTE && span == fault->ptes * entry) {
		for (uint64_t a = fault->ptes_start; a < fault->ptes_end; a += entry) {
			if ((added = add_page(aggregate, a >> GG_PAGE_SHIFT, row)) < 0)
				return -1;
			*pages += (uint64_t)added;
		}
		return 0;
	}
	/* a block key: the page number of its start, tagged with its level in the top bits */
	uint64_t key = (fault->addr & ~(entry - 1)) >> GG_PAGE_SHIFT |
		       (uint64_t)fault->level << 60;
	if ((added = add_page(aggregate, key, row)) < 0)
		return -1;
	*pages = (uint64_t)added * per_entry + (fault->ptes - 1) * per_entry;
	return 0;
}

/* Inlined in both entry points: the fault is most events, and the text path has a gg_fault. */
static inline __attribute__((always_inline)) int add_fault(struct gg_aggregate *aggregate,
							    const struct gg_fault_extent *fault)
{
	uint32_t row = row_for_address(aggregate, fault->addr);
	uint64_t pages;
	if (add_fault_pages(aggregate, fault, row, &pages))
		return -1;
	struct gg_counts *counts = touch(aggregate, row);
	counts->faults++;
	counts->faults_by_trans[fault->trans]++;
	counts->faults_by_level[fault->level]++;
	counts->pages_faulted += pages;
	return 0;
}

static int add_mmap(struct gg_aggregate *aggregate, const struct gg_event *event)
{
	if (event->mmap.ret.failed) {
		touch(aggregate, 0)->mmap_failed++;
		return 0;
	}
	uint32_t mapping = find_or_add_mapping(aggregate, event);
	if (mapping == UINT32_MAX)
		return -1;
	struct gg_counts *counts = touch(aggregate, mapping + 1);
	counts->mmaps++;
	counts->mmap_bytes += event->mmap.len;
	const struct gg_mapping *m = &aggregate->mappings[mapping];
	if (m->end > m->start)
		return overlay_segment(aggregate, m->start, m->end, mapping);
	return 0;
}

/* Every event is counted in the step it belongs to. */
static inline void count_event(struct gg_aggregate *aggregate)
{
	aggregate->event_count++;
	aggregate->steps[aggregate->step_count - 1].events++;
}

static inline void add_tlb_flush(struct gg_aggregate *aggregate, uint64_t start, bool whole_mm,
				 uint64_t pages)
{
	uint32_t row = whole_mm ? 0 : row_for_address(aggregate, start);
	struct gg_counts *counts = touch(aggregate, row);
	counts->tlb_flushes++;
	if (whole_mm)
		counts->tlb_whole_mm++;
	else
		counts->tlb_pages += pages;
}

/* A call of its own from gg_aggregate_event(): inline there, it cost every fault a little. */
int gg_aggregate_marker(struct gg_aggregate *aggregate, const char *text, size_t length,
			bool plain)
{
	if (end_step(aggregate) || begin_step(aggregate, text, length, plain))
		return -1;
	count_event(aggregate);
	return 0;
}

int gg_aggregate_kept_marker(struct gg_aggregate *aggregate, const char *text, size_t limit)
{
	if (end_step(aggregate) ||
	    RESERVE(aggregate->steps, aggregate->step_capacity, aggregate->step_count + 1))
		return -1;
	struct gg_step *step = &aggregate->steps[aggregate->step_count++];
	step->kept_name = text;
	step->name_length = limit;
	step->name_plain = false;
	step->name_kept = true;
	step->events = 1; /* the marker itself */
	step->lost = 0;
	aggregate->event_count++;
	empty_page_set(aggregate);
	return 0;
}

void gg_aggregate_keep_mapping(struct gg_aggregate *aggregate, void *address, size_t size)
{
	aggregate->kept_mapping = address;
	aggregate->kept_mapping_size = size;
}

int gg_aggregate_fault(struct gg_aggregate *aggregate, const struct gg_fault_extent *fault)
{
	count_event(aggregate);
	return add_fault(aggregate, fault);
}

int gg_aggregate_tlb_flush(struct gg_aggregate *aggregate, uint64_t start, bool whole_mm,
			   uint64_t pages)
{
	count_event(aggregate);
	add_tlb_flush(aggregate, start, whole_mm, pages);
	return 0;
}

int gg_aggregate_event(struct gg_aggregate *aggregate, const struct gg_event *event)
{
	if (event->type == GG_EV_MARKER)
		return gg_aggregate_marker(aggregate, event->marker.text.ptr, event->marker.text.len,
					   event->marker.text_plain);
	count_event(aggregate);

	switch (event->type) {
	case GG_EV_FAULT: {
		const struct gg_fault *f = &event->fault;
		struct gg_fault_extent extent = { f->addr, f->ptes, f->ptes_start, f->ptes_end,
						  f->level, f->trans };
		return add_fault(aggregate, &extent);
	}
	case GG_EV_MMAP:
		return add_mmap(aggregate, event);
	case GG_EV_TLB_FLUSH:
		add_tlb_flush(aggregate, event->tlb_flush.start, event->tlb_flush.whole_mm,
			      event->tlb_flush.pages);
		return 0;
	case GG_EV_LOST:
		touch(aggregate, 0)->lost += event->lost.count;
		aggregate->steps[aggregate->step_count - 1].lost += event->lost.count;
		aggregate->lost_total += event->lost.count;
		return 0;
	default:
		return 0;
	}
}

int gg_aggregate_finish(struct gg_aggregate *aggregate)
{
	if (aggregate->finished)
		return 0;
	aggregate->finished = true;
	return end_step(aggregate);
}

void gg_aggregate_free(struct gg_aggregate *aggregate)
{
	free(aggregate->steps);
	free(aggregate->rows);
	free(aggregate->mappings);
	free(aggregate->names);
	free(aggregate->current);
	free(aggregate->current_touched);
	free(aggregate->touched);
	free(aggregate->segments);
	free(aggregate->mapping_index);
	free(aggregate->pages);
	if (aggregate->kept_mapping)
		munmap(aggregate->kept_mapping, aggregate->kept_mapping_size);
	memset(aggregate, 0, sizeof(*aggregate));
}
