// SPDX-License-Identifier: GPL-2.0
/* `gogrowth plot`'s picture, drawn with cairo into PNG, SVG or PDF (see plot_draw.h). */
#include "plot_draw.h"

#include "plot_canvas.h"
#include "plot_layout.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool gg_plot_can_draw(void)
{
	return true;
}

/* ---- colours and classes ---- */

static const struct gg_colour trans_colours[GG_TRANS_NR] = {
	[GG_TRANS_NONE_PRESENT] = GG_RGB(0x1f77b4, 0.75),
	[GG_TRANS_RO_RW_COW] = GG_RGB(0xff7f0e, 0.75),
	[GG_TRANS_RO_RW] = GG_RGB(0x2ca02c, 0.8),
	[GG_TRANS_PRESENT] = GG_RGB(0x7f7f7f, 0.8),
	[GG_TRANS_PRESENT_NONE] = GG_RGB(0xe377c2, 0.85),
	[GG_TRANS_NONE_NONE] = GG_RGB(0xbcbd22, 0.85),
	[GG_TRANS_NEWPFN] = GG_RGB(0x8c564b, 0.85),
	[GG_TRANS_UNKNOWN] = GG_RGB(0x17becf, 0.85),
};
static const struct gg_colour other_trans_colour = GG_RGB(0x000000, 0.6); /* one added later */

/* SVG classes of the fault marks, by transition (ABI spelling with '-' for "->"). */
static const char *const trans_classes[GG_TRANS_NR] = {
	[GG_TRANS_NONE_PRESENT] = "fault none-present",
	[GG_TRANS_RO_RW_COW] = "fault ro-rw-cow",
	[GG_TRANS_RO_RW] = "fault ro-rw",
	[GG_TRANS_PRESENT] = "fault present-present",
	[GG_TRANS_PRESENT_NONE] = "fault present-none",
	[GG_TRANS_NONE_NONE] = "fault none-none",
	[GG_TRANS_NEWPFN] = "fault present-present-newpfn",
	[GG_TRANS_UNKNOWN] = "fault unknown",
};

/* A transition this file has no colour or class for yet still gets a visible, classed mark. */
static struct gg_colour trans_colour(enum gg_trans trans)
{
	return trans_colours[trans].a > 0 ? trans_colours[trans] : other_trans_colour;
}

static const char *trans_class(enum gg_trans trans)
{
	return trans_classes[trans] ? trans_classes[trans] : "fault other";
}

static const struct gg_colour region_colours[GG_PLOT_REGION_KIND_COUNT] = {
	[GG_PLOT_REGION_ANON] = GG_RGB(0xc6dbef, 1),
	[GG_PLOT_REGION_FILE] = GG_RGB(0xc7e9c0, 1),
	[GG_PLOT_REGION_RESERVED] = GG_RGB(0xe6e6e6, 1),
	[GG_PLOT_REGION_HEAP] = GG_RGB(0xfde0a8, 1),
};

static const char *const region_classes[GG_PLOT_REGION_KIND_COUNT] = {
	[GG_PLOT_REGION_ANON] = "region anon",
	[GG_PLOT_REGION_FILE] = "region file",
	[GG_PLOT_REGION_RESERVED] = "region reserved",
	[GG_PLOT_REGION_HEAP] = "region heap",
};

static const char *const region_names[GG_PLOT_REGION_KIND_COUNT] = {
	[GG_PLOT_REGION_ANON] = "anonymous mmap",
	[GG_PLOT_REGION_FILE] = "file mmap",
	[GG_PLOT_REGION_RESERVED] = "PROT_NONE mmap (reserved)",
	[GG_PLOT_REGION_HEAP] = "brk heap",
};

static const struct gg_colour white = GG_RGB(0xffffff, 1), black = GG_RGB(0x000000, 1),
			      text_grey = GG_RGB(0x555555, 1), lane_shade = GG_RGB(0xf4f4f4, 1),
			      grid_grey = GG_RGB(0xdddddd, 1), mmap_edge = GG_RGB(0x4a78a8, 0.9),
			      munmap_edge = GG_RGB(0xb22222, 0.9),
			      flush_colour = GG_RGB(0x6a3d9a, 0.8),
			      whole_flush_colour = GG_RGB(0x9467bd, 0.45),
			      marker_colour = GG_RGB(0x222222, 0.8),
			      lost_colour = GG_RGB(0xd62728, 0.9);

