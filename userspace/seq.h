/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a growth sequence is, and the verdict helpers every sequence uses (seq_common.c). Each
 * sequence lives in its own seq_*.c file: a `child` that runs in the traced process and labels
 * its steps with markers, and a `verify` that judges the recorded events with the helpers below.
 * The sequences are listed in one place, seq_registry.c; `gogrowth check` (check.c) runs them.
 * Dependencies go one way: check.c -> seq_registry.c -> seq_*.c -> seq_common.c.
 * Expectations are stated at the top of each seq_*.c and in Documentation/sequences.md.
 */
#ifndef GOGROWTH_SEQ_H
#define GOGROWTH_SEQ_H

#include "trace_events.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GG_PAGE_SIZE 4096u
#define GG_PAGE_ROUND(x) (((x) + GG_PAGE_SIZE - 1) & ~(uint64_t)(GG_PAGE_SIZE - 1))

/* Prints one PASS/FAIL line per check and counts failures. */
struct gg_checker {
	FILE *out;
	const char *name; /* the sequence */
	unsigned checks, failures;
	unsigned details; /* detail lines printed for the current check */
};

/* "PASS name: text" or "FAIL name: text". */
void gg_check(struct gg_checker *checker, bool ok, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
/* An indented line explaining the last FAIL (at most GG_MAX_DETAILS per check, then "..."). */
void gg_check_detail(struct gg_checker *checker, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
/* "INFO name: text": figures that are reported but not required. */
void gg_check_info(struct gg_checker *checker, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

#define GG_MAX_DETAILS 8

struct gg_sequence;

/* The child's side: runs in the traced process; returns its exit status. */
typedef int (*gg_child_fn)(const struct gg_sequence *sequence, int marker_fd);
typedef void (*gg_verify_fn)(const struct gg_sequence *sequence, const struct gg_events *events,
			     struct gg_checker *checker);

struct gg_sequence {
	const char *name;
	const char *summary;
	gg_child_fn child;
	gg_verify_fn verify;
	const void *parameter;  /* per-sequence constants */
	char program[1100];     /* go-*: the Go program to exec */
	char label[64];         /* go-*: the name as run, e.g. go-swiss-1.24 */
	unsigned go_minor;      /* go-*: the Go release */
	char missing[1300];     /* go-*: why it cannot run here (a FAIL, never a skip); "" if it can */
};

/* Child side: write one marker line (<= 256 bytes) in one write(2). 0 or -1. */
int gg_mark(int marker_fd, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Indices (into events->events) of markers starting with `prefix`. Caller frees. NULL + 0 when
 * none; *count = SIZE_MAX on allocation failure. */
size_t *gg_find_markers(const struct gg_events *events, const char *prefix, size_t *count);

/* The events index of the first marker starting with prefix at or after `from`; count if none. */
size_t gg_next_marker(const struct gg_events *events, size_t from, const char *prefix);

/* A fault that made a page present (the ABI's none->present), as opposed to a retry etc. */
bool gg_is_first_touch(const struct gg_event *event);

/* The C sequences (seq_slice.c, seq_map.c, seq_cow.c, seq_madvise.c). */
extern const struct gg_sequence gg_seq_slice_go117, gg_seq_slice_go118, gg_seq_map_hmap,
	gg_seq_cow_fork, gg_seq_madvise_refault;

#endif /* GOGROWTH_SEQ_H */
