/* SPDX-License-Identifier: GPL-2.0 */
/* `gogrowth report`: read an event stream, aggregate it, print a table or CSV. */
#ifndef GOGROWTH_REPORT_H
#define GOGROWTH_REPORT_H

#include "aggregate.h"

#include <stdbool.h>
#include <stdio.h>

/* `gogrowth report [--csv] [FILE]`; argv[0] is "report". Returns the exit status (0, 1, 2). */
int gg_report_command(int argc, char **argv, FILE *out, FILE *err);

/* Read every line from fd (named `name` in messages), parse and aggregate. 0, or 1 after an
 * error message on err. The caller frees the aggregate in both cases. */
int gg_report_read(int fd, const char *name, struct gg_aggregate *aggregate, FILE *err);

enum gg_report_format {
	GG_REPORT_TABLE, /* per step: header line and the non-empty rows, compact; then totals */
	GG_REPORT_WIDE,  /* every row, one column per counter */
	GG_REPORT_CSV,   /* every row, every counter, header row; columns in userspace/README.md */
};

/* Print a finished aggregate. 0, or -1 when out of memory. */
int gg_report_print(const struct gg_aggregate *aggregate, enum gg_report_format format,
		    FILE *out);

#endif /* GOGROWTH_REPORT_H */