/* The three per-step counts under the chart. */
enum step_metric { STEP_FAULTS, STEP_PAGES, STEP_FLUSHES, STEP_METRIC_COUNT };
static const char *const step_metric_names[STEP_METRIC_COUNT] = { "faults", "pages mapped",
								  "TLB flushes" };
static const char *const step_metric_classes[STEP_METRIC_COUNT] = { "step-faults", "step-pages",
								    "step-flushes" };
static const struct gg_colour step_metric_colours[STEP_METRIC_COUNT] = {
	GG_RGB(0x1f77b4, 0.85),
	GG_RGB(0x17becf, 0.85),
	GG_RGB(0x9467bd, 0.85),
};

/* ---- layout ---- */

struct frame {
	double width, height;
	double chart_left, chart_right, chart_top, chart_bottom;
	double band_top;  /* markers' labels: band_top .. chart_top */
	double steps_top; /* the per-step panel */
	double strip_height, strip_gap;
	double legend_left;
};

static struct frame lay_out(const struct gg_plot_options *options, bool has_markers)
{
	struct frame f;
	f.width = options->width;
	f.height = options->height;
	f.chart_left = 215;
	f.legend_left = f.width - 245;
	f.chart_right = f.legend_left - 25;
	f.band_top = 58;
	f.chart_top = f.band_top + (has_markers ? (f.height >= 900 ? 150 : 100) : 10);
	f.strip_height = f.height >= 800 ? 52 : 36;
	f.strip_gap = 10;
	double panel = STEP_METRIC_COUNT * (f.strip_height + f.strip_gap) + 34;
	f.steps_top = f.height - 10 - panel;
	f.chart_bottom = f.steps_top - 56;
	return f;
}

struct picture {
	struct gg_canvas canvas;
	const struct gg_plot_data *data;
	const struct gg_plot_options *options;
	struct frame frame;
	struct gg_plot_lanes lanes;
	double ns_per_unit; /* of the x axis labels (time) */
	const char *unit;
};

static double x_of(const struct picture *p, uint64_t x)
{
	const struct gg_plot_data *data = p->data;
	double left = p->frame.chart_left + 6, right = p->frame.chart_right - 6;
	if (data->x_last <= data->x_first)
		return (left + right) / 2;
	return left + (right - left) * ((double)(x - data->x_first) /
					(double)(data->x_last - data->x_first));
}

static int add_span(struct gg_plot_span **spans, size_t *count, size_t *capacity, uint64_t start,
		    uint64_t end)
{
	if (end <= start)
		return 0;
	if (*count == *capacity) {
		size_t wanted = *capacity ? *capacity * 2 : 256;
		struct gg_plot_span *grown = realloc(*spans, wanted * sizeof(*grown));
		if (!grown)
			return -1;
		*spans = grown;
		*capacity = wanted;
	}
	(*spans)[(*count)++] = (struct gg_plot_span){ start, end };
	return 0;
}

