// SPDX-License-Identifier: GPL-2.0
/*
 * Go's growslice and roundupsize in C, and the growth of Swiss-table maps. The sources cited are
 * Debian's golang-1.NN-src: runtime/slice.go (growslice, 1.22+ nextslicecap: the same arithmetic
 * 1.18 to 1.27), runtime/msize.go, runtime/sizeclasses.go (internal/runtime/gc in 1.25+: the same
 * 68 classes), internal/runtime/maps/{map,table,group}.go (1.24 to 1.27: the same rules).
 */
#include "go_rules.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * class_to_size from runtime/sizeclasses.go (Go 1.19; unchanged through 1.23). Class 0 is not an
 * object size. roundupsize picks the smallest class holding the request; the table is sorted, so
 * a linear search gives the same answer as Go's size_to_class8/size_to_class128 lookups.
 */
static const uint16_t class_to_size[] = {
	0,     8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,
	160,   176,   192,   208,   224,   240,   256,   288,   320,   352,   384,   416,
	448,   480,   512,   576,   640,   704,   768,   896,   1024,  1152,  1280,  1408,
	1536,  1792,  2048,  2304,  2688,  3072,  3200,  3456,  4096,  4864,  5376,  6144,
	6528,  6784,  6912,  8192,  9472,  9728,  10240, 10880, 12288, 13568, 14336, 16384,
	18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768,
};

#define CLASS_COUNT (sizeof(class_to_size) / sizeof(class_to_size[0]))

uint64_t gg_go_roundupsize(uint64_t size)
{
	/* msize.go: `if size < _MaxSmallSize` → size class; else alignUp(size, _PageSize). */
	if (size == 0)
		return 0; /* size_to_class8[0] is class 0, of size 0 */
	if (size < GG_GO_MAX_SMALL_SIZE) {
		for (size_t i = 1; i < CLASS_COUNT; i++)
			if (class_to_size[i] >= size)
				return class_to_size[i];
	}
	if (size + GG_GO_PAGE_SIZE < size)
		return size; /* Go returns the size unchanged on overflow */
	return (size + GG_GO_PAGE_SIZE - 1) & ~(uint64_t)(GG_GO_PAGE_SIZE - 1);
}

uint64_t gg_go_grow_cap(enum gg_go_rules rules, uint64_t old_cap, uint64_t needed,
			uint64_t elem_size)
{
	uint64_t newcap = old_cap;
	uint64_t doublecap = old_cap + old_cap;

	if (elem_size == 0 || needed > UINT64_MAX / 2 / elem_size)
		return 0;
	if (needed > doublecap) {
		newcap = needed;
	} else if (rules == GG_GO_RULES_117) {
		/* go1.17 slice.go: `if old.cap < 1024 { newcap = doublecap }` else += newcap/4. */
		if (old_cap < 1024) {
			newcap = doublecap;
		} else {
			while (newcap > 0 && newcap < needed)
				newcap += newcap / 4;
		}
	} else {
		/* go1.18+ slice.go: threshold 256, newcap += (newcap + 3*threshold) / 4. */
		const uint64_t threshold = 256;
		if (old_cap < threshold) {
			newcap = doublecap;
		} else {
			while (newcap > 0 && newcap < needed)
				newcap += (newcap + 3 * threshold) / 4;
		}
	}
	if (newcap == 0 || newcap > UINT64_MAX / 2 / elem_size)
		return 0;
	/* growslice then rounds the byte size up and recomputes cap from it. */
	return gg_go_roundupsize(newcap * elem_size) / elem_size;
}

const unsigned gg_go_minors[GG_GO_MINOR_COUNT] = GG_GO_MINORS_INIT;

