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
	GG_GO_RULES_118, /* Go >= 1.18 (same arithmetic through 1.27): threshold 256 */
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

/*
 * The Go releases Debian ships and the tool knows (go-slice, go-map, go-swiss programs are built
 * for each by scripts/build-go.sh): 1.19 (bookworm), 1.23 (bookworm-backports), 1.24 (trixie),
 * 1.25 and 1.26 (trixie-backports), 1.27 (sid).
 */
#define GG_GO_MINORS_INIT { 19, 23, 24, 25, 26, 27 }
#define GG_GO_MINOR_COUNT 6
extern const unsigned gg_go_minors[GG_GO_MINOR_COUNT];

/* roundupsize of Go 1.minor: from 1.22 a small object is at most 32760 bytes (an 8-byte malloc
 * header is reserved) and a pointerful one over 512 bytes gets the header inside its class. */
uint64_t gg_go_roundupsize_version(unsigned minor, uint64_t size, int noscan);

/*
 * Slice growth of Go 1.minor, appending one element at a time to a nil slice.
 * ESCAPING: the slice outlives its function (stored in a global): every backing array is a heap
 * object from the first append, on every release. LOCAL: it does not escape: from Go 1.25
 * (cmd/compile ssagen append, "stack-allocated backing store") the first append gets a 32-byte
 * stack buffer (cap 32/elem), then growslice as usual. STACKBUF: a non-escaping buffer that is
 * later moved to the heap (move2heap) and whose cap is used: from Go 1.26 growsliceBuf steps
 * one size class at a time inside the 32-byte buffer (1, 2, 3, 4 for 8-byte elements) before the
 * first heap array; older releases are ESCAPING.
 */
enum gg_slice_shape { GG_SLICE_ESCAPING, GG_SLICE_LOCAL, GG_SLICE_STACKBUF };
struct gg_slice_step {
	uint64_t cap;
	int stack; /* the backing array is the stack buffer */
};
/* The capacities up to n elements (at most max steps): the number of steps, 0 on overflow. */
size_t gg_go_slice_steps(unsigned minor, enum gg_slice_shape shape, uint64_t n, uint64_t elem_size,
			 struct gg_slice_step *steps, size_t max);

/*
 * Swiss-table maps (Go 1.24+, internal/runtime/maps), int64 keys and elem_size-byte values:
 * the growth of one map by inserts of distinct keys, in the order the go-swiss program labels
 * it. A group is an 8-byte control word and 8 slots of 8 + elem_size bytes.
 */
enum gg_swiss_kind { GG_SWISS_SMALL, GG_SWISS_TOTABLE, GG_SWISS_GROW, GG_SWISS_SPLIT, GG_SWISS_DIR };
#define GG_SWISS_MAX_TABLE 1024u /* table.go maxTableCapacity */
uint64_t gg_swiss_group_bytes(uint64_t elem_size);
/* growthLeft of an empty table of `capacity` slots: 7/8 of it (table.go reset; 8 slots: 7). */
uint64_t gg_swiss_growth_left(uint64_t capacity);
/* The insert counts of the first table's deterministic steps: small at 1, to-table at 9, grows
 * at 15, 29, 57, 113, 225, 449 (to 1024 slots), first split at 897. kinds[i], counts[i], caps[i]
 * (the new capacity); returns the number of steps (9). */
size_t gg_swiss_first_steps(enum gg_swiss_kind *kinds, uint64_t *counts, uint64_t *caps,
			    size_t max);
/* Bytes Go allocates for a groups array of `capacity` slots (newarray of capacity/8 groups),
 * and for a directory of `entries` table pointers (make([]*table, n): pointerful). */
uint64_t gg_swiss_groups_alloc(unsigned minor, uint64_t capacity, uint64_t elem_size);
uint64_t gg_swiss_dir_alloc(unsigned minor, uint64_t entries);
/* Bounds on the number of 1024-slot tables after n distinct inserts past the first split: each
 * holds at most 896 (growthLeft 0 at 7/8 load), so at least ceil(n / 896); a split halves a full
 * table by one hash bit, so a table holds about 448 on average: at most 4n/896 + 1 is a loose
 * upper bound. */
void gg_swiss_table_bounds(uint64_t n, uint64_t *min_tables, uint64_t *max_tables);

/* `gogrowth model slice-go117|slice-go118|slice-go1.NN|swiss-go1.NN N [ELEM_SIZE]`. */
int gg_model_command(int argc, char **argv, FILE *out, FILE *err);

#endif /* GOGROWTH_GO_RULES_H */
