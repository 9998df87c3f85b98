// SPDX-License-Identifier: GPL-2.0
/* Lanes of the squeezed address axis and linear axis ticks for `gogrowth plot`. */
#include "plot_layout.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_spans(const void *a, const void *b)
{
	const struct gg_plot_span *l = a, *r = b;
	if (l->start != r->start)
		return l->start < r->start ? -1 : 1;
	return l->end < r->end ? -1 : l->end > r->end;
}

/* Gap i lies between lane i and lane i + 1. */
struct gap {
	uint64_t size;
	size_t index;
};

static int compare_gaps(const void *a, const void *b)
{
	const struct gap *l = a, *r = b;
	if (l->size != r->size)
		return l->size < r->size ? -1 : 1;
	return l->index < r->index ? -1 : l->index > r->index;
}

/* Join lanes so no more than max_lanes remain: the smallest gaps go first. */
static int join_closest(struct gg_plot_lanes *lanes, size_t max_lanes)
{
	size_t gap_count = lanes->count - 1;
	struct gap *gaps = malloc(gap_count * sizeof(*gaps));
	bool *joined = calloc(gap_count, sizeof(*joined));
	if (!gaps || !joined) {
		free(gaps);
		free(joined);
		return -1;
	}
	for (size_t i = 0; i < gap_count; i++)
		gaps[i] = (struct gap){ lanes->lane[i + 1].start - lanes->lane[i].end, i };
	qsort(gaps, gap_count, sizeof(*gaps), compare_gaps);
	for (size_t i = 0; i < lanes->count - max_lanes; i++)
		joined[gaps[i].index] = true;

	size_t out = 0;
	for (size_t i = 0; i < lanes->count; i++) {
		if (i > 0 && joined[i - 1])
			lanes->lane[out - 1].end = lanes->lane[i].end;
		else
			lanes->lane[out++] = lanes->lane[i];
	}
	lanes->count = out;
	free(gaps);
	free(joined);
	return 0;
}

int gg_plot_lanes_build(struct gg_plot_lanes *lanes, const struct gg_plot_span *spans,
			size_t span_count, size_t max_lanes)
{
	memset(lanes, 0, sizeof(*lanes));
	if (span_count == 0)
		return 0;
	struct gg_plot_span *sorted = malloc(span_count * sizeof(*sorted));
	lanes->lane = calloc(span_count, sizeof(*lanes->lane));
	if (!sorted || !lanes->lane) {
		free(sorted);
		gg_plot_lanes_free(lanes);
		return -1;
	}
	memcpy(sorted, spans, span_count * sizeof(*sorted));
	qsort(sorted, span_count, sizeof(*sorted), compare_spans);
	for (size_t i = 0; i < span_count; i++) {
		struct gg_plot_lane *last = lanes->count ? &lanes->lane[lanes->count - 1] : NULL;
		if (last && sorted[i].start <= last->end) {
			if (sorted[i].end > last->end)
				last->end = sorted[i].end;
		} else {
			lanes->lane[lanes->count++] =
				(struct gg_plot_lane){ .start = sorted[i].start,
						       .end = sorted[i].end };
		}
	}
	free(sorted);
	if (max_lanes == 0)
		max_lanes = 1;
	if (lanes->count > max_lanes && join_closest(lanes, max_lanes)) {
		gg_plot_lanes_free(lanes);
		return -1;
	}
	return 0;
}

void gg_plot_lanes_free(struct gg_plot_lanes *lanes)
{
	free(lanes->lane);
	memset(lanes, 0, sizeof(*lanes));
}

ptrdiff_t gg_plot_lane_find(const struct gg_plot_lanes *lanes, uint64_t addr)
{
	size_t low = 0, high = lanes->count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		const struct gg_plot_lane *lane = &lanes->lane[middle];
		if (addr < lane->start)
			high = middle;
		else if (addr >= lane->end)
			low = middle + 1;
		else
			return (ptrdiff_t)middle;
	}
	return -1;
}

