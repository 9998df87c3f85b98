/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `gogrowth check`: run growth sequences (seq_registry.c lists them) as traced children and
 * print the verdicts on their events. The interface of a sequence is in seq.h.
 */
#ifndef GOGROWTH_CHECK_H
#define GOGROWTH_CHECK_H

#include "seq.h"

#include <stdio.h>

/* `gogrowth check SEQUENCE... | --all [--keep FILE]`; argv[0] is "check". */
int gg_check_command(int argc, char **argv, FILE *out, FILE *err);

#endif /* GOGROWTH_CHECK_H */
