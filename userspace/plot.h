/* SPDX-License-Identifier: GPL-2.0 */
/* `gogrowth plot`: one picture (PNG, SVG or PDF) of a recorded event stream. */
#ifndef GOGROWTH_PLOT_H
#define GOGROWTH_PLOT_H

#include <stdio.h>

/*
 * `gogrowth plot [--x=time|order] [--size=WxH] -o OUT.png|.svg|.pdf [FILE]`; argv[0] is "plot".
 * Returns the exit status: 0; 1 for bad input, an empty stream, an unwritable output or a build
 * without plotting; 2 for usage errors.
 */
int gg_plot_command(int argc, char **argv, FILE *out, FILE *err);

#endif /* GOGROWTH_PLOT_H */
