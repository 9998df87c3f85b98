// SPDX-License-Identifier: GPL-2.0
/*
 * What the readers derive from a record: the probes store the page-table
 * entries and the kernel's flag words as they found them, and the meaning
 * (transition, result, PFNs, ...) is worked out here, at read time, with
 * the kernel's own constants, so the tool needs none of them.
 */
#include <linux/string.h>

#include "decode.h"
#include "pgwalk.h"

static void gg_decode_fault(struct gg_ev_fault *f)
{
	struct gg_fault_decoded *d = &f->d;

	memset(d, 0, sizeof(*d));
	d->old_pfn = gg_entry_pfn(f->old, f->old_level);
	d->new_pfn = gg_entry_pfn(f->new, f->new_level);
	d->access = gg_fault_access(f->fflags);
	d->lock = gg_fault_lock(f->fflags);
	d->level = gg_level_shown(f->new, f->new_level);
	d->trans = gg_fault_trans(f);
	d->result = gg_fault_result(f->vmf);
	d->old_flags = gg_entry_flag_bits(f->old, f->old_level);
	d->new_flags = gg_entry_flag_bits(f->new, f->new_level);
}

void gg_decode(struct gg_rec *r)
{
	if (r->h.type == GG_EV_FAULT && r->h.len >= GG_FAULT_RAW_LEN) {
		gg_decode_fault(&r->u.fault);
		r->h.len = sizeof(r->u.fault);
	}
}
