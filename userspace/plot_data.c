// SPDX-License-Identifier: GPL-2.0
/* `gogrowth plot`'s input: an event stream read into regions, faults, flushes and markers. */
#include "plot_data.h"
#include "event_stream.h"

#include "line_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MASK ((UINT64_C(1) << GG_PAGE_SHIFT) - 1)

/* Grow *array (of *capacity elements of size bytes) to hold one more. 0, or -1: out of memory. */
static int reserve_one(void *array, size_t *capacity, size_t count, size_t size)
{
	void **pointer = array;
	if (count < *capacity)
		return 0;
	size_t wanted = *capacity ? *capacity * 2 : 64;
	if (wanted > SIZE_MAX / size)
		return -1;
	void *grown = realloc(*pointer, wanted * size);
	if (!grown)
		return -1;
	*pointer = grown;
	*capacity = wanted;
	return 0;
}

int gg_plot_data_init(struct gg_plot_data *data, enum gg_plot_x_axis x_axis)
{
	memset(data, 0, sizeof(*data));
	data->x_axis = x_axis;
	return gg_aggregate_init(&data->aggregate);
}

void gg_plot_data_free(struct gg_plot_data *data)
{
	free(data->regions);
	free(data->live);
	free(data->faults);
	free(data->flushes);
	free(data->markers);
	free(data->losses);
	gg_aggregate_free(&data->aggregate);
	memset(data, 0, sizeof(*data));
}

/* [start, start + len rounded up to a page), saturated at 2^64 - 1. */
static uint64_t region_end(uint64_t start, uint64_t len)
{
	uint64_t rounded =
		len > UINT64_MAX - PAGE_MASK ? UINT64_MAX : (len + PAGE_MASK) & ~PAGE_MASK;
	return rounded > UINT64_MAX - start ? UINT64_MAX : start + rounded;
}

/* A new piece in regions[] (not yet live); its index, or SIZE_MAX when out of memory. */
static size_t new_region(struct gg_plot_data *data, uint64_t start, uint64_t end, uint64_t begin,
			 enum gg_plot_region_kind kind)
{
	if (reserve_one(&data->regions, &data->region_capacity, data->region_count,
			sizeof(*data->regions)))
		return SIZE_MAX;
	data->regions[data->region_count] = (struct gg_plot_region){
		.start = start,
		.end = end,
		.begin = begin,
		.finish = begin,
		.kind = kind,
	};
	return data->region_count++;
}

/*
 * The live pieces never overlap and live[] is sorted by address, so their ends are sorted too:
 * the first live piece ending after addr.
 */
