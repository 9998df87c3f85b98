// SPDX-License-Identifier: GPL-2.0
/* cairo for `gogrowth plot`: shapes named for SVG, text, and the PNG, SVG or PDF file. */
#include "plot_canvas.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_colour(struct gg_canvas *canvas, struct gg_colour colour)
{
	cairo_set_source_rgba(canvas->cr, colour.r, colour.g, colour.b, colour.a);
}

static void name_element(struct gg_canvas *canvas, const char *class_name)
{
	if (canvas->classes)
		gg_svg_classes_add(canvas->classes, class_name);
}

void gg_canvas_fill_rect(struct gg_canvas *canvas, double x, double y, double width, double height,
			 struct gg_colour colour, const char *class_name)
{
	if (!(width > 0) || !(height > 0))
		return; /* cairo would draw nothing and write no element */
	set_colour(canvas, colour);
	cairo_rectangle(canvas->cr, x, y, width, height);
	cairo_fill(canvas->cr);
	name_element(canvas, class_name);
}

void gg_canvas_fill_circle(struct gg_canvas *canvas, double x, double y, double radius,
			   struct gg_colour colour, const char *class_name)
{
	set_colour(canvas, colour);
	cairo_new_sub_path(canvas->cr);
	cairo_arc(canvas->cr, x, y, radius, 0, 2 * M_PI);
	cairo_fill(canvas->cr);
	name_element(canvas, class_name);
}

void gg_canvas_line(struct gg_canvas *canvas, double x0, double y0, double x1, double y1,
		    double width, struct gg_colour colour, bool dashed, const char *class_name)
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

double gg_canvas_text_width(struct gg_canvas *canvas, const char *text)
{
	cairo_text_extents_t extents;
	cairo_text_extents(canvas->cr, text, &extents);
	return extents.x_advance;
}

void gg_canvas_font(struct gg_canvas *canvas, double size, bool bold)
{
	cairo_select_font_face(canvas->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(canvas->cr, size);
}

void gg_canvas_font_condensed(struct gg_canvas *canvas, double size)
{
	cairo_select_font_face(canvas->cr, "DejaVu Sans Condensed", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(canvas->cr, size);
}

void gg_canvas_text(struct gg_canvas *canvas, double x, double y, const char *text,
		    enum gg_align align, struct gg_colour colour)
{
	double width = align == GG_ALIGN_LEFT ? 0 : gg_canvas_text_width(canvas, text);
	set_colour(canvas, colour);
	cairo_move_to(canvas->cr,
		      align == GG_ALIGN_CENTRE	? x - width / 2
		      : align == GG_ALIGN_RIGHT ? x - width
						: x,
		      y);
	cairo_show_text(canvas->cr, text);
}

void gg_canvas_text_up(struct gg_canvas *canvas, double x, double y, const char *text,
		       enum gg_align align, struct gg_colour colour)
{
	cairo_save(canvas->cr);
	cairo_translate(canvas->cr, x, y);
	cairo_rotate(canvas->cr, -M_PI / 2);
	gg_canvas_text(canvas, 0, 0, text, align, colour);
	cairo_restore(canvas->cr);
}

void gg_canvas_clean_text(struct gg_canvas *canvas, char *out, size_t size, const char *text,
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
	if (max_width <= 0 || gg_canvas_text_width(canvas, out) <= max_width)
		return;
	while (used > 0) {
		used--;
		strcpy(out + used, "...");
		if (gg_canvas_text_width(canvas, out) <= max_width)
			return;
	}
}

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

static cairo_surface_t *create_surface(enum gg_plot_format format, unsigned width, unsigned height,
				       FILE *file, struct memory *svg)
{
	switch (format) {
	case GG_PLOT_PNG:
		return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)width, (int)height);
	case GG_PLOT_PDF:
		return cairo_pdf_surface_create_for_stream(write_to_file, file, width, height);
	case GG_PLOT_SVG: {
		cairo_surface_t *surface =
			cairo_svg_surface_create_for_stream(write_to_memory, svg, width, height);
		cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
		return surface;
	}
	}
	return NULL;
}

/* Draw into file; 0, or 1 after a message. */
static int render(const char *path, enum gg_plot_format format, unsigned width, unsigned height,
		  gg_canvas_drawing draw, void *context, FILE *file, FILE *err)
{
	struct memory svg = { 0 };
	struct gg_svg_classes classes = { 0 };
	cairo_surface_t *surface = create_surface(format, width, height, file, &svg);
	struct gg_canvas canvas = {
		.cr = cairo_create(surface),
		.classes = format == GG_PLOT_SVG ? &classes : NULL,
	};
	int status = 0;

	if (draw(&canvas, context)) {
		fprintf(err, "gogrowth: out of memory\n");
		status = 1;
	}
	cairo_status_t drawn = cairo_status(canvas.cr);
	cairo_destroy(canvas.cr);
	if (status == 0 && drawn != CAIRO_STATUS_SUCCESS) {
		fprintf(err, "gogrowth: plot: drawing failed: %s\n", cairo_status_to_string(drawn));
		status = 1;
	}
	if (status == 0 && format == GG_PLOT_PNG) {
		drawn = cairo_surface_write_to_png_stream(surface, write_to_file, file);
		if (drawn != CAIRO_STATUS_SUCCESS) {
			fprintf(err, "gogrowth: plot: cannot write '%s': %s\n", path,
				cairo_status_to_string(drawn));
			status = 1;
		}
	}
	cairo_surface_finish(surface);
	drawn = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (status == 0 && (drawn != CAIRO_STATUS_SUCCESS || svg.failed)) {
		fprintf(err, "gogrowth: plot: cannot write '%s': %s\n", path,
			svg.failed ? "out of memory" : cairo_status_to_string(drawn));
		status = 1;
	}
	if (status == 0 && format == GG_PLOT_SVG &&
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

int gg_canvas_render(const char *path, enum gg_plot_format format, unsigned width, unsigned height,
		     gg_canvas_drawing draw, void *context, FILE *err)
{
	FILE *file = fopen(path, "wb");
	if (!file) {
		fprintf(err, "gogrowth: plot: cannot write '%s': %s\n", path, strerror(errno));
		return 1;
	}
	int status = render(path, format, width, height, draw, context, file, err);
	if (fclose(file) != 0 && status == 0) {
		fprintf(err, "gogrowth: plot: cannot write '%s': %s\n", path, strerror(errno));
		status = 1;
	}
	if (status)
		unlink(path);
	cairo_debug_reset_static_data(); /* fonts and caches: valgrind sees no leak */
	return status;
}
