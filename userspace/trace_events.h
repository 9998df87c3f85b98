/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A recorded event stream held in memory: the event lines (from events_raw, formatted) and the parsed
 * events, in `seq` order (the module's single recording order), for the `check` sequences.
 */
#ifndef GOGROWTH_TRACE_EVENTS_H
#define GOGROWTH_TRACE_EVENTS_H

#include "event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct gg_events {
	char *text; /* raw lines; events' spans point into it once parsed */
	size_t length, capacity;
	struct gg_event *events;
	size_t count;
	uint64_t lost; /* sum of `lost` events' counts in the stream */
};

/* A gg_trace_sink appending to events->text. */
int gg_events_append(void *events, const char *data, size_t length);

/*
 * Append a recording read from @fd, event lines or a binary recording (as its lines). 0, or 1
 * after a message naming @name on err.
 */
int gg_events_read_file(struct gg_events *events, int fd, const char *name, FILE *err);

/* Parse every line and sort by seq. 0, or 1 after a message on err. Call once. */
int gg_events_parse(struct gg_events *events, FILE *err);

void gg_events_free(struct gg_events *events);

/* Is `event` a marker whose text starts with `prefix`? */
bool gg_is_marker(const struct gg_event *event, const char *prefix);

/*
 * Value of `key=` in a marker's text ("... key=123 ..."), decimal or 0x-hex. 0 and *value, or -1
 * when absent or malformed.
 */
int gg_marker_value(const struct gg_event *event, const char *key, uint64_t *value);

/* Does [start, end) of the flush cover [first, last) (a whole-mm flush covers everything)? */
bool gg_flush_covers(const struct gg_event *flush, uint64_t first, uint64_t last);

#endif /* GOGROWTH_TRACE_EVENTS_H */