uint64_t gg_go_roundupsize_version(unsigned minor, uint64_t size, int noscan)
{
	if (minor < 22)
		return gg_go_roundupsize(size);
	/* msize.go (1.22+): small when size <= maxSmallSize - mallocHeaderSize (32760). */
	if (size == 0)
		return 0;
	if (size <= GG_GO_MAX_SMALL_SIZE - 8) {
		uint64_t request = size;
		if (!noscan && request > 512) /* minSizeForMallocHeader */
			request += 8;
		for (size_t i = 1; i < CLASS_COUNT; i++)
			if (class_to_size[i] >= request)
				return class_to_size[i] - (request - size);
	}
	if (size + GG_GO_PAGE_SIZE < size)
		return size;
	return (size + GG_GO_PAGE_SIZE - 1) & ~(uint64_t)(GG_GO_PAGE_SIZE - 1);
}

size_t gg_go_slice_steps(unsigned minor, enum gg_slice_shape shape, uint64_t n, uint64_t elem_size,
			 struct gg_slice_step *steps, size_t max)
{
	enum gg_go_rules rules = minor <= 17 ? GG_GO_RULES_117 : GG_GO_RULES_118;
	const uint64_t buffer = 32; /* cmd/compile: the stack backing store's bytes */
	uint64_t cap = 0;
	size_t count = 0;

	if (elem_size == 0)
		return 0;
	if (shape == GG_SLICE_LOCAL && minor >= 25 && elem_size <= buffer && n > 0) {
		/* the first append takes the whole 32-byte stack buffer */
		cap = buffer / elem_size;
		if (count < max)
			steps[count] = (struct gg_slice_step){ cap, 1 };
		count++;
	} else if (shape == GG_SLICE_STACKBUF && minor >= 26 && elem_size <= buffer) {
		/* growsliceBuf: newCap = roundupsize(newLen * size) / size while it fits */
		for (uint64_t len = 1; len <= n && len * elem_size <= buffer; len++) {
			if (len <= cap)
				continue;
			cap = gg_go_roundupsize_version(minor, len * elem_size, 1) / elem_size;
			if (cap * elem_size > buffer)
				cap = buffer / elem_size;
			if (count < max)
				steps[count] = (struct gg_slice_step){ cap, 1 };
			count++;
		}
	}
	for (uint64_t len = cap + 1; len <= n; len++) {
		uint64_t next = gg_go_grow_cap(rules, cap, len, elem_size);
		if (next == 0)
			return 0;
		if (count < max)
			steps[count] = (struct gg_slice_step){ next, 0 };
		count++;
		cap = next;
		len = cap; /* the next growth happens when len reaches cap + 1 */
	}
	return count;
}

uint64_t gg_swiss_group_bytes(uint64_t elem_size)
{
	return 8 + 8 * (8 + elem_size); /* ctrl word + 8 slots of key (int64) and elem */
}

uint64_t gg_swiss_growth_left(uint64_t capacity)
{
	/* table.go reset: capacity <= 8: capacity - 1; else capacity * maxAvgGroupLoad(7) / 8 */
	return capacity <= 8 ? capacity - 1 : capacity * 7 / 8;
}

size_t gg_swiss_first_steps(enum gg_swiss_kind *kinds, uint64_t *counts, uint64_t *caps,
			    size_t max)
{
	size_t count = 0;
	uint64_t used = 0, cap = 16;
	/* map.go putSlotSmall: a small map holds 8 (one group); the 9th new key: growToTable. */
	if (count < max) {
		kinds[count] = GG_SWISS_SMALL, counts[count] = 1, caps[count] = 8;
	}
	count++;
	if (count < max) {
		kinds[count] = GG_SWISS_TOTABLE, counts[count] = 9, caps[count] = 16;
	}
	count++;
	used = 9;
	for (;;) {
		/* the table takes inserts until growthLeft is 0; the next new key rehashes */
		uint64_t full = gg_swiss_growth_left(cap);
		(void)used;
		used = full + 1;
		if (cap * 2 <= GG_SWISS_MAX_TABLE) {
			cap *= 2;
			if (count < max) {
				kinds[count] = GG_SWISS_GROW, counts[count] = used, caps[count] = cap;
			}
			count++;
		} else {
			if (count < max) {
				kinds[count] = GG_SWISS_SPLIT, counts[count] = used, caps[count] = cap;
			}
			count++;
			break;
		}
	}
	return count;
}

