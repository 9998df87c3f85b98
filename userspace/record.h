/* SPDX-License-Identifier: GPL-2.0 */
/* `gogrowth record`: trace a command (or a running process) and write its event stream. */
#ifndef GOGROWTH_RECORD_H
#define GOGROWTH_RECORD_H

#include <stdio.h>

/*
 * `gogrowth record [-o FILE] [--no-clear] -- CMD [ARGS]` or `gogrowth record -p PID [-o FILE]
 * [--no-clear]`; argv[0] is "record". Exit status: CMD's (128 + signal when killed); for -p, 0;
 * 1 on errors (module missing, not root, no such process, I/O); 2 on usage errors.
 */
int gg_record_command(int argc, char **argv, FILE *out, FILE *err);

#endif /* GOGROWTH_RECORD_H */