/* The first lane ending after addr (lanes.count when none). */
static size_t first_lane_after(const struct gg_plot_lanes *lanes, uint64_t addr)
{
	size_t low = 0, high = lanes->count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (lanes->lane[middle].end <= addr)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

/* Does any lane intersect or border on [start, end)? */
static bool lanes_touch(const struct gg_plot_lanes *lanes, uint64_t start, uint64_t end)
{
	size_t first = first_lane_after(lanes, start ? start - 1 : 0);
	return first < lanes->count && lanes->lane[first].start <= end;
}

/*
 * Lanes of what is active: the regions that can be accessed, the faulting pages. Then of what
 * touches none of those: PROT_NONE reservations and ranged flushes elsewhere. A reservation that
 * holds or borders accessible pieces (Go's arena, guard pages) is drawn only where it meets their
 * lanes, so the lanes
 * show the part in use and the rest of the reservation is squeezed like any gap; a flush is drawn
 * where it meets lanes.
 */
static int build_lanes(struct picture *p)
{
	const struct gg_plot_data *data = p->data;
	struct gg_plot_span *spans = NULL;
	size_t count = 0, capacity = 0;
	size_t max_lanes = (size_t)((p->frame.chart_bottom - p->frame.chart_top) / 16);
	int status = 0;

	for (size_t i = 0; i < data->region_count && status == 0; i++)
		if (data->regions[i].kind != GG_PLOT_REGION_RESERVED)
			status = add_span(&spans, &count, &capacity, data->regions[i].start,
					  data->regions[i].end);
	for (size_t i = 0; i < data->fault_count && status == 0; i++) {
		uint64_t page = data->faults[i].addr & ~UINT64_C(0xfff);
		status = add_span(&spans, &count, &capacity, page,
				  page > UINT64_MAX - 0x1000 ? UINT64_MAX : page + 0x1000);
	}
	if (status == 0)
		status = gg_plot_lanes_build(&p->lanes, spans, count, max_lanes);
	size_t before = count;
	for (size_t i = 0; i < data->region_count && status == 0; i++) {
		const struct gg_plot_region *region = &data->regions[i];
		if (region->kind == GG_PLOT_REGION_RESERVED &&
		    !lanes_touch(&p->lanes, region->start, region->end))
			status = add_span(&spans, &count, &capacity, region->start, region->end);
	}
	for (size_t i = 0; i < data->flush_count && status == 0; i++) {
		const struct gg_plot_flush *flush = &data->flushes[i];
		if (!flush->whole_mm && !lanes_touch(&p->lanes, flush->start, flush->end))
			status = add_span(&spans, &count, &capacity, flush->start, flush->end);
	}
	if (status == 0 && count > before) {
		gg_plot_lanes_free(&p->lanes);
		status = gg_plot_lanes_build(&p->lanes, spans, count, max_lanes);
	}
	free(spans);
	if (status)
		return -1;
	for (size_t i = 0; i < data->fault_count; i++)
		gg_plot_lanes_count_fault(&p->lanes, data->faults[i].addr, data->faults[i].pages);
	gg_plot_lanes_place(&p->lanes, p->frame.chart_top + 4, p->frame.chart_bottom - 4, 7, 14);
	return 0;
}

/* y range of [start, end) inside lane (clipped to it), at least min_px tall. */
static void span_in_lane(const struct gg_plot_lane *lane, uint64_t start, uint64_t end,
			 double min_px, double *top, double *bottom)
{
	*top = gg_plot_lane_y(lane, end);
	*bottom = gg_plot_lane_y(lane, start);
	if (*bottom - *top < min_px) {
		double middle = (*top + *bottom) / 2;
		*top = middle - min_px / 2;
		*bottom = middle + min_px / 2;
	}
}

/* ---- the chart ---- */

static void draw_lanes(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct frame *f = &p->frame;
	for (size_t i = 0; i < p->lanes.count; i++) {
		const struct gg_plot_lane *lane = &p->lanes.lane[i];
		gg_canvas_fill_rect(c, f->chart_left, lane->top, f->chart_right - f->chart_left,
				    lane->bottom - lane->top, lane_shade, "lane");
		if (i + 1 < p->lanes.count) { /* a break mark in the gap above this lane */
			double y = (lane->top + p->lanes.lane[i + 1].bottom) / 2;
			gg_canvas_line(c, f->chart_left - 5, y + 3, f->chart_left + 5, y - 1, 1,
				       text_grey, false, "gap");
			gg_canvas_line(c, f->chart_left - 5, y + 1, f->chart_left + 5, y - 3, 1,
				       text_grey, false, "gap");
		}
	}
}

static void draw_regions(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	for (size_t i = 0; i < data->region_count; i++) {
		const struct gg_plot_region *region = &data->regions[i];
		double left = x_of(p, region->begin), right = x_of(p, region->finish);
		if (right - left < 1)
			right = left + 1;
		for (size_t l = first_lane_after(&p->lanes, region->start);
		     l < p->lanes.count && p->lanes.lane[l].start < region->end; l++) {
			double top, bottom;
			span_in_lane(&p->lanes.lane[l], region->start, region->end, 1, &top,
				     &bottom);
			gg_canvas_fill_rect(c, left, top, right - left, bottom - top,
					    region_colours[region->kind],
					    region_classes[region->kind]);
			gg_canvas_line(c, left, top, left, bottom, 1, mmap_edge, false, "mmap");
			if (region->unmapped)
				gg_canvas_line(c, right, top, right, bottom, 1.5, munmap_edge,
					       false, "munmap");
		}
	}
}

static void draw_flushes(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	const struct frame *f = &p->frame;
	for (size_t i = 0; i < data->flush_count; i++) {
		const struct gg_plot_flush *flush = &data->flushes[i];
		double x = x_of(p, flush->x);
		if (flush->whole_mm) {
			gg_canvas_line(c, x, f->chart_top, x, f->chart_bottom, 1.5,
				       whole_flush_colour, true, "flush-whole-mm");
			continue;
		}
		const char *class_name = "flush";
		for (size_t l = first_lane_after(&p->lanes, flush->start);
		     l < p->lanes.count && p->lanes.lane[l].start < flush->end; l++) {
			double top, bottom;
			span_in_lane(&p->lanes.lane[l], flush->start, flush->end, 3, &top, &bottom);
			gg_canvas_fill_rect(c, x - 1, top, 2, bottom - top, flush_colour,
					    class_name);
			class_name = "flush-part";
		}
	}
}

/* Where events were lost: red ticks on the bottom edge of the chart. */
static void draw_losses(struct picture *p)
{
	const struct frame *f = &p->frame;
	for (size_t i = 0; i < p->data->loss_count; i++) {
		double x = x_of(p, p->data->losses[i].x);
		gg_canvas_line(&p->canvas, x, f->chart_bottom - 8, x, f->chart_bottom, 2,
			       lost_colour, false, "lost");
	}
}

/* Radius of a fault's mark: grows with log2 of the pages it mapped (1: 1.8, 16: 3.8, 512: 6.3). */
static double mark_radius(uint64_t pages)
{
	if (pages == 0)
		return 1.3;
	double radius = 1.8 + 0.5 * log2((double)pages);
	return radius > 8 ? 8 : radius;
}

static void draw_faults(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	for (size_t i = 0; i < data->fault_count; i++) {
		const struct gg_plot_fault *fault = &data->faults[i];
		ptrdiff_t index = gg_plot_lane_find(&p->lanes, fault->addr);
		if (index < 0)
			continue;
		gg_canvas_fill_circle(c, x_of(p, fault->x),
				      gg_plot_lane_y(&p->lanes.lane[index], fault->addr),
				      mark_radius(fault->pages), trans_colour(fault->trans),
				      trans_class(fault->trans));
	}
}

/* Marker lines through the chart; labels where there is room, and their lines through the band up
 * to the number (an unlabelled marker's line stops at the chart: it would cross the label beside
 * it, whose line is at most 13 px away). */
static void draw_markers(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	const struct frame *f = &p->frame;
	double last_label = -1e9;
	char label[600];

	/* Many markers (Swiss-table splits: hundreds) would hide the chart: draw them fainter. */
	struct gg_colour colour = marker_colour;
	double width = 1;
	if ((double)data->marker_count > (f->chart_right - f->chart_left) / 12) {
		colour.a = 0.25;
		width = 0.7;
	}
	gg_canvas_font(c, 10, false);
	for (size_t i = 0; i < data->marker_count; i++) {
		const struct gg_plot_marker *marker = &data->markers[i];
		double x = x_of(p, marker->x);
		char number[16];
		snprintf(number, sizeof(number), "%u", gg_plot_marker_number(marker));
		gg_canvas_font(c, 9, true);
		double room = gg_canvas_text_width(c, number) + 4;
		bool labelled = x - last_label >= (room > 13 ? room : 13);
		gg_canvas_line(c, x, labelled ? f->band_top + 14 : f->chart_top, x, f->chart_bottom,
			       width, colour, false, "marker");
		if (!labelled)
			continue;
		last_label = x;
		size_t length;
		const char *name = gg_step_name(&data->aggregate,
						&data->aggregate.steps[marker->step], &length);
		gg_canvas_text(c, x, f->band_top + 10, number, GG_ALIGN_CENTRE, black);
		gg_canvas_font_condensed(c, 9);
		gg_canvas_clean_text(c, label, sizeof(label), name, length,
				     f->chart_top - f->band_top - 22);
		gg_canvas_text_up(c, x + 3, f->chart_top - 4, label, GG_ALIGN_LEFT, text_grey);
	}
}

/* Names and sizes of the mappings in a lane: "anon 64 MiB", or the largest and "+N more". */
static void lane_title(const struct picture *p, const struct gg_plot_lane *lane, char *out,
		       size_t size)
{
	const struct gg_aggregate *aggregate = &p->data->aggregate;
	const struct gg_mapping *largest = NULL;
	size_t count = 0;
	for (size_t i = 0; i < aggregate->mapping_count; i++) {
		const struct gg_mapping *m = &aggregate->mappings[i];
		if (m->start < lane->start || m->start >= lane->end)
			continue;
		count++;
		if (!largest || m->end - m->start > largest->end - largest->start)
			largest = m;
	}
	char bytes[32];
	gg_plot_format_bytes(bytes, sizeof(bytes), lane->end - lane->start);
	if (!largest)
		snprintf(out, size, "%s, no mmap seen", bytes);
	else if (count == 1)
		snprintf(out, size, "%s %s", largest->name, bytes);
	else
		snprintf(out, size, "%s +%zu, %s", largest->name, count - 1, bytes);
}

static void draw_address_axis(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct frame *f = &p->frame;
	char text[160], clean[200];

	for (size_t i = 0; i < p->lanes.count; i++) {
		const struct gg_plot_lane *lane = &p->lanes.lane[i];
		double height = lane->bottom - lane->top;
		double right = f->chart_left - 8;
		lane_title(p, lane, text, sizeof(text));
		gg_canvas_font(c, 9.5, false);
		gg_canvas_clean_text(c, clean, sizeof(clean), text, strlen(text),
				     f->chart_left - 20);
		if (height >= 34) {
			char address[24];
			gg_canvas_font(c, 9, false);
			snprintf(address, sizeof(address), "0x%" PRIx64, lane->end);
			gg_canvas_text(c, right, lane->top + 9, address, GG_ALIGN_RIGHT, text_grey);
			snprintf(address, sizeof(address), "0x%" PRIx64, lane->start);
			gg_canvas_text(c, right, lane->bottom - 2, address, GG_ALIGN_RIGHT,
				       text_grey);
			gg_canvas_font(c, 9.5, false);
			gg_canvas_text(c, right, (lane->top + lane->bottom) / 2 + 3.5, clean,
				       GG_ALIGN_RIGHT, black);
		} else {
			char line[240];
			gg_canvas_font(c, height >= 11 ? 9 : 7, false);
			snprintf(line, sizeof(line), "0x%" PRIx64 " %s", lane->start, clean);
			gg_canvas_clean_text(c, clean, sizeof(clean), line, strlen(line),
					     f->chart_left - 20);
			gg_canvas_text(c, right, (lane->top + lane->bottom) / 2 + 3, clean,
				       GG_ALIGN_RIGHT, black);
		}
		gg_canvas_line(c, f->chart_left - 4, lane->top, f->chart_left, lane->top, 1, black,
			       false, "tick");
		gg_canvas_line(c, f->chart_left - 4, lane->bottom, f->chart_left, lane->bottom, 1,
			       black, false, "tick");
	}
	gg_canvas_font(c, 11, false);
	gg_canvas_text_up(c, 14, (f->chart_top + f->chart_bottom) / 2,
			  "address (lanes: mappings; gaps between them squeezed)", GG_ALIGN_CENTRE,
			  black);
}

static void draw_time_axis(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	const struct frame *f = &p->frame;
	double scale = data->x_axis == GG_PLOT_X_TIME ? p->ns_per_unit : 1;
	double low = 0, high = (double)(data->x_last - data->x_first) / scale;
	unsigned max_ticks = (unsigned)((f->chart_right - f->chart_left) / 90);
	double step = gg_plot_tick_step(low, high, max_ticks < 2 ? 2 : max_ticks);
	char label[64];

	gg_canvas_line(c, f->chart_left, f->chart_bottom, f->chart_right, f->chart_bottom, 1, black,
		       false, "axis");
	gg_canvas_line(c, f->chart_left, f->chart_top, f->chart_left, f->chart_bottom, 1, black,
		       false, "axis");
	gg_canvas_font(c, 10, false);
	for (double value = 0;
	     high > 0 && value <= high * (1 + 1e-9) && step > 0 && value / step < 100;
	     value += step) {
		double x = x_of(p, data->x_first + (uint64_t)llround(value * scale));
		gg_canvas_line(c, x, f->chart_top, x, f->chart_bottom, 0.5, grid_grey, false,
			       "grid");
		gg_canvas_line(c, x, f->chart_bottom, x, f->chart_bottom + 5, 1, black, false,
			       "tick");
		snprintf(label, sizeof(label), "%.*f", step < 1 ? (step < 0.1 ? 2 : 1) : 0, value);
		gg_canvas_text(c, x, f->chart_bottom + 17, label, GG_ALIGN_CENTRE, black);
	}
	if (data->x_axis == GG_PLOT_X_TIME)
		snprintf(label, sizeof(label), "time since the first event (%s, ts=)", p->unit);
	else
		snprintf(label, sizeof(label), "event number (order in the stream)");
	gg_canvas_font(c, 11, false);
	gg_canvas_text(c, (f->chart_left + f->chart_right) / 2, f->chart_bottom + 34, label,
		       GG_ALIGN_CENTRE, black);
}

/* ---- per step ---- */

static void step_counts(const struct gg_aggregate *aggregate, uint64_t (*counts)[STEP_METRIC_COUNT])
{
	for (size_t r = 0; r < aggregate->row_count; r++) {
		const struct gg_row *row = &aggregate->rows[r];
		counts[row->step][STEP_FAULTS] += row->counts.faults;
		counts[row->step][STEP_PAGES] += row->counts.pages_faulted;
		counts[row->step][STEP_FLUSHES] += row->counts.tlb_flushes;
	}
}

static void format_count(char *out, size_t size, uint64_t value)
{
	if (value >= 10000000)
		snprintf(out, size, "%.0fM", (double)value / 1e6);
	else if (value >= 100000)
		snprintf(out, size, "%.0fk", (double)value / 1e3);
	else if (value >= 10000)
		snprintf(out, size, "%.1fk", (double)value / 1e3);
	else
		snprintf(out, size, "%" PRIu64, value);
}

static int draw_steps(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct gg_aggregate *aggregate = &p->data->aggregate;
	const struct frame *f = &p->frame;
	size_t steps = aggregate->step_count;
	if (steps == 0)
		return 0;
	uint64_t(*counts)[STEP_METRIC_COUNT] = calloc(steps, sizeof(*counts));
	if (!counts)
		return -1;
	step_counts(aggregate, counts);

	double column = (f->chart_right - f->chart_left) / (double)steps;
	double bar = column * 0.72 < 1 ? 1 : column * 0.72;
	char text[64];

	gg_canvas_font(c, 11, true);
	gg_canvas_text(c, f->chart_left - 8, f->steps_top - 6, "per step", GG_ALIGN_RIGHT, black);
	gg_canvas_font(c, 10, false);
	gg_canvas_text(c, f->chart_left, f->steps_top - 6,
		       "(a step starts at each marker; numbers as in 'gogrowth report')",
		       GG_ALIGN_LEFT, text_grey);
	for (unsigned m = 0; m < STEP_METRIC_COUNT; m++) {
		double top = f->steps_top + m * (f->strip_height + f->strip_gap) + 2;
		double bottom = top + f->strip_height;
		uint64_t max = 0;
		for (size_t s = 0; s < steps; s++)
			if (counts[s][m] > max)
				max = counts[s][m];
		gg_canvas_font(c, 10, true);
		gg_canvas_text(c, f->chart_left - 8, top + 12, step_metric_names[m], GG_ALIGN_RIGHT,
			       black);
		gg_canvas_font(c, 9, false);
		format_count(text, sizeof(text), max);
		char scale[80];
		snprintf(scale, sizeof(scale), "max %s", text);
		gg_canvas_text(c, f->chart_left - 8, top + 25, scale, GG_ALIGN_RIGHT, text_grey);
		gg_canvas_line(c, f->chart_left, bottom, f->chart_right, bottom, 1, black, false,
			       "axis");
		for (size_t s = 0; s < steps; s++) {
			uint64_t value = counts[s][m];
			if (value == 0 || max == 0)
				continue;
			double height = (bottom - top - 11) * (double)value / (double)max;
			if (height < 1)
				height = 1;
			double x = f->chart_left + column * (double)s + (column - bar) / 2;
			gg_canvas_fill_rect(c, x, bottom - height, bar, height,
					    step_metric_colours[m], step_metric_classes[m]);
			format_count(text, sizeof(text), value);
			gg_canvas_font(c, 8, false);
			if (gg_canvas_text_width(c, text) + 2 <= column)
				gg_canvas_text(c, x + bar / 2, bottom - height - 2, text,
					       GG_ALIGN_CENTRE, text_grey);
		}
	}
	/* step numbers under the last strip, as many as fit */
	double y = f->steps_top + STEP_METRIC_COUNT * (f->strip_height + f->strip_gap) + 8;
	gg_canvas_font(c, 9, false);
	snprintf(text, sizeof(text), "%zu", steps);
	double every = ceil((gg_canvas_text_width(c, text) + 6) / column);
	for (size_t s = 0; s < steps; s += (size_t)every) {
		snprintf(text, sizeof(text), "%zu", s + 1);
		gg_canvas_text(c, f->chart_left + column * ((double)s + 0.5), y, text,
			       GG_ALIGN_CENTRE, black);
	}
	gg_canvas_font(c, 10, false);
	gg_canvas_text(c, f->chart_left - 8, y, "step", GG_ALIGN_RIGHT, black);
	free(counts);
	return 0;
}

/* ---- legend and title ---- */

static void draw_legend(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	double x = p->frame.legend_left, y = p->frame.chart_top;
	char text[96];

	gg_canvas_font(c, 11, true);
	gg_canvas_text(c, x, y, "faults by trans=", GG_ALIGN_LEFT, black);
	y += 16;
	for (unsigned i = 0; i < GG_TRANS_NR; i++) {
		enum gg_trans t = gg_trans_display_order[i];
		gg_canvas_fill_circle(c, x + 6, y - 4, 4.5, trans_colour(t), "legend");
		gg_canvas_font(c, 10, false);
		snprintf(text, sizeof(text), "%s  %" PRIu64, gg_trans_name(t),
			 data->faults_by_trans[t]);
		gg_canvas_text(c, x + 16, y, text, GG_ALIGN_LEFT,
			       data->faults_by_trans[t] ? black : text_grey);
		y += 15;
	}
	y += 8;
	gg_canvas_font(c, 11, true);
	gg_canvas_text(c, x, y, "mark size: pages mapped", GG_ALIGN_LEFT, black);
	gg_canvas_font(c, 9, false);
	gg_canvas_text(c, x, y + 12, "(ptes= x entry size, in 4 KiB pages)", GG_ALIGN_LEFT,
		       text_grey);
	y += 30;
	static const uint64_t sizes[] = { 1, 16, 512 };
	for (unsigned i = 0; i < 3; i++) {
		double cx = x + 10 + i * 70;
		gg_canvas_fill_circle(c, cx, y, mark_radius(sizes[i]), text_grey, "legend");
		snprintf(text, sizeof(text), "%" PRIu64, sizes[i]);
		gg_canvas_font(c, 10, false);
		gg_canvas_text(c, cx + 14, y + 4, text, GG_ALIGN_LEFT, black);
	}
	y += 26;
	gg_canvas_font(c, 11, true);
	gg_canvas_text(c, x, y, "regions (mmap to munmap)", GG_ALIGN_LEFT, black);
	y += 16;
	gg_canvas_font(c, 10, false);
	for (unsigned k = 0; k < GG_PLOT_REGION_KIND_COUNT; k++) {
		gg_canvas_fill_rect(c, x, y - 9, 12, 10, region_colours[k], "legend");
		gg_canvas_text(c, x + 18, y, region_names[k], GG_ALIGN_LEFT, black);
		y += 15;
	}
	gg_canvas_line(c, x + 6, y - 10, x + 6, y + 1, 1, mmap_edge, false, "legend");
	gg_canvas_text(c, x + 18, y, "mapped (left edge)", GG_ALIGN_LEFT, black);
	y += 15;
	gg_canvas_line(c, x + 6, y - 10, x + 6, y + 1, 1.5, munmap_edge, false, "legend");
	gg_canvas_text(c, x + 18, y, "unmapped or replaced", GG_ALIGN_LEFT, black);
	y += 23;
	gg_canvas_font(c, 11, true);
	gg_canvas_text(c, x, y, "TLB flushes", GG_ALIGN_LEFT, black);
	y += 16;
	gg_canvas_font(c, 10, false);
	gg_canvas_fill_rect(c, x + 5, y - 11, 2, 12, flush_colour, "legend");
	snprintf(text, sizeof(text), "flushed range  %zu",
		 data->flush_count - data->whole_mm_flushes);
	gg_canvas_text(c, x + 18, y, text, GG_ALIGN_LEFT, black);
	y += 15;
	gg_canvas_line(c, x + 6, y - 11, x + 6, y + 1, 1.5, whole_flush_colour, true, "legend");
	snprintf(text, sizeof(text), "whole mm (pages=all)  %" PRIu64, data->whole_mm_flushes);
	gg_canvas_text(c, x + 18, y, text, GG_ALIGN_LEFT, black);
	y += 23;
	gg_canvas_font(c, 11, true);
	gg_canvas_text(c, x, y, "markers", GG_ALIGN_LEFT, black);
	y += 16;
	gg_canvas_font(c, 10, false);
	gg_canvas_line(c, x + 6, y - 11, x + 6, y + 1, 1, marker_colour, false, "legend");
	gg_canvas_text(c, x + 18, y, "a step starts (its number)", GG_ALIGN_LEFT, black);
	y += 15;
	gg_canvas_line(c, x + 6, y - 8, x + 6, y, 2, lost_colour, false, "legend");
	snprintf(text, sizeof(text), "events lost  %" PRIu64, data->aggregate.lost_total);
	gg_canvas_text(c, x + 18, y, text, GG_ALIGN_LEFT,
		       data->aggregate.lost_total ? black : text_grey);
}

static void draw_title(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	char text[400], name[300];

	gg_canvas_font(c, 15, true);
	gg_canvas_clean_text(c, name, sizeof(name), p->options->title, strlen(p->options->title),
			     p->frame.width - 240);
	snprintf(text, sizeof(text), "gogrowth plot: %s", name);
	gg_canvas_text(c, 14, 22, text, GG_ALIGN_LEFT, black);
	gg_canvas_font(c, 11, false);
	snprintf(text, sizeof(text),
		 "%" PRIu64 " events, %zu steps, %zu mmaps seen, %zu faults mapping %" PRIu64
		 " pages, %zu TLB flushes, %" PRIu64 " lost",
		 data->event_count, data->aggregate.step_count, data->aggregate.mapping_count,
		 data->fault_count, data->fault_pages, data->flush_count,
		 data->aggregate.lost_total);
	gg_canvas_text(c, 14, 42, text, GG_ALIGN_LEFT, text_grey);
}

/* 0, or -1 when out of memory. */
static int draw_picture(struct picture *p)
{
	struct gg_canvas *c = &p->canvas;
	const struct frame *f = &p->frame;
	gg_canvas_fill_rect(c, 0, 0, f->width, f->height, white, "background");
	draw_title(p);
	draw_lanes(p);
	draw_regions(p);
	draw_time_axis(p);
	draw_markers(p);
	draw_flushes(p);
	draw_faults(p);
	draw_losses(p);
	draw_address_axis(p);
	draw_legend(p);
	if (p->lanes.count == 0) {
		static const char note[] =
			"no mmaps, faults or TLB flush ranges in this stream: no address to show";
		double x = (f->chart_left + f->chart_right) / 2,
		       y = (f->chart_top + f->chart_bottom) / 2;
		gg_canvas_font(c, 13, false);
		double width = gg_canvas_text_width(c, note);
		gg_canvas_fill_rect(c, x - width / 2 - 8, y - 18, width + 16, 28, white, "note");
		gg_canvas_text(c, x, y, note, GG_ALIGN_CENTRE, text_grey);
	}
	return draw_steps(p);
}

/* gg_canvas_drawing for the picture. */
static int draw_on(struct gg_canvas *canvas, void *context)
{
	struct picture *p = context;
	p->canvas = *canvas;
	return draw_picture(p);
}

int gg_plot_draw(const struct gg_plot_data *data, const struct gg_plot_options *options, FILE *err)
{
	struct picture p = { .data = data, .options = options };
	p.frame = lay_out(options, data->marker_count > 0);
	p.unit = gg_plot_time_unit((double)(data->x_last - data->x_first), &p.ns_per_unit);
	if (build_lanes(&p)) {
		fprintf(err, "gogrowth: out of memory\n");
		return 1;
	}
	int status = gg_canvas_render(options->output_path, options->format, options->width,
				      options->height, draw_on, &p, err);
	gg_plot_lanes_free(&p.lanes);
	return status;
}
