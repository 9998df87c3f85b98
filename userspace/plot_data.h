/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `gogrowth plot` draws, read from an event stream: the regions mmap/mremap/brk made (each
 * piece from the moment it was mapped to the moment it was unmapped or replaced, or the end of the
 * run), the faults, the TLB flushes and the markers, each at its position on the x axis (`ts=`, or
 * the event's number in the stream), plus the per-step counts of aggregate.h.
 *
 * - mmap (successful): the region [ret, ret + len rounded up to 4 KiB) replaces what was mapped
 *   there (MAP_FIXED over a reservation ends the reservation's piece there).
 * - munmap (successful): ends the pieces in [addr, addr + len).
 * - mremap (successful): ends [addr, addr + old_len), maps [ret, ret + new_len) of the same kind.
 * - brk: the first result is the start of the heap; a higher break maps [old, new), a lower one
 *   unmaps [new, old).
 * - Failed calls change nothing. Other event types only count in the steps.
 */
#ifndef GOGROWTH_PLOT_DATA_H
#define GOGROWTH_PLOT_DATA_H

#include "aggregate.h"
#include "event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum gg_plot_x_axis {
	GG_PLOT_X_TIME,  /* ts= in ns */
	GG_PLOT_X_ORDER, /* the event's number in the stream, from 0 */
};

enum gg_plot_region_kind {
	GG_PLOT_REGION_ANON,
	GG_PLOT_REGION_FILE,
	GG_PLOT_REGION_RESERVED, /* PROT_NONE */
	GG_PLOT_REGION_HEAP,     /* brk */
	GG_PLOT_REGION_KIND_COUNT
};

/* One piece of a mapping over time: [start, end) from x = begin to x = finish. */
struct gg_plot_region {
	uint64_t start, end;
	uint64_t begin, finish;
	enum gg_plot_region_kind kind;
	bool unmapped; /* finish is an munmap, mremap, brk or an mmap over it (not the run's end) */
};

struct gg_plot_fault {
	uint64_t x;
	uint64_t addr;
	uint64_t pages; /* gg_fault_pages(): 4 KiB pages the fault made present or changed */
	enum gg_trans trans;
};

struct gg_plot_flush {
	uint64_t x;
	uint64_t start, end; /* exclusive; unused when whole_mm */
	bool whole_mm;
};

struct gg_plot_marker {
	uint64_t x;
	uint32_t step; /* index into aggregate.steps of the step it starts */
};

/* A `lost` record: events dropped before it on one CPU. */
struct gg_plot_lost {
	uint64_t x;
	uint64_t count;
};

struct gg_plot_data {
	enum gg_plot_x_axis x_axis;
	uint64_t x_first, x_last; /* of all events; equal when there is one */
	uint64_t event_count;

	struct gg_plot_region *regions;
	size_t region_count, region_capacity;
	size_t *live; /* while reading: indexes of the pieces still mapped, by address */
	size_t live_count, live_capacity;
	struct gg_plot_fault *faults;
	size_t fault_count, fault_capacity;
	struct gg_plot_flush *flushes;
	size_t flush_count, flush_capacity;
	struct gg_plot_marker *markers;
	size_t marker_count, marker_capacity;
	struct gg_plot_lost *losses;
	size_t loss_count, loss_capacity;
	uint64_t fault_pages;   /* sum of the faults' pages */
	uint64_t faults_by_trans[GG_TRANS_NR];
	uint64_t whole_mm_flushes;

	bool has_break;
	uint64_t brk_start, brk_current;

	struct gg_aggregate aggregate; /* per-step counts, as `report` has them */
};

int gg_plot_data_init(struct gg_plot_data *data, enum gg_plot_x_axis x_axis);
void gg_plot_data_free(struct gg_plot_data *data);

/* Read every line from fd (named `name` in messages). 0, or 1 after a message on err. */
int gg_plot_data_read(struct gg_plot_data *data, int fd, const char *name, FILE *err);

/* Step number as `report` prints it (from 1) of a marker. */
static inline unsigned gg_plot_marker_number(const struct gg_plot_marker *marker)
{
	return marker->step + 1;
}

#endif /* GOGROWTH_PLOT_DATA_H */
