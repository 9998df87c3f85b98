/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Go's slice growth rules (runtime/slice.go growslice) and allocation size rounding
 * (runtime/msize.go roundupsize over the runtime/sizeclasses.go table), as a C model used by the
 * slice-go117/slice-go118 sequences and by `gogrowth model`.
 */
#ifndef GOGROWTH_GO_RULES_H
#define GOGROWTH_GO_RULES_H

#include <stdint.h>
#include <stdio.h>

enum gg_go_rules {
	GG_GO_RULES_117, /* Go <= 1.17: double below 1024, then += newcap/4 */
	GG_GO_RULES_118, /* Go >= 1.18 (same arithmetic through 1.23): threshold 256 */
};

/* Largest small object (runtime/sizeclasses.go _MaxSmallSize in Go 1.19). */
#define GG_GO_MAX_SMALL_SIZE 32768u
/* Go's heap page (runtime/sizeclasses.go _PageShift = 13): large objects round to it. */
#define GG_GO_PAGE_SIZE 8192u

/* Bytes Go really allocates for a request of `size` bytes (msize.go roundupsize, Go 1.19). */
uint64_t gg_go_roundupsize(uint64_t size);

/*
 * The capacity growslice gives when a slice of `elem_size`-byte elements with capacity
 * `old_cap` must hold `needed` elements, including the size-class rounding. 0 on overflow.
 */
uint64_t gg_go_grow_cap(enum gg_go_rules rules, uint64_t old_cap, uint64_t needed,
			uint64_t elem_size);

/* `gogrowth model slice-go117|slice-go118 N [ELEM_SIZE]`: print each new capacity on its line. */
int gg_model_command(int argc, char **argv, FILE *out, FILE *err);

#endif /* GOGROWTH_GO_RULES_H */
