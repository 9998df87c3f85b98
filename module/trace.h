/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_TRACE_H
#define GOGROWTH_TRACE_H

#include <linux/jump_label.h>

#include "event.h"

/* On while any gogrowth trace event is enabled. */
DECLARE_STATIC_KEY_FALSE(gg_trace_key);

/* Fires the trace event of @h->type; probe context. */
void gg_trace_emit(const struct gg_hdr *h, const void *payload);

#endif /* GOGROWTH_TRACE_H */
