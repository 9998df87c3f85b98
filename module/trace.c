// SPDX-License-Identifier: GPL-2.0
/*
 * The trace events of gogrowth_trace.h: where they are created, and the
 * static key that keeps their dispatch out of the event path while none
 * of them is enabled.
 */
#include <linux/jump_label.h>

#include "pgwalk.h"
#include "trace.h"

#define CREATE_TRACE_POINTS
#include "gogrowth_trace.h"

DEFINE_STATIC_KEY_FALSE(gg_trace_key);

/* Called by the tracing core, in process context, as each event is enabled. */
int gg_trace_reg(void)
{
	static_branch_inc(&gg_trace_key);
	return 0;
}

void gg_trace_unreg(void)
{
	static_branch_dec(&gg_trace_key);
}

void gg_trace_emit(const struct gg_hdr *h, const void *payload)
{
	switch (h->type) {
	case GG_EV_MMAP:
		trace_mmap(h, payload);
		break;
	case GG_EV_MUNMAP:
		trace_munmap(h, payload);
		break;
	case GG_EV_MREMAP:
		trace_mremap(h, payload);
		break;
	case GG_EV_MPROTECT:
		trace_mprotect(h, payload);
		break;
	case GG_EV_MADVISE:
		trace_madvise(h, payload);
		break;
	case GG_EV_BRK:
		trace_brk(h, payload);
		break;
	case GG_EV_FAULT:
		trace_fault(h, payload);
		break;
	case GG_EV_TLB_FLUSH:
		trace_tlb_flush(h, payload);
		break;
	case GG_EV_FORK:
		trace_fork(h, payload);
		break;
	case GG_EV_EXEC:
		trace_exec(h, payload);
		break;
	case GG_EV_EXIT:
		trace_exit(h, payload);
		break;
	case GG_EV_MARKER:
		trace_marker(h, payload);
		break;
	default:
		break;
	}
}
