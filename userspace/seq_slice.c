// SPDX-License-Identifier: GPL-2.0
/*
 * Sequences slice-go117 and slice-go118: a slice of 8-byte elements grown by appending one
 * element at a time under Go's growth rules (go_rules.c: growslice + roundupsize), except that
 * every backing array is its own anonymous mmap, so each growth step is visible to the kernel.
 *
 * Child, per growth step k (capacity old_cap -> new_cap, marker "slice grow step=k ..." first):
 *   mmap(NULL, round_up(new_cap * 8, 4096), RW, MAP_PRIVATE|MAP_ANONYMOUS); madvise NOHUGEPAGE
 *   (4 KiB pages, so every first write is one pte fault); copy old_cap elements; munmap the old
 *   array; then append until the array is full (or SLICE_ELEMENTS are in).
 *
 * Expected, per step (events between its marker and the next one):
 *   1. exactly one mmap, anonymous, of length round_up(new_cap * 8, 4096), which succeeded;
 *   2. first-touch (none->present) write faults inside that array on exactly the pages holding
 *      elements [0, filled), filled = new_cap (or SLICE_ELEMENTS for the last array): each such
 *      page once, and none on the array's other pages (the tail of the last page-rounded array);
 *   3. from step 2 on, a munmap of the old array and a tlb_flush whose [start, end) covers the
 *      old array's touched pages (or a whole-mm flush).
 *   Plus: the step count and each marker's new_cap equal the C model's.
 */
#include "seq.h"

#include "go_rules.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* 100000 int64s = 800000 bytes: past the 1.18 threshold (256), past 1024 (1.17's), into
 * page-rounded large sizes, and not a capacity, so the last array is partly filled. */
#define SLICE_ELEMENTS 100000u
#define ELEM_SIZE 8u

struct slice_parameter {
	enum gg_go_rules rules;
};

static const struct slice_parameter go117 = { GG_GO_RULES_117 };
static const struct slice_parameter go118 = { GG_GO_RULES_118 };

