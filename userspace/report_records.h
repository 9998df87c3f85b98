/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `gogrowth report` of a binary recording: its records counted straight into the aggregate, the
 * frequent ones (faults, TLB flushes, markers) without a struct gg_event between them.
 */
#ifndef GOGROWTH_REPORT_RECORDS_H
#define GOGROWTH_REPORT_RECORDS_H

#include "aggregate.h"

#include <stdbool.h>
#include <stdio.h>

/*
 * Whether @fd is a file that can be looked at without reading it (not a pipe) and holds a binary
 * recording from where it stands.
 */
bool gg_report_records_apply(int fd);

/*
 * Every record of the binary recording at @fd into @aggregate, with the messages and the exit
 * status gg_event_stream_read() and gg_aggregate_event() give for it: 0, or 1 after a message
 * on @err.
 */
int gg_report_read_records(int fd, const char *name, struct gg_aggregate *aggregate, FILE *err);

#endif /* GOGROWTH_REPORT_RECORDS_H */
