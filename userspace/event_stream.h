/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A recording read from a file descriptor, line by line, into parsed events: what every command
 * that reads a recording (report, plot) does the same way, with the same messages.
 */
#ifndef GOGROWTH_EVENT_STREAM_H
#define GOGROWTH_EVENT_STREAM_H

#include "event.h"

#include <stdio.h>

/* Takes one event; non-zero means out of memory and stops the read. */
typedef int (*gg_event_sink)(const struct gg_event *event, void *context);

/*
 * Parses every line of @fd (blank lines are skipped) and hands each event to @sink. Returns 0,
 * or 1 after writing to @err what went wrong, naming @name and the line number.
 */
int gg_event_stream_read(int fd, const char *name, gg_event_sink sink, void *context, FILE *err);

#endif /* GOGROWTH_EVENT_STREAM_H */
