/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Geometry of `gogrowth plot`, without drawing: the address axis squeezed into lanes and the
 * ticks of a linear axis.
 *
 * Lanes: the address ranges that hold something (mapped regions, fault ranges, ...) are merged
 * where they overlap or touch; every gap between two lanes is drawn as a thin break, whatever its
 * size, so a heap at 0xc000000000 and libraries at 0x7f... share one picture. When there are more
 * lanes than fit, the lanes with the smallest gaps between them are joined (the gap then stays
 * inside the lane, to scale). Inside a lane addresses are linear, high addresses at the top.
 * A lane's height is a minimum plus a share of the rest: half of it weighted by log2 of the lane's
 * size in pages and of the faults in it, half by its share of the pages all faults mapped, so a
 * growing heap is tall (the taller, the more of the memory the faults brought in is there) and an
 * 8 KiB library is still a readable band.
 */
#ifndef GOGROWTH_PLOT_LAYOUT_H
#define GOGROWTH_PLOT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gg_plot_span {
	uint64_t start, end; /* end exclusive, > start */
};

struct gg_plot_lane {
	uint64_t start, end; /* end exclusive */
	uint64_t faults;     /* faults inside, for the lane's share of height */
	uint64_t pages;      /* pages those faults mapped (4 KiB), likewise */
	double top, bottom;  /* y of end and start, top < bottom (device units, y grows down) */
};

struct gg_plot_lanes {
	struct gg_plot_lane *lane; /* by address, lowest first */
	size_t count;
};

/*
 * Lanes covering every span, at most max_lanes (>= 1) of them. 0, or -1 when out of memory.
 * No spans give no lanes.
 */
int gg_plot_lanes_build(struct gg_plot_lanes *lanes, const struct gg_plot_span *spans,
			size_t span_count, size_t max_lanes);
void gg_plot_lanes_free(struct gg_plot_lanes *lanes);

/* The lane holding addr, or -1. */
ptrdiff_t gg_plot_lane_find(const struct gg_plot_lanes *lanes, uint64_t addr);

/* Count a fault at addr that mapped pages (4 KiB) in its lane (for the heights). */
void gg_plot_lanes_count_fault(struct gg_plot_lanes *lanes, uint64_t addr, uint64_t pages);

/*
 * Place the lanes between y = top and y = bottom, the highest addresses at the top, with gap_px
 * between neighbours and at least min_px per lane (less when even that does not fit).
 */
void gg_plot_lanes_place(struct gg_plot_lanes *lanes, double top, double bottom, double gap_px,
			 double min_px);

/* y of addr inside its lane (clamped to the lane). */
double gg_plot_lane_y(const struct gg_plot_lane *lane, uint64_t addr);

/*
 * Ticks of a linear axis over [low, high]: a step of 1, 2 or 5 times a power of ten giving at most
 * max_ticks ticks (>= 2). Returns the step; the first tick is the first multiple of it >= low.
 */
double gg_plot_tick_step(double low, double high, unsigned max_ticks);

/* Time unit for a span of ns: its name ("ns", "µs", "ms", "s") and ns per unit. */
const char *gg_plot_time_unit(double span_ns, double *ns_per_unit);

/* "4 KiB", "1.5 GiB", "16 EiB" into buffer. */
void gg_plot_format_bytes(char *buffer, size_t size, uint64_t bytes);

#endif /* GOGROWTH_PLOT_LAYOUT_H */
