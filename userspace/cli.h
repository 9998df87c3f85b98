/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_CLI_H
#define GOGROWTH_CLI_H

#include <stdio.h>

/* The whole command line of `gogrowth`; returns the exit status. Separate from main() so the
 * unit tests can run commands in-process with their own output streams. */
int gogrowth_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* GOGROWTH_CLI_H */