uint64_t gg_swiss_groups_alloc(unsigned minor, uint64_t capacity, uint64_t elem_size)
{
	/* newarray(typ.Group, capacity/8): no pointers in an int64/int64-array group */
	return gg_go_roundupsize_version(minor, capacity / 8 * gg_swiss_group_bytes(elem_size), 1);
}

uint64_t gg_swiss_dir_alloc(unsigned minor, uint64_t entries)
{
	return gg_go_roundupsize_version(minor, entries * 8, 0);
}

void gg_swiss_table_bounds(uint64_t n, uint64_t *min_tables, uint64_t *max_tables)
{
	uint64_t full = gg_swiss_growth_left(GG_SWISS_MAX_TABLE);
	*min_tables = (n + full - 1) / full;
	*max_tables = 4 * n / full + 1;
}

static int parse_u64(const char *text, uint64_t *value)
{
	char *end;
	if (!*text || *text == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || *end)
		return -1;
	*value = v;
	return 0;
}

/* "go1.NN" suffix of a model name after prefix: the minor, or -1. */
static int model_minor(const char *name, const char *prefix)
{
	size_t length = strlen(prefix);
	if (strncmp(name, prefix, length) != 0)
		return -1;
	char *end;
	long minor = strtol(name + length, &end, 10);
	if (end == name + length || *end)
		return -1;
	for (size_t i = 0; i < GG_GO_MINOR_COUNT; i++)
		if (gg_go_minors[i] == (unsigned)minor)
			return (int)minor;
	return -1;
}

static const char *const kind_names[] = { "small", "totable", "grow", "split", "dir" };

static void swiss_model(unsigned minor, uint64_t n, uint64_t elem_size, FILE *out)
{
	enum gg_swiss_kind kinds[16];
	uint64_t counts[16], caps[16];
	size_t steps = gg_swiss_first_steps(kinds, counts, caps, 16);
	fprintf(out, "# go1.%u Swiss map, int64 keys, %" PRIu64 "-byte values: group %" PRIu64
		" bytes (8 slots)\n", minor, elem_size, gg_swiss_group_bytes(elem_size));
	for (size_t i = 0; i < steps && counts[i] <= n; i++) {
		uint64_t bytes = kinds[i] == GG_SWISS_SMALL ? gg_swiss_group_bytes(elem_size)
			       : caps[i] / 8 * gg_swiss_group_bytes(elem_size);
		uint64_t alloc = kinds[i] == GG_SWISS_SMALL
			       ? gg_go_roundupsize_version(minor, bytes, 1)
			       : gg_swiss_groups_alloc(minor, caps[i], elem_size);
		fprintf(out, "%s count=%" PRIu64 " cap=%" PRIu64 " bytes=%" PRIu64 " alloc=%" PRIu64
			"%s%s\n", kind_names[kinds[i]], counts[i], caps[i], bytes, alloc,
			kinds[i] == GG_SWISS_SPLIT ? " tables=2 depth=1" : "",
			kinds[i] == GG_SWISS_SPLIT ? "\ndir count=897 old_len=1 new_len=2" : "");
	}
	if (n > 896) {
		uint64_t low, high;
		gg_swiss_table_bounds(n, &low, &high);
		fprintf(out, "after %" PRIu64 " inserts: %" PRIu64 " to %" PRIu64 " tables of 1024 "
			"slots (%" PRIu64 " bytes each, allocated %" PRIu64 "), splits = tables - 1, "
			"a directory of 2^globalDepth >= tables entries (%" PRIu64 " bytes for 1024)\n",
			n, low, high, 128 * gg_swiss_group_bytes(elem_size),
			gg_swiss_groups_alloc(minor, 1024, elem_size), gg_swiss_dir_alloc(minor, 1024));
	}
}

