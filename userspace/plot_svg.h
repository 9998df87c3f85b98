/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classes for the elements of cairo's SVG output, so tests and stylesheets can find the faults,
 * markers and flushes of a `gogrowth plot` picture (cairo writes no ids or classes of its own).
 *
 * The drawing names every fill and stroke it makes, in order; cairo writes each of them as one
 * `<path>` element of the page (a fill of the whole page as a `<rect>`), in the same order (its
 * glyphs, clip paths, patterns and masks are `<path>`s too, but inside `<defs>`, `<symbol>`,
 * `<clipPath>`, `<pattern>` or `<mask>`, which are skipped). gg_svg_write_classes() adds
 * `class="NAME"` to the page's paths. The drawing must not fill and then stroke the same path
 * (cairo would merge the two into one element), nor make a fill or stroke that draws nothing
 * (cairo drops it).
 */
#ifndef GOGROWTH_PLOT_SVG_H
#define GOGROWTH_PLOT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct gg_svg_classes {
	const char **names; /* static strings, one per fill or stroke, in drawing order */
	size_t count, capacity;
	bool out_of_memory;
};

void gg_svg_classes_add(struct gg_svg_classes *classes, const char *name);
void gg_svg_classes_free(struct gg_svg_classes *classes);

/*
 * Write svg (cairo's document, length bytes) to out with the classes added. 0; or -1 when the
 * page's paths and the classes do not pair up one to one, and then nothing is written.
 */
int gg_svg_write_classes(FILE *out, const char *svg, size_t length,
			 const struct gg_svg_classes *classes);

#endif /* GOGROWTH_PLOT_SVG_H */
