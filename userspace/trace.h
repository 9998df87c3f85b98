/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracing one process through the module's debugfs files (Documentation/ABI.md): check the module
 * is there, clear, name the target in `pid`, and stream `events_raw` until the target is gone.
 * Shared by `record` and `check`.
 */
#ifndef GOGROWTH_TRACE_H
#define GOGROWTH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define GG_DEBUGFS_DIR "/sys/kernel/debug/gogrowth"

/*
 * Where the events go, whole records or whole lines at a time; returns 0, or -1 to stop (the
 * sink printed why).
 */
typedef int (*gg_trace_sink)(void *context, const char *data, size_t length);

struct gg_trace {
	int pipe_fd;     /* events_raw, O_NONBLOCK */
	bool binary;     /* the sink gets the records as they are; else the module's event lines */
	size_t kept;     /* bytes of a record the last read cut short (one trace open at a time) */
	int marker_fd;   /* marker, for children that label their steps; -1 if not opened */
	uint64_t lost_before; /* stats' total lost when we started (non-zero with --no-clear) */
	uint64_t bytes;  /* event bytes streamed */
	uint64_t lines;  /* records streamed = events */
	uint64_t lost_records;      /* of them, `lost` records (not events the module counted) */
	uint64_t recorded_before;   /* stats' total recorded when we started */
	uint64_t undelivered_before; /* stats' total undelivered when we started */
	const char *who; /* command name for messages */
	FILE *err;
};

/*
 * Check we are root and the module is loaded, optionally clear the ring, open events_raw (and
 * marker when `want_marker`). 0, or 1 after a message on err.
 */
int gg_trace_open(struct gg_trace *trace, const char *who, bool clear, bool want_marker,
		  FILE *err);
void gg_trace_close(struct gg_trace *trace);

/* Name the traced tgid (0 stops tracing). 0, or 1 after a message (no such process, ...). */
int gg_trace_set_pid(struct gg_trace *trace, pid_t pid);

/* stats' `total ... lost N` minus lost_before. 0 and *lost, or -1 when unreadable. */
/*
 * Events the module recorded (stats' total recorded, since we started) that this trace has not
 * streamed: *missing, 0 when all arrived. Meaningful once the ring has been drained and nothing
 * records any more. 0, or -1 when stats is unreadable.
 */
int gg_trace_missing(const struct gg_trace *trace, uint64_t *missing);
/* Reads a small debugfs file of the module into @buffer (NUL-terminated); 0 or -1. */
int gg_trace_read_file(const char *name, char *buffer, size_t size);

int gg_trace_lost(const struct gg_trace *trace, uint64_t *lost);
/*
 * Of those lost: stats' total undelivered since we started, the entries the kernel's ring buffer
 * took and never handed out (guarantees.md, "Known problems"). 0 and *undelivered, or -1 when
 * stats has no such figure (an older module) or is unreadable.
 */
int gg_trace_undelivered(const struct gg_trace *trace, uint64_t *undelivered);

/*
 * Wait up to timeout_ms for events, then hand everything readable now to the sink.
 * 0, or 1 after a message (read error, or the sink refused).
 */
int gg_trace_pump(struct gg_trace *trace, int timeout_ms, gg_trace_sink sink, void *context);

/* Read until events_raw is empty. Same results as gg_trace_pump. */
int gg_trace_drain(struct gg_trace *trace, gg_trace_sink sink, void *context);

/*
 * Fork a child that runs `body(argument)` and _exit()s with its result, but only after the
 * parent has made it the target, so not one of its events is missed. Streams events to the sink
 * until the child has exited and the pipe is drained. *status gets the waitpid() status.
 * 0, or 1 after a message (the child is killed and reaped then).
 */
int gg_trace_run_child(struct gg_trace *trace, int (*body)(void *argument), void *argument,
		       gg_trace_sink sink, void *context, int *status);

/* The exit status a shell would give for a waitpid() status: code, or 128 + signal. */
int gg_exit_code(int status);

#endif /* GOGROWTH_TRACE_H */
