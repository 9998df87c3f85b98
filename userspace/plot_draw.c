// SPDX-License-Identifier: GPL-2.0
/* `gogrowth plot`'s picture, drawn with cairo into PNG, SVG or PDF (see plot_draw.h). */
#include "plot_draw.h"

#include "plot_layout.h"
#include "plot_svg.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool gg_plot_can_draw(void)
{
	return true;
}

/* ---- colours ---- */

struct colour {
	double r, g, b, a;
};

#define RGB(hex, alpha) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, \
			  ((hex) & 0xff) / 255.0, alpha }

static const struct colour trans_colours[GG_TRANS_COUNT] = {
	[GG_TRANS_NONE_TO_PRESENT] = RGB(0x1f77b4, 0.75),
	[GG_TRANS_RO_TO_RW_COW] = RGB(0xff7f0e, 0.75),
	[GG_TRANS_RO_TO_RW] = RGB(0x2ca02c, 0.8),
	[GG_TRANS_PRESENT_TO_PRESENT] = RGB(0x7f7f7f, 0.8),
	[GG_TRANS_PRESENT_TO_NONE] = RGB(0xe377c2, 0.85),
	[GG_TRANS_NONE_TO_NONE] = RGB(0xbcbd22, 0.85),
	[GG_TRANS_PRESENT_TO_PRESENT_NEWPFN] = RGB(0x8c564b, 0.85),
	[GG_TRANS_UNKNOWN] = RGB(0x17becf, 0.85),
};
static const struct colour other_trans_colour = RGB(0x000000, 0.6); /* one added later */

/* SVG classes of the fault marks, by transition (ABI spelling with '-' for "->"). */
static const char *const trans_classes[GG_TRANS_COUNT] = {
	[GG_TRANS_NONE_TO_PRESENT] = "fault none-present",
	[GG_TRANS_RO_TO_RW_COW] = "fault ro-rw-cow",
	[GG_TRANS_RO_TO_RW] = "fault ro-rw",
	[GG_TRANS_PRESENT_TO_PRESENT] = "fault present-present",
	[GG_TRANS_PRESENT_TO_NONE] = "fault present-none",
	[GG_TRANS_NONE_TO_NONE] = "fault none-none",
	[GG_TRANS_PRESENT_TO_PRESENT_NEWPFN] = "fault present-present-newpfn",
	[GG_TRANS_UNKNOWN] = "fault unknown",
};

/* A transition this file has no colour or class for yet still gets a visible, classed mark. */
static struct colour trans_colour(enum gg_trans trans)
{
	return trans_colours[trans].a > 0 ? trans_colours[trans] : other_trans_colour;
}

static const char *trans_class(enum gg_trans trans)
{
	return trans_classes[trans] ? trans_classes[trans] : "fault other";
}

