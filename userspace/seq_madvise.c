// SPDX-License-Identifier: GPL-2.0
/*
 * Sequence madvise-refault: pages dropped with MADV_DONTNEED fault in again.
 *
 * Child: mmap REFAULT_PAGES anonymous pages (NOHUGEPAGE); write each page ("refault grow");
 * madvise(MADV_DONTNEED) the whole region ("refault dontneed"); write each page again
 * ("refault touch"); "refault end".
 *
 * Expected:
 *   1. "refault grow": one first-touch (none->present) write fault per page;
 *   2. "refault dontneed": a madvise event advice=4 (MADV_DONTNEED) ret=0 over the region, and a
 *      tlb_flush covering the region (or a whole-mm flush): the pages were unmapped;
 *   3. "refault touch": every page faults again, once, trans=none->present (refault of a dropped
 *      page: its pte is empty again), access=write.
 */
#include "seq.h"

#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#define REFAULT_PAGES 256u

static int refault_child(const struct gg_sequence *sequence, int marker_fd)
{
	size_t length = (size_t)REFAULT_PAGES * GG_PAGE_SIZE;
	(void)sequence;

	char *region = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	if (region == MAP_FAILED || madvise(region, length, MADV_NOHUGEPAGE))
		return 1;
	gg_mark(marker_fd, "refault grow region=0x%" PRIxPTR " pages=%u", (uintptr_t)region,
		REFAULT_PAGES);
	for (size_t page = 0; page < REFAULT_PAGES; page++)
		region[page * GG_PAGE_SIZE] = 1;
	gg_mark(marker_fd, "refault dontneed");
	if (madvise(region, length, MADV_DONTNEED))
		return 1;
	gg_mark(marker_fd, "refault touch");
	for (size_t page = 0; page < REFAULT_PAGES; page++)
		region[page * GG_PAGE_SIZE] = 2;
	gg_mark(marker_fd, "refault end");
	return 0;
}

/* First-touch write faults per page of the region in [first, last); counts into the figures. */
static void count_touches(const struct gg_events *events, size_t first, size_t last,
			  uint64_t region, unsigned *touched, unsigned *other)
{
	unsigned char seen[REFAULT_PAGES];
	memset(seen, 0, sizeof(seen));
	*touched = *other = 0;
	for (size_t i = first; i < last; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type != GG_EV_FAULT || e->fault.addr < region ||
		    e->fault.addr >= region + (uint64_t)REFAULT_PAGES * GG_PAGE_SIZE ||
		    e->fault.result == GG_RESULT_RETRY)
			continue;
		size_t page = (e->fault.addr - region) / GG_PAGE_SIZE;
		if (gg_is_first_touch(e) && e->fault.access == GG_ACCESS_WRITE && !seen[page]++)
			(*touched)++;
		else
			(*other)++;
	}
}

static void refault_verify(const struct gg_sequence *sequence, const struct gg_events *events,
			   struct gg_checker *checker)
{
	size_t grow = gg_next_marker(events, 0, "refault grow ");
	size_t dontneed = gg_next_marker(events, grow, "refault dontneed");
	size_t touch = gg_next_marker(events, dontneed, "refault touch");
	size_t end = gg_next_marker(events, touch, "refault end");
	uint64_t region = 0;
	unsigned touched, other;
	(void)sequence;

	if (end >= events->count || gg_marker_value(&events->events[grow], "region", &region)) {
		gg_check(checker, false, "markers: grow/dontneed/touch/end not all seen");
		return;
	}
	uint64_t length = (uint64_t)REFAULT_PAGES * GG_PAGE_SIZE;
	count_touches(events, grow + 1, dontneed, region, &touched, &other);
	gg_check(checker, touched == REFAULT_PAGES && other == 0, "grow: %u of %u pages first-"
		 "touched by one write fault each (%u other faults in the region)", touched,
		 REFAULT_PAGES, other);

	bool advised = false, flushed = false;
	for (size_t i = dontneed + 1; i < touch; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type == GG_EV_MADVISE && e->madvise.addr == region &&
		    e->madvise.len == length && e->madvise.advice == MADV_DONTNEED &&
		    !e->madvise.ret.failed)
			advised = true;
		if (gg_flush_covers(e, region, region + length))
			flushed = true;
	}
	gg_check(checker, advised && flushed, "dontneed: madvise advice=%d over the region %s, "
		 "covering tlb_flush %s", MADV_DONTNEED, advised ? "seen" : "MISSING",
		 flushed ? "seen" : "MISSING");

	count_touches(events, touch + 1, end, region, &touched, &other);
	gg_check(checker, touched == REFAULT_PAGES && other == 0, "refault: %u of %u pages "
		 "faulted again none->present by one write each (%u other faults in the region)",
		 touched, REFAULT_PAGES, other);
}

const struct gg_sequence gg_seq_madvise_refault = {
	.name = "madvise-refault",
	.summary = "grow, MADV_DONTNEED, touch again: none->present refaults",
	.child = refault_child,
	.verify = refault_verify,
};
