/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drawing of `gogrowth plot` with cairo: one picture of a read stream (plot_data.h) into a PNG,
 * SVG or PDF file. Built only where cairo is (the Makefile's PLOT=1); otherwise plot_draw_none.c
 * stands in and says so.
 *
 * The picture, top to bottom: a title and the run's totals; a band with the markers' step numbers
 * and texts; the chart (x: time or event order; y: the address space squeezed into lanes, see
 * plot_layout.h) with the mapped regions, TLB flush bars, fault marks and marker lines; the x
 * axis; per step, bars of faults, pages mapped and TLB flushes. The legend is on the right.
 *
 * In SVG every element of the data has a class: `lane`, `gap`, `region anon|file|reserved|heap`,
 * `mmap`, `munmap`, `flush` (a ranged flush; `flush-part` for its piece in a further lane),
 * `flush-whole-mm`, `fault <transition>` (e.g. `fault none-present`, `fault ro-rw-cow`),
 * `marker`, `lost` (a tick on the chart's bottom edge per `lost` record), `step-faults`,
 * `step-pages`, `step-flushes` (one bar per step with a non-zero count);
 * the frame's elements have `axis`, `tick`, `grid`, `legend`, `background`, `note`.
 */
#ifndef GOGROWTH_PLOT_DRAW_H
#define GOGROWTH_PLOT_DRAW_H

#include "plot_data.h"

#include <stdbool.h>
#include <stdio.h>

enum gg_plot_format { GG_PLOT_PNG, GG_PLOT_SVG, GG_PLOT_PDF };

struct gg_plot_options {
	const char *output_path;
	enum gg_plot_format format;
	unsigned width, height; /* pixels (PNG) or points (SVG, PDF) */
	const char *title;      /* the input's name */
};

#define GG_PLOT_MIN_WIDTH 960 /* the margins, legend and step panel need room */
#define GG_PLOT_MIN_HEIGHT 720
#define GG_PLOT_MAX_SIDE 8192 /* a PNG of 8192x8192 is 256 MiB while drawn */

/* Whether this build can draw (false: built without cairo). */
bool gg_plot_can_draw(void);

/* Draw data into options->output_path. 0, or 1 after a message on err (no file left behind). */
int gg_plot_draw(const struct gg_plot_data *data, const struct gg_plot_options *options,
		 FILE *err);

#endif /* GOGROWTH_PLOT_DRAW_H */
