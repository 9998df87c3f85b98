/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `gogrowth plot` draws with: cairo, plus the SVG class of every fill and stroke
 * (plot_svg.h), and the output of one drawing as a PNG, SVG or PDF file.
 *
 * Every fill and stroke goes through gg_canvas_fill_rect(), gg_canvas_fill_circle() and
 * gg_canvas_line(), which name it; none fills and then strokes one path, and nothing that would
 * draw nothing is drawn (cairo would write no element for it), so the names pair with cairo's
 * SVG elements. Text is drawn as glyphs and has no class.
 */
#ifndef GOGROWTH_PLOT_CANVAS_H
#define GOGROWTH_PLOT_CANVAS_H

#include "plot_draw.h"
#include "plot_svg.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct gg_colour {
	double r, g, b, a;
};

/* 0xRRGGBB and an alpha, as an initialiser. */
#define GG_RGB(hex, alpha)                                                                       \
	{                                                                                        \
		((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex)&0xff) / 255.0, \
			alpha                                                                    \
	}

struct gg_canvas {
	cairo_t *cr;
	struct gg_svg_classes *classes; /* NULL unless SVG */
};

enum gg_align { GG_ALIGN_LEFT, GG_ALIGN_CENTRE, GG_ALIGN_RIGHT };

/* Shapes; class_name is the SVG class (a static string). */
void gg_canvas_fill_rect(struct gg_canvas *canvas, double x, double y, double width, double height,
			 struct gg_colour colour, const char *class_name);
void gg_canvas_fill_circle(struct gg_canvas *canvas, double x, double y, double radius,
			   struct gg_colour colour, const char *class_name);
void gg_canvas_line(struct gg_canvas *canvas, double x0, double y0, double x1, double y1,
		    double width, struct gg_colour colour, bool dashed, const char *class_name);

/* Text: DejaVu Sans (condensed: DejaVu Sans Condensed) at size, ASCII or valid UTF-8. */
void gg_canvas_font(struct gg_canvas *canvas, double size, bool bold);
void gg_canvas_font_condensed(struct gg_canvas *canvas, double size);
double gg_canvas_text_width(struct gg_canvas *canvas, const char *text);
/* Baseline at y; gg_canvas_text_up reads upwards, its baseline along x. */
void gg_canvas_text(struct gg_canvas *canvas, double x, double y, const char *text,
		    enum gg_align align, struct gg_colour colour);
void gg_canvas_text_up(struct gg_canvas *canvas, double x, double y, const char *text,
		       enum gg_align align, struct gg_colour colour);

/*
 * Untrusted bytes (marker text, file names) into out as printable ASCII, other bytes as \xNN,
 * cut with "..." to fit max_width at the current font (no limit when max_width <= 0).
 */
void gg_canvas_clean_text(struct gg_canvas *canvas, char *out, size_t size, const char *text,
			  size_t length, double max_width);

/* Draws a picture on the canvas; 0, or -1 when out of memory. */
typedef int (*gg_canvas_drawing)(struct gg_canvas *canvas, void *context);

/*
 * Draw into path as format, width x height pixels or points. 0, or 1 after a message on err
 * (and no file left behind).
 */
int gg_canvas_render(const char *path, enum gg_plot_format format, unsigned width, unsigned height,
		     gg_canvas_drawing draw, void *context, FILE *err);

#endif /* GOGROWTH_PLOT_CANVAS_H */
