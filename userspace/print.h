/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_PRINT_H
#define GOGROWTH_PRINT_H

#include <stdio.h>

/* `gogrowth print [FILE]`: a binary recording as the module's event lines. */
int gg_print_command(int argc, char **argv, FILE *out, FILE *err);

#endif /* GOGROWTH_PRINT_H */