static int slice_child(const struct gg_sequence *sequence, int marker_fd)
{
	const struct slice_parameter *parameter = sequence->parameter;
	uint64_t *array = NULL;
	uint64_t cap = 0, len = 0, step = 0;

	gg_mark(marker_fd, "slice begin rules=%s n=%u elem=%u", sequence->name, SLICE_ELEMENTS,
		ELEM_SIZE);
	for (uint64_t i = 0; i < SLICE_ELEMENTS; i++) {
		if (len == cap) {
			uint64_t new_cap = gg_go_grow_cap(parameter->rules, cap, len + 1, ELEM_SIZE);
			size_t new_length = GG_PAGE_ROUND(new_cap * ELEM_SIZE);
			gg_mark(marker_fd, "slice grow step=%" PRIu64 " old_cap=%" PRIu64
				" new_cap=%" PRIu64 " old=0x%" PRIxPTR, ++step, cap, new_cap,
				(uintptr_t)array);
			uint64_t *grown = mmap(NULL, new_length, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (grown == MAP_FAILED)
				return 1;
			if (madvise(grown, new_length, MADV_NOHUGEPAGE))
				return 1;
			if (len)
				memcpy(grown, array, len * ELEM_SIZE);
			if (array && munmap(array, GG_PAGE_ROUND(cap * ELEM_SIZE)))
				return 1;
			array = grown;
			cap = new_cap;
		}
		array[len++] = i;
	}
	gg_mark(marker_fd, "slice end len=%" PRIu64 " cap=%" PRIu64, len, cap);
	return 0;
}

/* The model's capacities, in step order; *steps gets their number. NULL on allocation failure. */
static uint64_t *model_caps(enum gg_go_rules rules, size_t *steps)
{
	size_t count = 0, capacity = 64;
	uint64_t *caps = malloc(capacity * sizeof(*caps));
	uint64_t cap = 0;
	if (!caps)
		return NULL;
	while (cap < SLICE_ELEMENTS) {
		if (count == capacity) {
			uint64_t *more = realloc(caps, 2 * capacity * sizeof(*caps));
			if (!more) {
				free(caps);
				return NULL;
			}
			caps = more;
			capacity *= 2;
		}
		cap = gg_go_grow_cap(rules, cap, cap + 1, ELEM_SIZE);
		caps[count++] = cap;
	}
	*steps = count;
	return caps;
}

struct step_figures {
	unsigned mmaps;         /* mmap events in the step */
	uint64_t array, length; /* the one mmap's address and length */
	unsigned expected_pages, touched_pages, repeated_pages, outside_pages, retries;
	bool flush_covers_old, munmap_old;
};

static void slice_verify(const struct gg_sequence *sequence, const struct gg_events *events,
			 struct gg_checker *checker)
{
	const struct slice_parameter *parameter = sequence->parameter;
	size_t steps = 0, markers = 0;
	uint64_t *caps = model_caps(parameter->rules, &steps);
	size_t *grow = gg_find_markers(events, "slice grow ", &markers);
	size_t end = gg_next_marker(events, 0, "slice end ");
	unsigned char *seen = NULL;

	if (!caps || markers == SIZE_MAX) {
		gg_check(checker, false, "out of memory");
		goto out;
	}

	/* Steps and capacities: the markers against the model. */
	bool caps_ok = markers == steps && end < events->count;
	size_t bad_cap = SIZE_MAX;
	for (size_t k = 0; caps_ok && k < steps; k++) {
		uint64_t new_cap;
		if (gg_marker_value(&events->events[grow[k]], "new_cap", &new_cap) ||
		    new_cap != caps[k]) {
			caps_ok = false;
			bad_cap = k;
		}
	}
	gg_check(checker, caps_ok, "capacities: %zu growth steps marked, model %zu (last cap "
		 "%" PRIu64 ")%s", markers, steps, caps[steps - 1],
		 end < events->count ? "" : ", end marker missing");
	if (bad_cap != SIZE_MAX)
		gg_check_detail(checker, "step %zu: marker says '%.*s', model new_cap %" PRIu64,
				bad_cap + 1, (int)events->events[grow[bad_cap]].marker.text.len,
				events->events[grow[bad_cap]].marker.text.ptr, caps[bad_cap]);
	if (!caps_ok) {
		gg_check(checker, false, "per-step checks skipped: the steps do not match the model");
		goto out;
	}

	/* One pass per step. `seen` counts first touches per page of the step's array. */
	unsigned bad_mmap = 0, bad_faults = 0, bad_flush = 0;
	uint64_t total_faults = 0, total_flushes = 0;
	uint64_t old_array = 0, old_touched = 0, old_length = 0;
	size_t first_bad_mmap = 0, first_bad_faults = 0, first_bad_flush = 0;
	struct step_figures *figures = calloc(steps, sizeof(*figures));
	if (!figures) {
		gg_check(checker, false, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < steps; k++) {
		struct step_figures *f = &figures[k];
		size_t first = grow[k] + 1, last = k + 1 < steps ? grow[k + 1] : end;
		uint64_t filled = k + 1 < steps ? caps[k] : SLICE_ELEMENTS;
		uint64_t expected_length = GG_PAGE_ROUND(caps[k] * ELEM_SIZE);
		f->expected_pages = (unsigned)(GG_PAGE_ROUND(filled * ELEM_SIZE) / GG_PAGE_SIZE);
		for (size_t i = first; i < last; i++) {
			const struct gg_event *e = &events->events[i];
			if (e->type == GG_EV_MMAP) {
				f->mmaps++;
				if (!e->mmap.ret.failed && e->mmap.anon &&
				    e->mmap.len == expected_length) {
					f->array = e->mmap.ret.value;
					f->length = e->mmap.len;
				}
			}
		}
		bool mmap_ok = f->mmaps == 1 && f->length == expected_length;
		if (!mmap_ok && bad_mmap++ == 0)
			first_bad_mmap = k;
		free(seen);
		seen = calloc(expected_length / GG_PAGE_SIZE + 1, 1);
		if (!seen) {
			free(figures);
			gg_check(checker, false, "out of memory");
			goto out;
		}
		for (size_t i = first; i < last && f->array; i++) {
			const struct gg_event *e = &events->events[i];
			if (e->type == GG_EV_TLB_FLUSH) {
				total_flushes++;
				if (old_touched &&
				    gg_flush_covers(e, old_array, old_array + old_touched * GG_PAGE_SIZE))
					f->flush_covers_old = true;
			}
			if (e->type == GG_EV_MUNMAP && old_array && e->munmap.addr == old_array &&
			    e->munmap.len == old_length && !e->munmap.ret.failed)
				f->munmap_old = true;
			if (e->type != GG_EV_FAULT || e->fault.addr < f->array ||
			    e->fault.addr >= f->array + f->length)
				continue;
			if (e->fault.result == GG_RESULT_RETRY) {
				f->retries++; /* 6.4+: per-VMA lock attempt, retried under mmap_lock */
				continue;
			}
			if (!gg_is_first_touch(e))
				continue;
			total_faults++;
			uint64_t page = (e->fault.addr - f->array) / GG_PAGE_SIZE;
			if (page >= f->expected_pages || e->fault.access != GG_ACCESS_WRITE)
				f->outside_pages++;
			else if (seen[page]++)
				f->repeated_pages++;
			else
				f->touched_pages++;
		}
		if (f->touched_pages != f->expected_pages || f->repeated_pages || f->outside_pages) {
			if (bad_faults++ == 0)
				first_bad_faults = k;
		}
		if (k > 0 && !(f->flush_covers_old && f->munmap_old) && bad_flush++ == 0)
			first_bad_flush = k;
		old_array = f->array;
		old_length = f->length;
		old_touched = f->expected_pages;
	}
	gg_check(checker, bad_mmap == 0, "mmaps: %zu steps, %zu with exactly one mmap of the "
		 "page-rounded length", steps, steps - bad_mmap);
	if (bad_mmap) {
		size_t k = first_bad_mmap;
		gg_check_detail(checker, "first bad: step %zu cap %" PRIu64 "->%" PRIu64 ": %u mmaps,"
				" expected one anonymous of %" PRIu64 " bytes (seen length %" PRIu64
				")", k + 1, k ? caps[k - 1] : 0, caps[k], figures[k].mmaps,
				GG_PAGE_ROUND(caps[k] * ELEM_SIZE), figures[k].length);
	}
	uint64_t expected_faults = 0;
	for (size_t k = 0; k < steps; k++)
		expected_faults += figures[k].expected_pages;
	gg_check(checker, bad_faults == 0, "faults: %" PRIu64 " first-touch write faults in the "
		 "arrays, expected %" PRIu64 " (one per page written, none beyond); %zu of %zu steps "
		 "exact", total_faults, expected_faults, steps - bad_faults, steps);
	if (bad_faults) {
		const struct step_figures *f = &figures[first_bad_faults];
		gg_check_detail(checker, "first bad: step %zu cap %" PRIu64 " array 0x%" PRIx64
				"+%" PRIu64 ": write first-touch pages %u, expected %u (pages "
				"[0,%u)); repeated %u; outside those pages or not a write %u",
				first_bad_faults + 1, caps[first_bad_faults], f->array, f->length,
				f->touched_pages, f->expected_pages, f->expected_pages,
				f->repeated_pages, f->outside_pages);
	}
	unsigned retries = 0;
	for (size_t k = 0; k < steps; k++)
		retries += figures[k].retries;
	if (retries)
		gg_check_info(checker, "%u per-VMA-lock retries in the arrays (not counted)",
			      retries);
	gg_check(checker, bad_flush == 0, "tlb: %zu of %zu old arrays munmapped with a covering "
		 "tlb_flush in their step (%" PRIu64 " flushes in all)", steps - 1 - bad_flush,
		 steps - 1, total_flushes);
	if (bad_flush) {
		size_t k = first_bad_flush;
		gg_check_detail(checker, "first bad: step %zu: old array 0x%" PRIx64 " (%u touched "
				"pages): munmap %s, covering tlb_flush %s", k + 1, figures[k - 1].array,
				figures[k - 1].expected_pages,
				figures[k].munmap_old ? "seen" : "missing",
				figures[k].flush_covers_old ? "seen" : "missing");
	}
	free(figures);
out:
	free(seen);
	free(grow);
	free(caps);
}

const struct gg_sequence gg_seq_slice_go117 = {
	.name = "slice-go117",
	.summary = "append-grown mmap'd slice, Go <= 1.17 growth rules",
	.child = slice_child,
	.verify = slice_verify,
	.parameter = &go117,
};

const struct gg_sequence gg_seq_slice_go118 = {
	.name = "slice-go118",
	.summary = "append-grown mmap'd slice, Go >= 1.18 growth rules",
	.child = slice_child,
	.verify = slice_verify,
	.parameter = &go118,
};