int gg_model_command(int argc, char **argv, FILE *out, FILE *err)
{
	static const char usage[] =
		"usage: gogrowth model slice-go117|slice-go118 N [ELEM_SIZE]\n"
		"       gogrowth model slice-go1.NN N [ELEM_SIZE] [--local|--stackbuf]\n"
		"       gogrowth model swiss-go1.NN N [ELEM_SIZE]\n"
		"  slice-*: each capacity an append-one-at-a-time loop reaches up to N elements\n"
		"  (slice-go1.NN: that release's rules; ' stack' marks a stack buffer: --local, a slice\n"
		"  that does not escape, 1.25+; --stackbuf, growsliceBuf, 1.26+; default: escaping)\n"
		"  swiss-go1.NN: the growth steps of a map[int64]V (V of ELEM_SIZE bytes, 8 or 32) up to\n"
		"  N inserts, 1.24+. NN: 19 23 24 25 26 27\n";
	uint64_t n, elem_size = 8;
	enum gg_slice_shape shape = GG_SLICE_ESCAPING;
	int minor = -1, swiss = 0, legacy = -1;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, out);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[argc - 1], "--local") == 0) {
		shape = GG_SLICE_LOCAL;
		argc--;
	} else if (argc >= 4 && strcmp(argv[argc - 1], "--stackbuf") == 0) {
		shape = GG_SLICE_STACKBUF;
		argc--;
	}
	if (argc < 3 || argc > 4) {
		fputs(usage, err);
		return 2;
	}
	if (strcmp(argv[1], "slice-go117") == 0) {
		legacy = GG_GO_RULES_117;
	} else if (strcmp(argv[1], "slice-go118") == 0) {
		legacy = GG_GO_RULES_118;
	} else if ((minor = model_minor(argv[1], "slice-go1.")) >= 0) {
		swiss = 0;
	} else if ((minor = model_minor(argv[1], "swiss-go1.")) >= 24) {
		swiss = 1;
	} else {
		fprintf(err, "gogrowth: model: unknown model '%s'%s\n", argv[1],
			strncmp(argv[1], "swiss-go1.", 10) == 0 ? " (Swiss maps: Go 1.24 to 1.27)" : "");
		fputs(usage, err);
		return 2;
	}
	if ((legacy >= 0 || swiss) && shape != GG_SLICE_ESCAPING) {
		fputs(usage, err);
		return 2;
	}
	if (parse_u64(argv[2], &n) || (argc == 4 && (parse_u64(argv[3], &elem_size) ||
						      elem_size == 0 || elem_size > 4096)) ||
	    (swiss && elem_size != 8 && elem_size != 32)) {
		fputs(usage, err);
		return 2;
	}
	if (swiss) {
		swiss_model((unsigned)minor, n, elem_size, out);
		return 0;
	}
	if (legacy < 0) {
		struct gg_slice_step steps[256];
		size_t count = gg_go_slice_steps((unsigned)minor, shape, n, elem_size, steps, 256);
		if (count == 0 && n > 0) {
			fprintf(err, "gogrowth: model: capacity overflow\n");
			return 1;
		}
		if (count > 256) {
			fprintf(err, "gogrowth: model: more than 256 steps\n");
			return 1;
		}
		for (size_t i = 0; i < count; i++)
			fprintf(out, "%" PRIu64 "%s\n", steps[i].cap, steps[i].stack ? " stack" : "");
		return 0;
	}
	enum gg_go_rules rules = (enum gg_go_rules)legacy;
	uint64_t cap = 0;
	for (uint64_t len = 1; len <= n; len++) {
		if (len <= cap)
			continue;
		uint64_t next = gg_go_grow_cap(rules, cap, len, elem_size);
		if (next == 0) {
			fprintf(err, "gogrowth: model: capacity overflow at %" PRIu64 "\n", len);
			return 1;
		}
		fprintf(out, "%" PRIu64 "\n", next);
		cap = next;
		len = cap; /* the next growth happens when len reaches cap + 1 */
	}
	return 0;
}
