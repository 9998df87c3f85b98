// SPDX-License-Identifier: GPL-2.0
/*
 * Sequence cow-fork: copy-on-write after fork.
 *
 * Child (the traced process): mmap COW_PAGES anonymous pages (NOHUGEPAGE), grow into them by
 * writing one page after another ("cow grow"), fork a helper ("cow fork"), write every page again
 * while the helper waits ("cow parent-write"), then let the helper write its copy and exit
 * ("cow child-write"), and reap it ("cow end").
 *
 * Expected:
 *   1. "cow grow": COW_PAGES first-touch (none->present) write faults, one per page;
 *   2. "cow fork": a fork event with thread=0 (a new process, which the module does not trace);
 *   3. "cow parent-write": exactly COW_PAGES write faults in the region, each on a distinct page,
 *      trans=ro->rw-cow with new_pfn != old_pfn, and old_pfn equal to the PFN the page got in
 *      step 1 (the page shared with the helper since fork). The helper still maps the old page,
 *      so the kernel must copy: it cannot reuse the page in place (that would be ro->rw);
 *   4. no event of the helper: every event's pid is the traced tgid (its writes in
 *      "cow child-write" fault in its own mm, which is not traced).
 */
#include "seq.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define COW_PAGES 256u

static int cow_child(const struct gg_sequence *sequence, int marker_fd)
{
	size_t length = (size_t)COW_PAGES * GG_PAGE_SIZE;
	int gate[2];
	char go = 'g';
	(void)sequence;

	char *region = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	if (region == MAP_FAILED || madvise(region, length, MADV_NOHUGEPAGE) || pipe(gate))
		return 1;
	gg_mark(marker_fd, "cow grow region=0x%" PRIxPTR " pages=%u", (uintptr_t)region,
		COW_PAGES);
	for (size_t page = 0; page < COW_PAGES; page++)
		region[page * GG_PAGE_SIZE] = 1;
	gg_mark(marker_fd, "cow fork");
	pid_t helper = fork();
	if (helper < 0)
		return 1;
	if (helper == 0) {
		/* Untraced: wait until the parent has written, then write our own copy. */
		close(gate[1]);
		if (read(gate[0], &go, 1) != 1)
			_exit(1);
		for (size_t page = 0; page < COW_PAGES; page++)
			region[page * GG_PAGE_SIZE] = 3;
		_exit(0);
	}
	close(gate[0]);
	gg_mark(marker_fd, "cow parent-write helper=%ld", (long)helper);
	for (size_t page = 0; page < COW_PAGES; page++)
		region[page * GG_PAGE_SIZE] = 2;
	gg_mark(marker_fd, "cow child-write");
	int status = 0;
	if (write(gate[1], &go, 1) != 1 || waitpid(helper, &status, 0) != helper)
		return 1;
	close(gate[1]);
	gg_mark(marker_fd, "cow end");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static void cow_verify(const struct gg_sequence *sequence, const struct gg_events *events,
		       struct gg_checker *checker)
{
	size_t grow = gg_next_marker(events, 0, "cow grow ");
	size_t fork_at = gg_next_marker(events, grow, "cow fork");
	size_t write_at = gg_next_marker(events, fork_at, "cow parent-write ");
	size_t child_at = gg_next_marker(events, write_at, "cow child-write");
	size_t end = gg_next_marker(events, child_at, "cow end");
	uint64_t region = 0, pfn[COW_PAGES];
	unsigned char seen[COW_PAGES];
	(void)sequence;

	if (end >= events->count ||
	    gg_marker_value(&events->events[grow], "region", &region)) {
		gg_check(checker, false, "markers: grow/fork/parent-write/child-write/end not all "
			 "seen");
		return;
	}
	uint64_t region_end = region + (uint64_t)COW_PAGES * GG_PAGE_SIZE;

	/* 1. growth */
	unsigned grown = 0, grow_bad = 0;
	memset(pfn, 0, sizeof(pfn));
	for (size_t i = grow + 1; i < fork_at; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type != GG_EV_FAULT || e->fault.addr < region || e->fault.addr >= region_end ||
		    e->fault.result == GG_RESULT_RETRY)
			continue;
		size_t page = (e->fault.addr - region) / GG_PAGE_SIZE;
		if (gg_is_first_touch(e) && e->fault.access == GG_ACCESS_WRITE && !pfn[page]) {
			pfn[page] = e->fault.new_pfn;
			grown++;
		} else {
			grow_bad++;
		}
	}
	gg_check(checker, grown == COW_PAGES && grow_bad == 0, "grow: %u of %u pages first-"
		 "touched by one write fault each (%u other faults in the region)", grown,
		 COW_PAGES, grow_bad);

	/* 2. fork */
	unsigned forks = 0;
	for (size_t i = fork_at + 1; i < write_at; i++)
		forks += events->events[i].type == GG_EV_FORK && !events->events[i].fork.thread;
	gg_check(checker, forks == 1, "fork: %u fork events with thread=0 (expected 1; the new "
		 "process is not traced)", forks);

	/* 3. copy on write in the parent */
	unsigned cow = 0, wrong = 0, repeated = 0, not_shared = 0;
	size_t first_wrong = SIZE_MAX;
	memset(seen, 0, sizeof(seen));
	for (size_t i = write_at + 1; i < child_at; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type != GG_EV_FAULT || e->fault.addr < region || e->fault.addr >= region_end ||
		    e->fault.result == GG_RESULT_RETRY)
			continue;
		size_t page = (e->fault.addr - region) / GG_PAGE_SIZE;
		if (seen[page]++) {
			repeated++;
			continue;
		}
		if (e->fault.trans != GG_TRANS_RO_RW_COW || e->fault.access != GG_ACCESS_WRITE ||
		    e->fault.new_pfn == e->fault.old_pfn) {
			if (wrong++ == 0)
				first_wrong = i;
			continue;
		}
		if (e->fault.old_pfn != pfn[page])
			not_shared++;
		cow++;
	}
	gg_check(checker, cow == COW_PAGES && wrong == 0 && repeated == 0 && not_shared == 0,
		 "parent-write: %u of %u pages trans=ro->rw-cow with a new PFN (%u other, %u "
		 "repeated, %u whose old PFN is not the one mapped at growth)", cow, COW_PAGES,
		 wrong, repeated, not_shared);
	if (first_wrong != SIZE_MAX) {
		const struct gg_fault *f = &events->events[first_wrong].fault;
		gg_check_detail(checker, "first other: page %" PRIu64 " trans=%s access=%s "
				"old_pfn=0x%" PRIx64 " new_pfn=0x%" PRIx64 ", expected "
				"ro->rw-cow write with a new PFN", (f->addr - region) / GG_PAGE_SIZE,
				gg_trans_name(f->trans), gg_access_name(f->access), f->old_pfn,
				f->new_pfn);
	}

	/* 4. only the traced process */
	uint32_t pid = events->events[grow].pid;
	unsigned foreign = 0, helper_faults = 0;
	for (size_t i = 0; i < events->count; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type == GG_EV_LOST)
			continue;
		foreign += e->pid != pid && e->type != GG_EV_MARKER;
		if (i > child_at && i < end && e->type == GG_EV_FAULT && e->fault.addr >= region &&
		    e->fault.addr < region_end)
			helper_faults++;
	}
	gg_check(checker, foreign == 0 && helper_faults == 0, "untraced helper: %u events of "
		 "another pid, %u region faults while only the helper wrote", foreign, helper_faults);
}

const struct gg_sequence gg_seq_cow_fork = {
	.name = "cow-fork",
	.summary = "grow, fork, write: copy-on-write faults with new PFNs",
	.child = cow_child,
	.verify = cow_verify,
};
