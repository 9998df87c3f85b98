/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether two parsed events are the same event: every field a reader of either format (event
 * lines, binary records) sees, strings by content. For the tests and the fuzz targets.
 */
#ifndef GOGROWTH_EVENT_COMPARE_H
#define GOGROWTH_EVENT_COMPARE_H

#include "event.h"

#include <stdbool.h>
#include <string.h>

static inline bool same_span(struct gg_span a, struct gg_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline bool same_ret(struct gg_ret a, struct gg_ret b)
{
	return a.failed == b.failed && a.value == b.value;
}

/* Every field a reader of either format sees. */
static inline bool same_event(const struct gg_event *a, const struct gg_event *b)
{
	if (a->seq != b->seq || a->ts != b->ts || a->cpu != b->cpu || a->pid != b->pid ||
	    a->tid != b->tid || a->cr3 != b->cr3 || a->pgd != b->pgd || a->type != b->type ||
	    !same_span(a->type_name, b->type_name))
		return false;
	switch (a->type) {
	case GG_EV_LOST:
		return a->lost.count == b->lost.count;
	case GG_EV_MMAP:
		return a->mmap.addr == b->mmap.addr && a->mmap.len == b->mmap.len &&
		       a->mmap.prot == b->mmap.prot && a->mmap.flags == b->mmap.flags &&
		       a->mmap.pgoff == b->mmap.pgoff && a->mmap.anon == b->mmap.anon &&
		       same_span(a->mmap.file, b->mmap.file) && same_ret(a->mmap.ret, b->mmap.ret);
	case GG_EV_MUNMAP:
		return a->munmap.addr == b->munmap.addr && a->munmap.len == b->munmap.len &&
		       same_ret(a->munmap.ret, b->munmap.ret);
	case GG_EV_MREMAP:
		return a->mremap.addr == b->mremap.addr && a->mremap.old_len == b->mremap.old_len &&
		       a->mremap.new_len == b->mremap.new_len &&
		       a->mremap.flags == b->mremap.flags &&
		       a->mremap.new_addr == b->mremap.new_addr &&
		       same_ret(a->mremap.ret, b->mremap.ret);
	case GG_EV_MPROTECT:
		return a->mprotect.addr == b->mprotect.addr && a->mprotect.len == b->mprotect.len &&
		       a->mprotect.prot == b->mprotect.prot &&
		       same_ret(a->mprotect.ret, b->mprotect.ret);
	case GG_EV_MADVISE:
		return a->madvise.addr == b->madvise.addr && a->madvise.len == b->madvise.len &&
		       a->madvise.advice == b->madvise.advice &&
		       same_ret(a->madvise.ret, b->madvise.ret);
	case GG_EV_BRK:
		return a->brk.brk == b->brk.brk && same_ret(a->brk.ret, b->brk.ret);
	case GG_EV_FAULT: {
		const struct gg_fault *f = &a->fault, *g = &b->fault;
		return f->addr == g->addr && f->ip == g->ip && f->access == g->access &&
		       f->origin == g->origin && f->lock == g->lock && f->level == g->level &&
		       f->old_entry == g->old_entry && f->new_entry == g->new_entry &&
		       f->old_flags == g->old_flags && f->new_flags == g->new_flags &&
		       f->old_pfn == g->old_pfn && f->new_pfn == g->new_pfn &&
		       f->trans == g->trans && f->result == g->result && f->vmf == g->vmf &&
		       f->node == g->node && f->fflags == g->fflags && f->has_ptes == g->has_ptes &&
		       f->ptes == g->ptes && f->ptes_start == g->ptes_start &&
		       f->ptes_end == g->ptes_end;
	}
	case GG_EV_TLB_FLUSH:
		return a->tlb_flush.start == b->tlb_flush.start &&
		       a->tlb_flush.end == b->tlb_flush.end &&
		       a->tlb_flush.stride == b->tlb_flush.stride &&
		       a->tlb_flush.whole_mm == b->tlb_flush.whole_mm &&
		       a->tlb_flush.pages == b->tlb_flush.pages &&
		       a->tlb_flush.freed == b->tlb_flush.freed;
	case GG_EV_FORK:
		return a->fork.child == b->fork.child && a->fork.thread == b->fork.thread;
	case GG_EV_EXEC:
		return same_span(a->exec.filename, b->exec.filename);
	case GG_EV_EXIT:
		return a->exit.code == b->exit.code && a->exit.group_dead == b->exit.group_dead;
	case GG_EV_MARKER:
		return same_span(a->marker.text, b->marker.text) &&
		       a->marker.text_plain == b->marker.text_plain;
	case GG_EV_UNKNOWN:
		return true;
	}
	return false;
}

#endif /* GOGROWTH_EVENT_COMPARE_H */