void gg_plot_lanes_count_fault(struct gg_plot_lanes *lanes, uint64_t addr, uint64_t pages)
{
	ptrdiff_t index = gg_plot_lane_find(lanes, addr);
	if (index >= 0) {
		lanes->lane[index].faults++;
		lanes->lane[index].pages += pages;
	}
}

static double lane_weight(const struct gg_plot_lane *lane)
{
	double pages = (double)(lane->end - lane->start) / 4096.0;
	return 1.0 + log2(pages < 1 ? 1 : pages) + 2.0 * log2(1.0 + (double)lane->faults);
}

void gg_plot_lanes_place(struct gg_plot_lanes *lanes, double top, double bottom, double gap_px,
			 double min_px)
{
	size_t count = lanes->count;
	if (count == 0)
		return;
	double height = bottom - top;
	if (gap_px * (double)(count - 1) > height / 2)
		gap_px = height / 2 / (double)count;
	double room = height - gap_px * (double)(count - 1);
	if (min_px * (double)count > room)
		min_px = room / (double)count;
	double spare = room - min_px * (double)count, total_weight = 0, total_pages = 0;
	for (size_t i = 0; i < count; i++) {
		total_weight += lane_weight(&lanes->lane[i]);
		total_pages += (double)lanes->lane[i].pages;
	}
	/*
	 * Half the spare room by the (log) weights, half by each lane's share of the pages the faults
	 * mapped: the lane where the memory grows (the heap) is then tall enough to tell its
	 * addresses apart, however many quiet lanes there are.
	 */
	double by_pages = total_pages > 0 ? spare / 2 : 0, by_weight = spare - by_pages;

	/* The highest lane (last) at the top. */
	double y = top;
	for (size_t i = count; i-- > 0;) {
		struct gg_plot_lane *lane = &lanes->lane[i];
		double share = min_px + by_weight * lane_weight(lane) / total_weight;
		if (by_pages > 0)
			share += by_pages * (double)lane->pages / total_pages;
		lane->top = y;
		lane->bottom = y + share;
		y = lane->bottom + gap_px;
	}
}

double gg_plot_lane_y(const struct gg_plot_lane *lane, uint64_t addr)
{
	if (addr <= lane->start)
		return lane->bottom;
	if (addr >= lane->end)
		return lane->top;
	double fraction = (double)(addr - lane->start) / (double)(lane->end - lane->start);
	return lane->bottom - fraction * (lane->bottom - lane->top);
}

double gg_plot_tick_step(double low, double high, unsigned max_ticks)
{
	double span = high - low;
	if (!(span > 0) || max_ticks < 2)
		return 1;
	double raw = span / (double)(max_ticks - 1);
	double power = pow(10, floor(log10(raw)));
	static const double multiples[] = { 1, 2, 5, 10 };
	for (size_t i = 0; i < sizeof(multiples) / sizeof(multiples[0]); i++)
		if (multiples[i] * power >= raw)
			return multiples[i] * power;
	return 10 * power;
}

const char *gg_plot_time_unit(double span_ns, double *ns_per_unit)
{
	if (span_ns >= 10e9) {
		*ns_per_unit = 1e9;
		return "s";
	}
	if (span_ns >= 10e6) {
		*ns_per_unit = 1e6;
		return "ms";
	}
	if (span_ns >= 10e3) {
		*ns_per_unit = 1e3;
		return "\xc2\xb5s"; /* µs */
	}
	*ns_per_unit = 1;
	return "ns";
}

void gg_plot_format_bytes(char *buffer, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned unit = 0;
	double value = (double)bytes;
	while (unit + 1 < sizeof(units) / sizeof(units[0]) && value >= 1024) {
		value /= 1024;
		unit++;
	}
	if (unit == 0)
		snprintf(buffer, size, "%" PRIu64 " B", bytes);
	else if (value == floor(value) || value >= 9.95)
		snprintf(buffer, size, "%.0f %s", value, units[unit]);
	else
		snprintf(buffer, size, "%.1f %s", value, units[unit]);
}
