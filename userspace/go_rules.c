// SPDX-License-Identifier: GPL-2.0
/* Go's growslice and roundupsize in C; the sources cited are Go 1.19 (Debian golang-1.19-src). */
#include "go_rules.h"

#include <errno.h>
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

int gg_model_command(int argc, char **argv, FILE *out, FILE *err)
{
	static const char usage[] = "usage: gogrowth model slice-go117|slice-go118 N [ELEM_SIZE]\n"
				    "  prints each capacity an append-one-at-a-time loop reaches up to "
				    "N elements\n";
	enum gg_go_rules rules;
	uint64_t n, elem_size = 8;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, out);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		fputs(usage, err);
		return 2;
	}
	if (strcmp(argv[1], "slice-go117") == 0) {
		rules = GG_GO_RULES_117;
	} else if (strcmp(argv[1], "slice-go118") == 0) {
		rules = GG_GO_RULES_118;
	} else {
		fprintf(err, "gogrowth: model: unknown model '%s'\n", argv[1]);
		fputs(usage, err);
		return 2;
	}
	if (parse_u64(argv[2], &n) || (argc == 4 && (parse_u64(argv[3], &elem_size) ||
						      elem_size == 0 || elem_size > 4096))) {
		fputs(usage, err);
		return 2;
	}
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
