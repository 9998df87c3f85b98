/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one registry of growth sequences (seq_registry.c): the C sequences by name, and families
 * of sequences whose names carry a parameter (the Go programs: go-slice-1.NN, ...). To add a
 * sequence: write seq_NAME.c (seq.h), and add it to the table in seq_registry.c.
 */
#ifndef GOGROWTH_SEQ_REGISTRY_H
#define GOGROWTH_SEQ_REGISTRY_H

#include "seq.h"

#include <stddef.h>
#include <stdio.h>

/* A family of sequences named by a pattern (seq_go.c). */
struct gg_sequence_family {
	const char *pattern; /* for --list, e.g. "go-slice-1.NN" */
	const char *summary;
	/* 0: *sequence filled; 1: not a name of this family; -1: one of its names, but it cannot
	 * run here, after a message on err. */
	int (*resolve)(const char *name, struct gg_sequence *sequence, FILE *err);
	/* The names --all runs (each a name resolve accepts): count, *names freed by the caller. */
	size_t (*all)(char ***names);
};

extern const struct gg_sequence_family gg_go_family;

/* 0: *sequence filled; 1: unknown name; -1: known but cannot run (message on err). */
int gg_sequence_resolve(const char *name, struct gg_sequence *sequence, FILE *err);
/* The names --all runs, in order: the C sequences, then each family's. *names freed by caller
 * (each and the array); SIZE_MAX on allocation failure. */
size_t gg_sequence_all(char ***names);
/* --list */
void gg_sequence_list(FILE *out);

#endif /* GOGROWTH_SEQ_REGISTRY_H */