static const struct colour region_colours[GG_PLOT_REGION_KIND_COUNT] = {
	[GG_PLOT_REGION_ANON] = RGB(0xc6dbef, 1),
	[GG_PLOT_REGION_FILE] = RGB(0xc7e9c0, 1),
	[GG_PLOT_REGION_RESERVED] = RGB(0xe6e6e6, 1),
	[GG_PLOT_REGION_HEAP] = RGB(0xfde0a8, 1),
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

static const struct colour white = RGB(0xffffff, 1), black = RGB(0x000000, 1),
			   text_grey = RGB(0x555555, 1), lane_shade = RGB(0xf4f4f4, 1),
			   grid_grey = RGB(0xdddddd, 1), mmap_edge = RGB(0x4a78a8, 0.9),
			   munmap_edge = RGB(0xb22222, 0.9), flush_colour = RGB(0x6a3d9a, 0.8),
			   whole_flush_colour = RGB(0x9467bd, 0.45), marker_colour = RGB(0x222222, 0.8),
			   lost_colour = RGB(0xd62728, 0.9);

/* The three per-step counts under the chart. */
enum step_metric { STEP_FAULTS, STEP_PAGES, STEP_FLUSHES, STEP_METRIC_COUNT };
static const char *const step_metric_names[STEP_METRIC_COUNT] = { "faults", "pages mapped",
								  "TLB flushes" };
static const char *const step_metric_classes[STEP_METRIC_COUNT] = { "step-faults", "step-pages",
								    "step-flushes" };
static const struct colour step_metric_colours[STEP_METRIC_COUNT] = {
	RGB(0x1f77b4, 0.85), RGB(0x17becf, 0.85), RGB(0x9467bd, 0.85),
};

/* ---- the canvas: cairo plus the SVG classes of what is drawn ---- */

struct canvas {
	cairo_t *cr;
	struct gg_svg_classes *classes; /* NULL unless SVG */
};

static void set_colour(struct canvas *canvas, struct colour colour)
{
	cairo_set_source_rgba(canvas->cr, colour.r, colour.g, colour.b, colour.a);
}

static void name_element(struct canvas *canvas, const char *class_name)
{
	if (canvas->classes)
		gg_svg_classes_add(canvas->classes, class_name);
}

static void fill_rect(struct canvas *canvas, double x, double y, double width, double height,
		      struct colour colour, const char *class_name)
{
	if (!(width > 0) || !(height > 0))
		return; /* cairo would draw nothing and write no element */
	set_colour(canvas, colour);
	cairo_rectangle(canvas->cr, x, y, width, height);
	cairo_fill(canvas->cr);
	name_element(canvas, class_name);
}

static void fill_circle(struct canvas *canvas, double x, double y, double radius,
			struct colour colour, const char *class_name)
{
	set_colour(canvas, colour);
	cairo_new_sub_path(canvas->cr);
	cairo_arc(canvas->cr, x, y, radius, 0, 2 * M_PI);
	cairo_fill(canvas->cr);
	name_element(canvas, class_name);
}

static void stroke_line(struct canvas *canvas, double x0, double y0, double x1, double y1,
			double width, struct colour colour, bool dashed, const char *class_name)
{
	static const double dash[] = { 4, 3 };
	set_colour(canvas, colour);
	cairo_set_line_width(canvas->cr, width);
	cairo_set_dash(canvas->cr, dash, dashed ? 2 : 0, 0);
	cairo_move_to(canvas->cr, x0, y0);
	cairo_line_to(canvas->cr, x1, y1);
	cairo_stroke(canvas->cr);
	cairo_set_dash(canvas->cr, NULL, 0, 0);
	name_element(canvas, class_name);
}

enum align { ALIGN_LEFT, ALIGN_CENTRE, ALIGN_RIGHT };

static double text_width(struct canvas *canvas, const char *text)
{
	cairo_text_extents_t extents;
	cairo_text_extents(canvas->cr, text, &extents);
	return extents.x_advance;
}

static void set_font(struct canvas *canvas, double size, bool bold)
{
	cairo_select_font_face(canvas->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(canvas->cr, size);
}

/* Text (ASCII or valid UTF-8) with its baseline at y. */
static void draw_text(struct canvas *canvas, double x, double y, const char *text,
		      enum align align, struct colour colour)
{
	double width = align == ALIGN_LEFT ? 0 : text_width(canvas, text);
	set_colour(canvas, colour);
	cairo_move_to(canvas->cr, align == ALIGN_CENTRE ? x - width / 2
				  : align == ALIGN_RIGHT ? x - width : x, y);
	cairo_show_text(canvas->cr, text);
}

/*
 * Copy untrusted bytes (marker text, file names) as printable ASCII, others as \xNN, cut with
 * "..." to fit max_width at the current font (no limit when max_width <= 0).
 */
static void clean_text(struct canvas *canvas, char *out, size_t size, const char *text,
		       size_t length, double max_width)
{
	size_t used = 0;
	for (size_t i = 0; i < length && used + 5 < size; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x20 && c <= 0x7e)
			out[used++] = (char)c;
		else
			used += (size_t)snprintf(out + used, size - used, "\\x%02x", c);
	}
	out[used] = '\0';
	if (max_width <= 0 || text_width(canvas, out) <= max_width)
		return;
	while (used > 0) {
		used--;
		strcpy(out + used, "...");
		if (text_width(canvas, out) <= max_width)
			return;
	}
}

/* ---- layout ---- */

struct frame {
	double width, height;
	double chart_left, chart_right, chart_top, chart_bottom;
	double band_top;    /* markers' labels: band_top .. chart_top */
	double steps_top;   /* the per-step panel */
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
	struct canvas canvas;
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

static int add_span(struct gg_plot_span **spans, size_t *count, size_t *capacity,
		    uint64_t start, uint64_t end)
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
		gg_plot_lanes_count_fault(&p->lanes, data->faults[i].addr);
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
	struct canvas *c = &p->canvas;
	const struct frame *f = &p->frame;
	for (size_t i = 0; i < p->lanes.count; i++) {
		const struct gg_plot_lane *lane = &p->lanes.lane[i];
		fill_rect(c, f->chart_left, lane->top, f->chart_right - f->chart_left,
			  lane->bottom - lane->top, lane_shade, "lane");
		if (i + 1 < p->lanes.count) { /* a break mark in the gap above this lane */
			double y = (lane->top + p->lanes.lane[i + 1].bottom) / 2;
			stroke_line(c, f->chart_left - 5, y + 3, f->chart_left + 5, y - 1, 1,
				    text_grey, false, "gap");
			stroke_line(c, f->chart_left - 5, y + 1, f->chart_left + 5, y - 3, 1,
				    text_grey, false, "gap");
		}
	}
}

static void draw_regions(struct picture *p)
{
	struct canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	for (size_t i = 0; i < data->region_count; i++) {
		const struct gg_plot_region *region = &data->regions[i];
		double left = x_of(p, region->begin), right = x_of(p, region->finish);
		if (right - left < 1)
			right = left + 1;
		for (size_t l = first_lane_after(&p->lanes, region->start);
		     l < p->lanes.count && p->lanes.lane[l].start < region->end; l++) {
			double top, bottom;
			span_in_lane(&p->lanes.lane[l], region->start, region->end, 1, &top, &bottom);
			fill_rect(c, left, top, right - left, bottom - top,
				  region_colours[region->kind], region_classes[region->kind]);
			stroke_line(c, left, top, left, bottom, 1, mmap_edge, false, "mmap");
			if (region->unmapped)
				stroke_line(c, right, top, right, bottom, 1.5, munmap_edge, false,
					    "munmap");
		}
	}
}

static void draw_flushes(struct picture *p)
{
	struct canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	const struct frame *f = &p->frame;
	for (size_t i = 0; i < data->flush_count; i++) {
		const struct gg_plot_flush *flush = &data->flushes[i];
		double x = x_of(p, flush->x);
		if (flush->whole_mm) {
			stroke_line(c, x, f->chart_top, x, f->chart_bottom, 1.5, whole_flush_colour,
				    true, "flush-whole-mm");
			continue;
		}
		const char *class_name = "flush";
		for (size_t l = first_lane_after(&p->lanes, flush->start);
		     l < p->lanes.count && p->lanes.lane[l].start < flush->end; l++) {
			double top, bottom;
			span_in_lane(&p->lanes.lane[l], flush->start, flush->end, 3, &top, &bottom);
			fill_rect(c, x - 1, top, 2, bottom - top, flush_colour, class_name);
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
		stroke_line(&p->canvas, x, f->chart_bottom - 8, x, f->chart_bottom, 2, lost_colour,
			    false, "lost");
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
	struct canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	for (size_t i = 0; i < data->fault_count; i++) {
		const struct gg_plot_fault *fault = &data->faults[i];
		ptrdiff_t index = gg_plot_lane_find(&p->lanes, fault->addr);
		if (index < 0)
			continue;
		fill_circle(c, x_of(p, fault->x), gg_plot_lane_y(&p->lanes.lane[index], fault->addr),
			    mark_radius(fault->pages), trans_colour(fault->trans),
			    trans_class(fault->trans));
	}
}

/* Marker lines through the band and the chart; labels where there is room. */
static void draw_markers(struct picture *p)
{
	struct canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	const struct frame *f = &p->frame;
	double last_label = -1e9;
	char label[600];

	/* Many markers (Swiss-table splits: hundreds) would hide the chart: draw them fainter. */
	struct colour colour = marker_colour;
	double width = 1;
	if ((double)data->marker_count > (f->chart_right - f->chart_left) / 12) {
		colour.a = 0.25;
		width = 0.7;
	}
	set_font(c, 10, false);
	for (size_t i = 0; i < data->marker_count; i++) {
		const struct gg_plot_marker *marker = &data->markers[i];
		double x = x_of(p, marker->x);
		stroke_line(c, x, f->band_top + 14, x, f->chart_bottom, width, colour, false,
			    "marker");
		char number[16];
		snprintf(number, sizeof(number), "%u", gg_plot_marker_number(marker));
		set_font(c, 9, true);
		double room = text_width(c, number) + 4;
		if (x - last_label < (room > 13 ? room : 13))
			continue;
		last_label = x;
		size_t length;
		const char *name = gg_step_name(&data->aggregate,
						&data->aggregate.steps[marker->step], &length);
		draw_text(c, x, f->band_top + 10, number, ALIGN_CENTRE, black);
		cairo_select_font_face(c->cr, "DejaVu Sans Condensed", CAIRO_FONT_SLANT_NORMAL,
				       CAIRO_FONT_WEIGHT_NORMAL);
		cairo_set_font_size(c->cr, 9);
		clean_text(c, label, sizeof(label), name, length, f->chart_top - f->band_top - 22);
		cairo_save(c->cr);
		cairo_translate(c->cr, x + 3, f->chart_top - 4);
		cairo_rotate(c->cr, -M_PI / 2);
		draw_text(c, 0, 0, label, ALIGN_LEFT, text_grey);
		cairo_restore(c->cr);
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
	struct canvas *c = &p->canvas;
	const struct frame *f = &p->frame;
	char text[160], clean[200];

	for (size_t i = 0; i < p->lanes.count; i++) {
		const struct gg_plot_lane *lane = &p->lanes.lane[i];
		double height = lane->bottom - lane->top;
		double right = f->chart_left - 8;
		lane_title(p, lane, text, sizeof(text));
		set_font(c, 9.5, false);
		clean_text(c, clean, sizeof(clean), text, strlen(text), f->chart_left - 20);
		if (height >= 34) {
			char address[24];
			set_font(c, 9, false);
			snprintf(address, sizeof(address), "0x%" PRIx64, lane->end);
			draw_text(c, right, lane->top + 9, address, ALIGN_RIGHT, text_grey);
			snprintf(address, sizeof(address), "0x%" PRIx64, lane->start);
			draw_text(c, right, lane->bottom - 2, address, ALIGN_RIGHT, text_grey);
			set_font(c, 9.5, false);
			draw_text(c, right, (lane->top + lane->bottom) / 2 + 3.5, clean, ALIGN_RIGHT,
				  black);
		} else {
			char line[240];
			set_font(c, height >= 11 ? 9 : 7, false);
			snprintf(line, sizeof(line), "0x%" PRIx64 " %s", lane->start, clean);
			clean_text(c, clean, sizeof(clean), line, strlen(line), f->chart_left - 20);
			draw_text(c, right, (lane->top + lane->bottom) / 2 + 3, clean, ALIGN_RIGHT,
				  black);
		}
		stroke_line(c, f->chart_left - 4, lane->top, f->chart_left, lane->top, 1, black,
			    false, "tick");
		stroke_line(c, f->chart_left - 4, lane->bottom, f->chart_left, lane->bottom, 1, black,
			    false, "tick");
	}
	cairo_save(c->cr);
	set_font(c, 11, false);
	cairo_translate(c->cr, 14, (f->chart_top + f->chart_bottom) / 2);
	cairo_rotate(c->cr, -M_PI / 2);
	draw_text(c, 0, 0, "address (lanes: mappings; gaps between them squeezed)", ALIGN_CENTRE,
		  black);
	cairo_restore(c->cr);
}

static void draw_time_axis(struct picture *p)
{
	struct canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	const struct frame *f = &p->frame;
	double scale = data->x_axis == GG_PLOT_X_TIME ? p->ns_per_unit : 1;
	double low = 0, high = (double)(data->x_last - data->x_first) / scale;
	unsigned max_ticks = (unsigned)((f->chart_right - f->chart_left) / 90);
	double step = gg_plot_tick_step(low, high, max_ticks < 2 ? 2 : max_ticks);
	char label[64];

	stroke_line(c, f->chart_left, f->chart_bottom, f->chart_right, f->chart_bottom, 1, black,
		    false, "axis");
	stroke_line(c, f->chart_left, f->chart_top, f->chart_left, f->chart_bottom, 1, black, false,
		    "axis");
	set_font(c, 10, false);
	for (double value = 0; high > 0 && value <= high * (1 + 1e-9) && step > 0 && value / step < 100;
	     value += step) {
		double x = x_of(p, data->x_first + (uint64_t)llround(value * scale));
		stroke_line(c, x, f->chart_top, x, f->chart_bottom, 0.5, grid_grey, false, "grid");
		stroke_line(c, x, f->chart_bottom, x, f->chart_bottom + 5, 1, black, false, "tick");
		snprintf(label, sizeof(label), "%.*f", step < 1 ? (step < 0.1 ? 2 : 1) : 0, value);
		draw_text(c, x, f->chart_bottom + 17, label, ALIGN_CENTRE, black);
	}
	if (data->x_axis == GG_PLOT_X_TIME)
		snprintf(label, sizeof(label), "time since the first event (%s, ts=)", p->unit);
	else
		snprintf(label, sizeof(label), "event number (order in the stream)");
	set_font(c, 11, false);
	draw_text(c, (f->chart_left + f->chart_right) / 2, f->chart_bottom + 34, label,
		  ALIGN_CENTRE, black);
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
	struct canvas *c = &p->canvas;
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

	set_font(c, 11, true);
	draw_text(c, f->chart_left - 8, f->steps_top - 6, "per step", ALIGN_RIGHT, black);
	set_font(c, 10, false);
	draw_text(c, f->chart_left, f->steps_top - 6,
		  "(a step starts at each marker; numbers as in 'gogrowth report')", ALIGN_LEFT,
		  text_grey);
	for (unsigned m = 0; m < STEP_METRIC_COUNT; m++) {
		double top = f->steps_top + m * (f->strip_height + f->strip_gap) + 2;
		double bottom = top + f->strip_height;
		uint64_t max = 0;
		for (size_t s = 0; s < steps; s++)
			if (counts[s][m] > max)
				max = counts[s][m];
		set_font(c, 10, true);
		draw_text(c, f->chart_left - 8, top + 12, step_metric_names[m], ALIGN_RIGHT, black);
		set_font(c, 9, false);
		format_count(text, sizeof(text), max);
		char scale[80];
		snprintf(scale, sizeof(scale), "max %s", text);
		draw_text(c, f->chart_left - 8, top + 25, scale, ALIGN_RIGHT, text_grey);
		stroke_line(c, f->chart_left, bottom, f->chart_right, bottom, 1, black, false, "axis");
		for (size_t s = 0; s < steps; s++) {
			uint64_t value = counts[s][m];
			if (value == 0 || max == 0)
				continue;
			double height = (bottom - top - 11) * (double)value / (double)max;
			if (height < 1)
				height = 1;
			double x = f->chart_left + column * (double)s + (column - bar) / 2;
			fill_rect(c, x, bottom - height, bar, height, step_metric_colours[m],
				  step_metric_classes[m]);
			format_count(text, sizeof(text), value);
			set_font(c, 8, false);
			if (text_width(c, text) + 2 <= column)
				draw_text(c, x + bar / 2, bottom - height - 2, text, ALIGN_CENTRE,
					  text_grey);
		}
	}
	/* step numbers under the last strip, as many as fit */
	double y = f->steps_top + STEP_METRIC_COUNT * (f->strip_height + f->strip_gap) + 8;
	set_font(c, 9, false);
	snprintf(text, sizeof(text), "%zu", steps);
	double every = ceil((text_width(c, text) + 6) / column);
	for (size_t s = 0; s < steps; s += (size_t)every) {
		snprintf(text, sizeof(text), "%zu", s + 1);
		draw_text(c, f->chart_left + column * ((double)s + 0.5), y, text, ALIGN_CENTRE,
			  black);
	}
	set_font(c, 10, false);
	draw_text(c, f->chart_left - 8, y, "step", ALIGN_RIGHT, black);
	free(counts);
	return 0;
}

/* ---- legend and title ---- */

static void draw_legend(struct picture *p)
{
	struct canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	double x = p->frame.legend_left, y = p->frame.chart_top;
	char text[96];

	set_font(c, 11, true);
	draw_text(c, x, y, "faults by trans=", ALIGN_LEFT, black);
	y += 16;
	for (unsigned t = 0; t < GG_TRANS_COUNT; t++) {
		fill_circle(c, x + 6, y - 4, 4.5, trans_colour((enum gg_trans)t), "legend");
		set_font(c, 10, false);
		snprintf(text, sizeof(text), "%s  %" PRIu64, gg_trans_name((enum gg_trans)t),
			 data->faults_by_trans[t]);
		draw_text(c, x + 16, y, text, ALIGN_LEFT,
			  data->faults_by_trans[t] ? black : text_grey);
		y += 15;
	}
	y += 8;
	set_font(c, 11, true);
	draw_text(c, x, y, "mark size: pages mapped", ALIGN_LEFT, black);
	set_font(c, 9, false);
	draw_text(c, x, y + 12, "(ptes= x entry size, in 4 KiB pages)", ALIGN_LEFT, text_grey);
	y += 30;
	static const uint64_t sizes[] = { 1, 16, 512 };
	for (unsigned i = 0; i < 3; i++) {
		double cx = x + 10 + i * 70;
		fill_circle(c, cx, y, mark_radius(sizes[i]), text_grey, "legend");
		snprintf(text, sizeof(text), "%" PRIu64, sizes[i]);
		set_font(c, 10, false);
		draw_text(c, cx + 14, y + 4, text, ALIGN_LEFT, black);
	}
	y += 26;
	set_font(c, 11, true);
	draw_text(c, x, y, "regions (mmap to munmap)", ALIGN_LEFT, black);
	y += 16;
	set_font(c, 10, false);
	for (unsigned k = 0; k < GG_PLOT_REGION_KIND_COUNT; k++) {
		fill_rect(c, x, y - 9, 12, 10, region_colours[k], "legend");
		draw_text(c, x + 18, y, region_names[k], ALIGN_LEFT, black);
		y += 15;
	}
	stroke_line(c, x + 6, y - 10, x + 6, y + 1, 1, mmap_edge, false, "legend");
	draw_text(c, x + 18, y, "mapped (left edge)", ALIGN_LEFT, black);
	y += 15;
	stroke_line(c, x + 6, y - 10, x + 6, y + 1, 1.5, munmap_edge, false, "legend");
	draw_text(c, x + 18, y, "unmapped or replaced", ALIGN_LEFT, black);
	y += 23;
	set_font(c, 11, true);
	draw_text(c, x, y, "TLB flushes", ALIGN_LEFT, black);
	y += 16;
	set_font(c, 10, false);
	fill_rect(c, x + 5, y - 11, 2, 12, flush_colour, "legend");
	snprintf(text, sizeof(text), "flushed range  %zu", data->flush_count - data->whole_mm_flushes);
	draw_text(c, x + 18, y, text, ALIGN_LEFT, black);
	y += 15;
	stroke_line(c, x + 6, y - 11, x + 6, y + 1, 1.5, whole_flush_colour, true, "legend");
	snprintf(text, sizeof(text), "whole mm (pages=all)  %" PRIu64, data->whole_mm_flushes);
	draw_text(c, x + 18, y, text, ALIGN_LEFT, black);
	y += 23;
	set_font(c, 11, true);
	draw_text(c, x, y, "markers", ALIGN_LEFT, black);
	y += 16;
	set_font(c, 10, false);
	stroke_line(c, x + 6, y - 11, x + 6, y + 1, 1, marker_colour, false, "legend");
	draw_text(c, x + 18, y, "a step starts (its number)", ALIGN_LEFT, black);
	y += 15;
	stroke_line(c, x + 6, y - 8, x + 6, y, 2, lost_colour, false, "legend");
	snprintf(text, sizeof(text), "events lost  %" PRIu64, data->aggregate.lost_total);
	draw_text(c, x + 18, y, text, ALIGN_LEFT, data->aggregate.lost_total ? black : text_grey);
}

static void draw_title(struct picture *p)
{
	struct canvas *c = &p->canvas;
	const struct gg_plot_data *data = p->data;
	char text[400], name[300];

	set_font(c, 15, true);
	clean_text(c, name, sizeof(name), p->options->title, strlen(p->options->title),
		   p->frame.width - 240);
	snprintf(text, sizeof(text), "gogrowth plot: %s", name);
	draw_text(c, 14, 22, text, ALIGN_LEFT, black);
	set_font(c, 11, false);
	snprintf(text, sizeof(text),
		 "%" PRIu64 " events, %zu steps, %zu mmaps seen, %zu faults mapping %" PRIu64
		 " pages, %zu TLB flushes, %" PRIu64 " lost",
		 data->event_count, data->aggregate.step_count, data->aggregate.mapping_count,
		 data->fault_count, data->fault_pages, data->flush_count,
		 data->aggregate.lost_total);
	draw_text(c, 14, 42, text, ALIGN_LEFT, text_grey);
}

/* 0, or -1 when out of memory. */
static int draw_picture(struct picture *p)
{
	struct canvas *c = &p->canvas;
	const struct frame *f = &p->frame;
	fill_rect(c, 0, 0, f->width, f->height, white, "background");
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
		double x = (f->chart_left + f->chart_right) / 2, y = (f->chart_top + f->chart_bottom) / 2;
		set_font(c, 13, false);
		double width = text_width(c, note);
		fill_rect(c, x - width / 2 - 8, y - 18, width + 16, 28, white, "note");
		draw_text(c, x, y, note, ALIGN_CENTRE, text_grey);
	}
	return draw_steps(p);
}

/* ---- output ---- */

struct memory {
	char *bytes;
	size_t length, capacity;
	bool failed;
};

static cairo_status_t write_to_memory(void *closure, const unsigned char *data, unsigned length)
{
	struct memory *memory = closure;
	if (memory->length + length > memory->capacity) {
		size_t wanted = memory->capacity ? memory->capacity : 1 << 16;
		while (wanted < memory->length + length)
			wanted *= 2;
		char *grown = realloc(memory->bytes, wanted);
		if (!grown) {
			memory->failed = true;
			return CAIRO_STATUS_NO_MEMORY;
		}
		memory->bytes = grown;
		memory->capacity = wanted;
	}
	memcpy(memory->bytes + memory->length, data, length);
	memory->length += length;
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t write_to_file(void *closure, const unsigned char *data, unsigned length)
{
	return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
							  : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_surface_t *create_surface(const struct gg_plot_options *options, FILE *file,
				       struct memory *svg)
{
	switch (options->format) {
	case GG_PLOT_PNG:
		return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)options->width,
						  (int)options->height);
	case GG_PLOT_PDF:
		return cairo_pdf_surface_create_for_stream(write_to_file, file, options->width,
							   options->height);
	case GG_PLOT_SVG: {
		cairo_surface_t *surface = cairo_svg_surface_create_for_stream(
			write_to_memory, svg, options->width, options->height);
		cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
		return surface;
	}
	}
	return NULL;
}

/* Render into file; 0, or 1 after a message. */
static int render(struct picture *p, FILE *file, FILE *err)
{
	const struct gg_plot_options *options = p->options;
	struct memory svg = { 0 };
	struct gg_svg_classes classes = { 0 };
	cairo_surface_t *surface = create_surface(options, file, &svg);
	cairo_t *cr = cairo_create(surface);
	int status = 0;

	p->canvas.cr = cr;
	p->canvas.classes = options->format == GG_PLOT_SVG ? &classes : NULL;
	if (draw_picture(p)) {
		fprintf(err, "gogrowth: out of memory\n");
		status = 1;
	}
	cairo_status_t drawn = cairo_status(cr);
	cairo_destroy(cr);
	if (status == 0 && drawn != CAIRO_STATUS_SUCCESS) {
		fprintf(err, "gogrowth: plot: drawing failed: %s\n", cairo_status_to_string(drawn));
		status = 1;
	}
	if (status == 0 && options->format == GG_PLOT_PNG) {
		drawn = cairo_surface_write_to_png_stream(surface, write_to_file, file);
		if (drawn != CAIRO_STATUS_SUCCESS) {
			fprintf(err, "gogrowth: plot: cannot write '%s': %s\n",
				options->output_path, cairo_status_to_string(drawn));
			status = 1;
		}
	}
	cairo_surface_finish(surface);
	drawn = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (status == 0 && (drawn != CAIRO_STATUS_SUCCESS || svg.failed)) {
		fprintf(err, "gogrowth: plot: cannot write '%s': %s\n", options->output_path,
			svg.failed ? "out of memory" : cairo_status_to_string(drawn));
		status = 1;
	}
	if (status == 0 && options->format == GG_PLOT_SVG &&
	    gg_svg_write_classes(file, svg.bytes, svg.length, &classes)) {
		/* cairo wrote other elements than expected: the picture is still right */
		fprintf(err, "gogrowth: plot: warning: SVG written without element classes "
			     "(this cairo's output pairs differently)\n");
		fwrite(svg.bytes, 1, svg.length, file);
	}
	free(svg.bytes);
	gg_svg_classes_free(&classes);
	return status;
}

int gg_plot_draw(const struct gg_plot_data *data, const struct gg_plot_options *options,
		 FILE *err)
{
	struct picture p = { .data = data, .options = options };
	p.frame = lay_out(options, data->marker_count > 0);
	p.unit = gg_plot_time_unit((double)(data->x_last - data->x_first), &p.ns_per_unit);
	if (build_lanes(&p)) {
		fprintf(err, "gogrowth: out of memory\n");
		return 1;
	}
	FILE *file = fopen(options->output_path, "wb");
	if (!file) {
		fprintf(err, "gogrowth: plot: cannot write '%s': %s\n", options->output_path,
			strerror(errno));
		gg_plot_lanes_free(&p.lanes);
		return 1;
	}
	int status = render(&p, file, err);
	if (fclose(file) != 0 && status == 0) {
		fprintf(err, "gogrowth: plot: cannot write '%s': %s\n", options->output_path,
			strerror(errno));
		status = 1;
	}
	if (status)
		unlink(options->output_path);
	gg_plot_lanes_free(&p.lanes);
	cairo_debug_reset_static_data(); /* fonts and caches: valgrind sees no leak */
	return status;
}