static size_t first_live_after(const struct gg_plot_data *data, uint64_t addr)
{
	size_t low = 0, high = data->live_count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (data->regions[data->live[middle]].end <= addr)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

/* Replace live[from, to) by the `count` indexes of `pieces` (sorted, not overlapping). */
static int replace_live(struct gg_plot_data *data, size_t from, size_t to, const size_t *pieces,
			size_t count)
{
	while (data->live_count - (to - from) + count > data->live_capacity) {
		if (reserve_one(&data->live, &data->live_capacity, data->live_capacity,
				sizeof(*data->live)))
			return -1;
	}
	memmove(&data->live[from + count], &data->live[to],
		(data->live_count - to) * sizeof(*data->live));
	memcpy(&data->live[from], pieces, count * sizeof(*pieces));
	data->live_count = data->live_count - (to - from) + count;
	return 0;
}

/*
 * End, at x, the parts of the live pieces inside [start, end): each overlapped piece becomes the
 * finished overlap, and what lies outside the range (on the first piece's left, the last one's
 * right) goes on as new live pieces.
 */
static int unmap_range(struct gg_plot_data *data, uint64_t start, uint64_t end, uint64_t x)
{
	size_t from = first_live_after(data, start), to = from;
	size_t remainders[2], remainder_count = 0;

	while (to < data->live_count && data->regions[data->live[to]].start < end) {
		struct gg_plot_region region = data->regions[data->live[to]];
		struct gg_plot_region *ended = &data->regions[data->live[to]];
		ended->start = region.start > start ? region.start : start;
		ended->end = region.end < end ? region.end : end;
		ended->finish = x;
		ended->unmapped = true;
		size_t piece;
		if (region.start < start) {
			piece = new_region(data, region.start, start, region.begin, region.kind);
			if (piece == SIZE_MAX)
				return -1;
			remainders[remainder_count++] = piece;
		}
		if (region.end > end) {
			piece = new_region(data, end, region.end, region.begin, region.kind);
			if (piece == SIZE_MAX)
				return -1;
			remainders[remainder_count++] = piece;
		}
		to++;
	}
	if (to == from)
		return 0;
	return replace_live(data, from, to, remainders, remainder_count);
}

static int map_range(struct gg_plot_data *data, uint64_t start, uint64_t end, uint64_t x,
		     enum gg_plot_region_kind kind)
{
	if (end <= start)
		return 0;
	if (unmap_range(data, start, end, x))
		return -1;
	size_t piece = new_region(data, start, end, x, kind);
	if (piece == SIZE_MAX)
		return -1;
	size_t at = first_live_after(data, start); /* nothing live overlaps [start, end) now */
	return replace_live(data, at, at, &piece, 1);
}

/* The kind of the live region holding addr (for mremap), anon when none does. */
static enum gg_plot_region_kind kind_at(const struct gg_plot_data *data, uint64_t addr)
{
	size_t at = first_live_after(data, addr);
	if (at < data->live_count && data->regions[data->live[at]].start <= addr)
		return data->regions[data->live[at]].kind;
	return GG_PLOT_REGION_ANON;
}

static int add_event(struct gg_plot_data *data, const struct gg_event *event)
{
	uint64_t x = data->x_axis == GG_PLOT_X_TIME ? event->ts : data->event_count;

	if (data->event_count == 0 || x < data->x_first)
		data->x_first = x;
	if (data->event_count == 0 || x > data->x_last)
		data->x_last = x;
	data->event_count++;

	switch (event->type) {
	case GG_EV_MMAP:
		if (event->mmap.ret.failed)
			return 0;
		return map_range(data, event->mmap.ret.value,
				 region_end(event->mmap.ret.value, event->mmap.len), x,
				 event->mmap.prot == 0 ? GG_PLOT_REGION_RESERVED
				 : event->mmap.anon    ? GG_PLOT_REGION_ANON
						       : GG_PLOT_REGION_FILE);
	case GG_EV_MUNMAP:
		if (event->munmap.ret.failed)
			return 0;
		return unmap_range(data, event->munmap.addr,
				   region_end(event->munmap.addr, event->munmap.len), x);
	case GG_EV_MREMAP: {
		if (event->mremap.ret.failed)
			return 0;
		enum gg_plot_region_kind kind = kind_at(data, event->mremap.addr);
		if (unmap_range(data, event->mremap.addr,
				region_end(event->mremap.addr, event->mremap.old_len), x))
			return -1;
		return map_range(data, event->mremap.ret.value,
				 region_end(event->mremap.ret.value, event->mremap.new_len), x,
				 kind);
	}
	case GG_EV_BRK: {
		if (event->brk.ret.failed)
			return 0;
		uint64_t now = event->brk.ret.value;
		if (!data->has_break) {
			data->has_break = true;
			data->brk_start = data->brk_current = now;
			return 0;
		}
		uint64_t before = data->brk_current;
		data->brk_current = now;
		if (now > before)
			return map_range(data, before, now, x, GG_PLOT_REGION_HEAP);
		if (now < before)
			return unmap_range(data, now, before, x);
		return 0;
	}
	case GG_EV_FAULT: {
		if (reserve_one(&data->faults, &data->fault_capacity, data->fault_count,
				sizeof(*data->faults)))
			return -1;
		uint64_t pages = gg_fault_pages(&event->fault);
		data->faults[data->fault_count++] = (struct gg_plot_fault){
			.x = x,
			.addr = event->fault.addr,
			.pages = pages,
			.trans = event->fault.trans,
		};
		data->fault_pages += pages;
		data->faults_by_trans[event->fault.trans]++;
		return 0;
	}
	case GG_EV_TLB_FLUSH:
		if (reserve_one(&data->flushes, &data->flush_capacity, data->flush_count,
				sizeof(*data->flushes)))
			return -1;
		data->flushes[data->flush_count++] = (struct gg_plot_flush){
			.x = x,
			.start = event->tlb_flush.start,
			.end = event->tlb_flush.end,
			.whole_mm = event->tlb_flush.whole_mm,
		};
		data->whole_mm_flushes += event->tlb_flush.whole_mm;
		return 0;
	case GG_EV_MARKER:
		if (reserve_one(&data->markers, &data->marker_capacity, data->marker_count,
				sizeof(*data->markers)))
			return -1;
		/* The aggregate has just started the marker's step: it is the last one. */
		data->markers[data->marker_count++] = (struct gg_plot_marker){
			.x = x,
			.step = (uint32_t)(data->aggregate.step_count - 1),
		};
		return 0;
	case GG_EV_LOST:
		if (reserve_one(&data->losses, &data->loss_capacity, data->loss_count,
				sizeof(*data->losses)))
			return -1;
		data->losses[data->loss_count++] =
			(struct gg_plot_lost){ .x = x, .count = event->lost.count };
		return 0;
	default:
		return 0;
	}
}

/* Every live region lasts until the end of the run. */
static void finish_regions(struct gg_plot_data *data)
{
	for (size_t i = 0; i < data->live_count; i++)
		data->regions[data->live[i]].finish = data->x_last;
	data->live_count = 0;
}

static int plot_sink(const struct gg_event *event, void *context)
{
	struct gg_plot_data *data = context;

	/* The aggregate first, so a marker's step exists when add_event() looks. */
	return gg_aggregate_event(&data->aggregate, event) || add_event(data, event);
}

int gg_plot_data_read(struct gg_plot_data *data, int fd, const char *name, FILE *err)
{
	int status = gg_event_stream_read(fd, name, plot_sink, data, err);

	if (status == 0 && gg_aggregate_finish(&data->aggregate)) {
		fprintf(err, "gogrowth: out of memory\n");
		status = 1;
	}
	finish_regions(data);
	return status;
}
