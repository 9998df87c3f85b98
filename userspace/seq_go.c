// SPDX-License-Identifier: GPL-2.0
/*
 * The Go program sequences: the real programs of userspace/go run as traced children, for every
 * Go release Debian ships (go_rules.h GG_GO_MINORS_INIT; scripts/build-go.sh builds them):
 *
 *   go-slice-1.NN      go-slice: 2M int64 appends to a slice that escapes (every release)
 *   go-map-1.NN        go-map: 262144 inserts into a map[int64]int64 (hmap, 1.19 and 1.23)
 *   go-map-big-1.NN    go-map -elem 32: 65536 inserts into a map[int64][4]int64 (hmap)
 *   go-swiss-1.NN      go-swiss: 262144 inserts into a map[int64]int64 (Swiss tables, 1.24+)
 *   go-swiss-big-1.NN  go-swiss -elem 32: 65536 inserts into a map[int64][4]int64 (Swiss)
 *   go-slice, go-map, go-map-big, go-swiss, go-swiss-big: the newest release present
 *
 * `--all` runs every one of them for every release; a program that is not there is a FAIL that
 * says so, never a silent skip. Go does not mmap each array, so the checks are bounds derived
 * from the runtime's source (linux/amd64, the same in 1.19 to 1.27 where not said otherwise):
 *
 *  - runtime/malloc.go mallocinit + (*mheap).sysAlloc: heap address space is reserved in 64 MiB
 *    heap arenas (heapArenaBytes) at hints (0x00c0<<32 | i<<40; random from 1.26,
 *    randomizedheapbase64) by sysReserve (runtime/mem_linux.go: mmap(hint, n, PROT_NONE,
 *    MAP_ANON|MAP_PRIVATE)): at least one mmap with a non-zero hint, PROT_NONE, a multiple of
 *    64 MiB.
 *  - runtime/mheap.go (*mheap).grow -> sysMap (mem_linux.go sysMapOS: mmap(v, n, PROT_READ|
 *    PROT_WRITE, MAP_ANON|MAP_FIXED|MAP_PRIVATE)) commits parts of a reservation, only when the
 *    heap has no free run big enough; (*mheap).allocSpan reuses free pages first. So every large
 *    object (> 32 KiB) lies inside a MAP_FIXED RW mmap inside a reservation, at least one commit
 *    happens while a big structure grows, and there are fewer mmaps than growth steps.
 *  - Memory is never given back by munmap; what is live at the end must have been made present:
 *    the pages made present while growing are at least the live structure's bytes minus every
 *    page made present before growing began (all of the process's, from its exec on).
 *  - go-slice: capacities equal `gogrowth model slice-go1.NN` (growslice/nextslicecap and
 *    roundupsize, unchanged 1.18-1.27), and the slice escapes, so every backing array is on the
 *    heap from the first append (1.25+ would start a non-escaping one in a 32-byte stack buffer,
 *    1.26+ growsliceBuf steps on the stack: the program labels where=stack, none may appear).
 *  - go-map (hmap, runtime/map.go): growths at count 9, then 6.5 * 2^B + 1 (overLoadFactor);
 *    each bucket array is (2^B + 2^(B-4) for B >= 4) buckets of 8 + 8*8 + 8*elem + 8 bytes,
 *    rounded by roundupsize (makeBucketArray); evacuation is incremental (growWork).
 *  - go-swiss (internal/runtime/maps, 1.24-1.27): see swiss_verify.
 */
#include "seq.h"

#include "go_rules.h"
#include "seq_registry.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEAP_ARENA_BYTES (64ull << 20) /* runtime/malloc.go heapArenaBytes on linux/amd64 */
#define LARGE_OBJECT 32768u            /* runtime/sizeclasses.go _MaxSmallSize */
#define BIG_RUN_STEPS 10               /* a run with this many growths must save mmaps */

enum go_kind { GO_SLICE, GO_HMAP, GO_SWISS };

struct go_parameter {
	enum go_kind kind;
	const char *stem;    /* sequence name before the version: "go-map-big-1." */
	const char *program; /* program file before the version: "go-map-1." */
	const char *count;   /* -n */
	unsigned elem;       /* value bytes (maps): -elem */
	unsigned min_minor, max_minor;
	const char *summary;
};

static const struct go_parameter go_parameters[] = {
	{ GO_SLICE, "go-slice-1.", "go-slice-1.", "2097152", 8, 0, 99,
	  "2M int64 appends to an escaping slice: capacities, heap commits, faults" },
	{ GO_HMAP, "go-map-1.", "go-map-1.", "262144", 8, 0, 23,
	  "262144 inserts into a map[int64]int64 (hmap, Go <= 1.23)" },
	{ GO_HMAP, "go-map-big-1.", "go-map-1.", "65536", 32, 0, 23,
	  "65536 inserts into a map[int64][4]int64 (hmap: large bucket arrays)" },
	{ GO_SWISS, "go-swiss-1.", "go-swiss-1.", "262144", 8, 24, 99,
	  "262144 inserts into a map[int64]int64 (Swiss tables, Go 1.24+)" },
	{ GO_SWISS, "go-swiss-big-1.", "go-swiss-1.", "65536", 32, 24, 99,
	  "65536 inserts into a map[int64][4]int64 (Swiss: large groups arrays)" },
};

#define PARAMETER_COUNT (sizeof(go_parameters) / sizeof(go_parameters[0]))

/* ---- finding the programs ---- */

static int program_dir(char *dir, size_t size)
{
	const char *env = getenv("GOGROWTH_GO_DIR");
	if (env && *env) {
		snprintf(dir, size, "%s", env);
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	if (n <= 0)
		return -1;
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

/* The minor version in "STEM" "NN", or -1. */
static int minor_of(const char *name, const char *stem)
{
	size_t length = strlen(stem);
	if (strncmp(name, stem, length) != 0)
		return -1;
	char *end;
	long minor = strtol(name + length, &end, 10);
	if (end == name + length || *end || minor < 0 || minor > 1000)
		return -1;
	return (int)minor;
}

static bool known_minor(int minor)
{
	for (size_t i = 0; i < GG_GO_MINOR_COUNT; i++)
		if ((int)gg_go_minors[i] == minor)
			return true;
	return false;
}

static int go_resolve(const char *name, struct gg_sequence *sequence, FILE *err)
{
	extern const struct gg_sequence gg_seq_go_template;
	const struct go_parameter *parameter = NULL;
	char dir[1024];
	int minor = -1;

	for (size_t i = 0; i < PARAMETER_COUNT && !parameter; i++) {
		const struct go_parameter *p = &go_parameters[i];
		size_t stem = strlen(p->stem) - 3; /* without "-1." */
		if (strncmp(name, p->stem, stem) == 0 && name[stem] == '\0')
			parameter = p; /* the alias: newest release */
		else if ((minor = minor_of(name, p->stem)) >= 0)
			parameter = p;
	}
	if (!parameter)
		return 1;
	*sequence = gg_seq_go_template;
	sequence->parameter = parameter;
	sequence->summary = parameter->summary;
	if (minor < 0) {
		for (size_t i = GG_GO_MINOR_COUNT; i-- > 0 && minor < 0;) {
			int m = (int)gg_go_minors[i];
			char path[2200];
			if (m < (int)parameter->min_minor || m > (int)parameter->max_minor ||
			    program_dir(dir, sizeof(dir)))
				continue;
			snprintf(path, sizeof(path), "%s/%s%d", dir, parameter->program, m);
			if (access(path, X_OK) == 0)
				minor = m;
		}
		if (minor < 0) {
			fprintf(err, "gogrowth: check: %s: no %s* program for Go 1.%u to 1.%u (set "
				"GOGROWTH_GO_DIR, build them with scripts/build-go.sh)\n", name,
				parameter->program, parameter->min_minor,
				parameter->max_minor > 30 ? 27 : parameter->max_minor);
			return -1;
		}
	}
	if (minor < (int)parameter->min_minor || minor > (int)parameter->max_minor) {
		fprintf(err, "gogrowth: check: %s: Go 1.%d maps are %s: use %s1.%d\n", name, minor,
			minor >= 24 ? "Swiss tables" : "hmap",
			minor >= 24 ? (parameter->elem == 32 ? "go-swiss-big-" : "go-swiss-")
				    : (parameter->elem == 32 ? "go-map-big-" : "go-map-"),
			minor);
		return -1;
	}
	if (!known_minor(minor)) {
		fprintf(err, "gogrowth: check: %s: Go 1.%d is not one the tool knows (19, 23, 24, 25, "
			"26, 27)\n", name, minor);
		return -1;
	}
	sequence->go_minor = (unsigned)minor;
	snprintf(sequence->label, sizeof(sequence->label), "%s%d", parameter->stem, minor);
	sequence->name = sequence->label;
	if (program_dir(dir, sizeof(dir))) {
		snprintf(sequence->missing, sizeof(sequence->missing), "cannot find the tool's "
			 "directory; set GOGROWTH_GO_DIR");
		return 0;
	}
	int length = snprintf(sequence->program, sizeof(sequence->program), "%s/%s%d", dir,
			      parameter->program, minor);
	if (length >= (int)sizeof(sequence->program) || access(sequence->program, X_OK) != 0)
		snprintf(sequence->missing, sizeof(sequence->missing), "no Go 1.%d program %s (Go "
			 "1.%d could not be had? scripts/build-go.sh fetches and builds every Go "
			 "Debian ships; set GOGROWTH_GO_DIR)", minor, sequence->program, minor);
	return 0;
}

static size_t go_all(char ***names)
{
	size_t count = 0;
	char **list = calloc(GG_GO_MINOR_COUNT * PARAMETER_COUNT, sizeof(*list));
	*names = NULL;
	if (!list)
		return SIZE_MAX;
	for (size_t v = 0; v < GG_GO_MINOR_COUNT; v++) {
		for (size_t i = 0; i < PARAMETER_COUNT; i++) {
			const struct go_parameter *p = &go_parameters[i];
			char name[64];
			if (gg_go_minors[v] < p->min_minor || gg_go_minors[v] > p->max_minor)
				continue;
			snprintf(name, sizeof(name), "%s%u", p->stem, gg_go_minors[v]);
			list[count] = strdup(name);
			if (!list[count]) {
				while (count)
					free(list[--count]);
				free(list);
				return SIZE_MAX;
			}
			count++;
		}
	}
	*names = list;
	return count;
}

const struct gg_sequence_family gg_go_family = {
	.pattern = "go-*-1.NN",
	.summary = "the Go programs (go-slice, go-map, go-map-big up to 1.23, go-swiss, "
		   "go-swiss-big from 1.24) of every Go Debian ships; without -1.NN the newest",
	.resolve = go_resolve,
	.all = go_all,
};

/* ---- the child: exec the program ---- */

static int go_child(const struct gg_sequence *sequence, int marker_fd)
{
	const struct go_parameter *parameter = sequence->parameter;
	char elem[16];
	snprintf(elem, sizeof(elem), "%u", parameter->elem);
	char *argv[] = { (char *)sequence->program, "-n", (char *)parameter->count,
			 parameter->kind == GO_SLICE ? NULL : "-elem", elem, NULL };
	/* The program opens the marker file itself; its stdout repeats the labels: drop it. */
	close(marker_fd);
	int null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	execv(sequence->program, argv);
	fprintf(stderr, "gogrowth: check: cannot run %s: %s\n", sequence->program, strerror(errno));
	return 127;
}

/* ---- verification ---- */

struct range {
	uint64_t start, end;
};

struct heap_layout {
	struct range *reservations, *commits; /* sysReserve and sysMap mmaps */
	size_t reservation_count, commit_count;
};

/* Is [start, end) covered by the union of the ranges (adjacent sysMaps join up)? */
static bool in_union(const struct range *ranges, size_t count, uint64_t start, uint64_t end)
{
	uint64_t covered = start;
	bool progress = true;
	while (covered < end && progress) {
		progress = false;
		for (size_t i = 0; i < count; i++) {
			if (ranges[i].start <= covered && covered < ranges[i].end) {
				covered = ranges[i].end;
				progress = true;
			}
		}
	}
	return covered >= end;
}

static int collect_layout(const struct gg_events *events, struct heap_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	layout->reservations = calloc(events->count + 1, sizeof(struct range));
	layout->commits = calloc(events->count + 1, sizeof(struct range));
	if (!layout->reservations || !layout->commits)
		return -1;
	for (size_t i = 0; i < events->count; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type != GG_EV_MMAP || e->mmap.ret.failed || !e->mmap.anon)
			continue;
		struct range r = { e->mmap.ret.value, e->mmap.ret.value + e->mmap.len };
		/* sysReserve: PROT_NONE at a hint, whole arenas */
		if (e->mmap.prot == PROT_NONE && e->mmap.addr != 0 &&
		    e->mmap.len % HEAP_ARENA_BYTES == 0)
			layout->reservations[layout->reservation_count++] = r;
		/* sysMap: MAP_FIXED read-write over reservations (one may span adjacent arenas) */
		if ((e->mmap.flags & MAP_FIXED) && e->mmap.prot == (PROT_READ | PROT_WRITE) &&
		    in_union(layout->reservations, layout->reservation_count, r.start, r.end))
			layout->commits[layout->commit_count++] = r;
	}
	return 0;
}

static void free_layout(struct heap_layout *layout)
{
	free(layout->reservations);
	free(layout->commits);
}


static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* 4 KiB pages that first-touch faults in events [first, last) made present inside [lo, hi)
 * (ptes= ranges: a pmd fault or an mTHP folio counts every page it mapped there; two threads
 * faulting the same entry at once both report it, so a page is counted once); *faults counts
 * the faults whose address is inside. */
static uint64_t pages_made_present(const struct gg_events *events, size_t first, size_t last,
				   uint64_t lo, uint64_t hi, unsigned *faults, unsigned *pmd)
{
	struct range *ranges = NULL;
	size_t count = 0, capacity = 0;
	uint64_t pages = 0;
	for (size_t i = first; i < last; i++) {
		const struct gg_event *e = &events->events[i];
		if (!gg_is_first_touch(e))
			continue;
		uint64_t start = e->fault.ptes_start, end = e->fault.ptes_end;
		if (start < lo)
			start = lo;
		if (end > hi)
			end = hi;
		if (end > start) {
			if (count == capacity) {
				capacity = capacity ? 2 * capacity : 64;
				struct range *more = realloc(ranges, capacity * sizeof(*more));
				if (!more) {
					free(ranges);
					return UINT64_MAX; /* fails every bound */
				}
				ranges = more;
			}
			ranges[count++] = (struct range){ start & ~(uint64_t)(GG_PAGE_SIZE - 1),
							  GG_PAGE_ROUND(end) };
		}
		if (e->fault.addr >= lo && e->fault.addr < hi) {
			if (faults)
				(*faults)++;
			if (pmd && e->fault.level == GG_LVL_PMD)
				(*pmd)++;
		}
	}
	if (count)
		qsort(ranges, count, sizeof(*ranges), by_start);
	uint64_t covered = 0; /* end of what is counted so far */
	for (size_t i = 0; i < count; i++) {
		uint64_t start = ranges[i].start > covered ? ranges[i].start : covered;
		if (ranges[i].end > start) {
			pages += (ranges[i].end - start) / GG_PAGE_SIZE;
			covered = ranges[i].end;
		}
	}
	free(ranges);
	return pages;
}

/* Every page made present in [first, last), anywhere. */
static uint64_t all_pages_made_present(const struct gg_events *events, size_t first, size_t last)
{
	return pages_made_present(events, first, last, 0, UINT64_MAX, NULL, NULL);
}

/* The common frame: begin/end markers, heap layout, mmaps while growing. */
struct go_run {
	const char *stem; /* marker prefix "go-slice" */
	size_t begin, end;
	struct heap_layout layout;
	unsigned mmaps, commits; /* between begin and end */
};

static int go_run_open(const struct gg_events *events, const char *stem, struct go_run *run,
		       struct gg_checker *checker)
{
	char prefix[64];
	run->stem = stem;
	snprintf(prefix, sizeof(prefix), "%s begin", stem);
	run->begin = gg_next_marker(events, 0, prefix);
	snprintf(prefix, sizeof(prefix), "%s end", stem);
	run->end = gg_next_marker(events, run->begin, prefix);
	if (collect_layout(events, &run->layout)) {
		gg_check(checker, false, "out of memory");
		return -1;
	}
	if (run->begin >= events->count || run->end >= events->count) {
		gg_check(checker, false, "markers: begin %s, end %s (did the program reach the "
			 "marker file? it refuses a Go release or layout it does not know)",
			 run->begin < events->count ? "seen" : "MISSING",
			 run->end < events->count ? "seen" : "MISSING");
		return -1;
	}
	run->mmaps = run->commits = 0;
	for (size_t i = run->begin; i < run->end; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type != GG_EV_MMAP)
			continue;
		run->mmaps++;
		for (size_t c = 0; c < run->layout.commit_count; c++)
			if (!e->mmap.ret.failed && run->layout.commits[c].start == e->mmap.ret.value &&
			    (e->mmap.flags & MAP_FIXED)) {
				run->commits++;
				break;
			}
	}
	return 0;
}

static void heap_checks(const struct go_run *run, size_t steps, struct gg_checker *checker)
{
	gg_check(checker, run->layout.reservation_count > 0 && run->layout.commit_count > 0,
		 "heap: %zu arena reservations (PROT_NONE, 64 MiB multiples, at a hint), %zu sysMap "
		 "commits (MAP_FIXED RW inside them)", run->layout.reservation_count,
		 run->layout.commit_count);
	bool big = steps >= BIG_RUN_STEPS;
	gg_check(checker, run->commits >= 1 && (big ? run->mmaps < steps : run->mmaps <= steps),
		 "mmaps while growing: %u, %u of them sysMap heap commits, for %zu growth steps "
		 "(must be >= 1 commit and %s: large arrays come from committed heap, not one mmap "
		 "each)", run->mmaps, run->commits, steps, big ? "fewer mmaps than steps"
							      : "no more mmaps than steps");
}

/* Pages made present while growing against what is live at the end. */
static void present_check(const struct gg_events *events, const struct go_run *run,
			  uint64_t live_bytes, const char *what, struct gg_checker *checker)
{
	uint64_t before = all_pages_made_present(events, 0, run->begin);
	uint64_t during = all_pages_made_present(events, run->begin, run->end + 1);
	uint64_t need = live_bytes / GG_PAGE_SIZE > before ? live_bytes / GG_PAGE_SIZE - before : 0;
	/* an upper bound too: nothing can make more pages present than the heap commits hold,
	 * plus what is not heap (stacks, metadata, the binary): 64 MiB of slack */
	uint64_t committed = 0;
	for (size_t c = 0; c < run->layout.commit_count; c++)
		committed += run->layout.commits[c].end - run->layout.commits[c].start;
	uint64_t most = (committed + (64ull << 20)) / GG_PAGE_SIZE;
	gg_check(checker, during >= need && during >= 1 && during <= most,
		 "pages made present while growing: %" PRIu64 " (>= %" PRIu64 ": %s %" PRIu64
		 " KiB live at the end, less %" PRIu64 " pages present before; <= %" PRIu64
		 ": the heap commits + 64 MiB)", during, need > 1 ? need : 1, what,
		 live_bytes >> 10, before, most);
}

static bool marker_has(const struct gg_event *e, const char *word)
{
	size_t length = strlen(word);
	const char *text = e->marker.text.ptr;
	size_t size = e->marker.text.len;
	for (size_t i = 0; i + length <= size; i++)
		if (memcmp(text + i, word, length) == 0)
			return true;
	return false;
}

static uint64_t value_of(const struct gg_event *e, const char *key)
{
	uint64_t value = 0;
	gg_marker_value(e, key, &value);
	return value;
}

/* ---- go-slice and go-map (hmap): one array per growth ---- */

struct go_step {
	size_t marker;       /* events index */
	uint64_t cap, count; /* slice capacity / map count at the growth */
	uint64_t array, bytes;
	unsigned B;
	bool stack;
};

/* The steps from the program's grow markers; NULL + 0 when none, *count SIZE_MAX on failure. */
static struct go_step *collect_steps(const struct gg_events *events, enum go_kind kind,
				     uint64_t bucket, unsigned minor, size_t *count)
{
	const char *prefix = kind == GO_SLICE ? "go-slice grow " : "go-map grow ";
	size_t n = 0;
	size_t *markers = gg_find_markers(events, prefix, &n);
	*count = n;
	if (n == 0 || n == SIZE_MAX)
		return NULL;
	struct go_step *steps = calloc(n, sizeof(*steps));
	if (!steps) {
		free(markers);
		*count = SIZE_MAX;
		return NULL;
	}
	for (size_t k = 0; k < n; k++) {
		const struct gg_event *e = &events->events[markers[k]];
		struct go_step *s = &steps[k];
		s->marker = markers[k];
		if (kind == GO_SLICE) {
			s->cap = value_of(e, "new_cap");
			s->array = value_of(e, "new_addr");
			s->bytes = value_of(e, "bytes");
			s->stack = marker_has(e, "where=stack");
		} else {
			s->count = value_of(e, "count");
			s->array = value_of(e, "buckets");
			s->B = (unsigned)value_of(e, "new_B");
			/* makeBucketArray: 2^B buckets, 2^(B-4) overflow ones from B = 4 */
			uint64_t buckets = (uint64_t)1 << s->B;
			if (s->B >= 4)
				buckets += (uint64_t)1 << (s->B - 4);
			s->bytes = gg_go_roundupsize_version(minor, buckets * bucket, 0);
		}
	}
	free(markers);
	return steps;
}

static void array_go_verify(const struct gg_sequence *sequence, const struct gg_events *events,
			    struct gg_checker *checker)
{
	const struct go_parameter *parameter = sequence->parameter;
	enum go_kind kind = parameter->kind;
	unsigned minor = sequence->go_minor;
	uint64_t bucket = 8 + 8 * 8 + 8 * (uint64_t)parameter->elem + 8; /* runtime/map.go bmap */
	struct go_run run = { 0 };
	size_t steps = 0;
	struct go_step *step = collect_steps(events, kind, bucket, minor, &steps);
	struct gg_slice_step *model = NULL;

	if (steps == SIZE_MAX) {
		gg_check(checker, false, "out of memory");
		goto out;
	}
	if (go_run_open(events, kind == GO_SLICE ? "go-slice" : "go-map", &run, checker))
		goto out;
	if (steps == 0) {
		gg_check(checker, false, "growth markers: none (the program labels every growth)");
		goto out;
	}

	/* The runtime's own growth figures against the model. */
	size_t first_bad = SIZE_MAX;
	uint64_t expected = 0;
	if (kind == GO_SLICE) {
		uint64_t n = strtoull(parameter->count, NULL, 10);
		model = calloc(256, sizeof(*model));
		size_t model_steps = model ? gg_go_slice_steps(minor, GG_SLICE_ESCAPING, n, 8, model,
							       256) : 0;
		for (size_t k = 0; k < steps && first_bad == SIZE_MAX; k++) {
			expected = k < model_steps ? model[k].cap : 0;
			if (step[k].cap != expected)
				first_bad = k;
		}
		if (first_bad == SIZE_MAX && steps != model_steps)
			first_bad = steps < model_steps ? steps - 1 : model_steps;
		gg_check(checker, first_bad == SIZE_MAX && model_steps > 0,
			 "capacities: %zu growths, every new_cap equals `gogrowth model slice-go1.%u` "
			 "(%zu steps, last %" PRIu64 ")", steps, minor, model_steps,
			 step[steps - 1].cap);
		unsigned on_stack = 0;
		for (size_t k = 0; k < steps; k++)
			on_stack += step[k].stack;
		gg_check(checker, on_stack == 0 && step[0].cap == 1,
			 "heap from the first append: %zu of %zu backing arrays on the heap, the first "
			 "at new_cap=%" PRIu64 " (stack phase: %u labelled where=stack; an escaping "
			 "slice has none on any release)", steps - on_stack, steps, step[0].cap,
			 on_stack);
	} else {
		uint64_t count = 0;
		for (size_t k = 0; k < steps && first_bad == SIZE_MAX; k++) {
			/* new B: growth at count 9 (B 0->1), then 6.5 * 2^B + 1 */
			unsigned B = step[k].B;
			count = B == 1 ? 9 : 13 * ((uint64_t)1 << (B - 1)) / 2 + 1;
			expected = count;
			if (B != k + 1 || step[k].count != count)
				first_bad = k;
		}
		gg_check(checker, first_bad == SIZE_MAX, "growths: %zu, B=1..%u at the counts of "
			 "overLoadFactor (9, then 6.5*2^B+1; last at %" PRIu64 ")", steps,
			 step[steps - 1].B, step[steps - 1].count);
	}
	if (first_bad != SIZE_MAX && first_bad < steps)
		gg_check_detail(checker, "first mismatch: growth %zu: '%.*s' (model %s %" PRIu64
				")", first_bad + 1,
				(int)events->events[step[first_bad].marker].marker.text.len,
				events->events[step[first_bad].marker].marker.text.ptr,
				kind == GO_SLICE ? "new_cap" : "count", expected);
	else if (first_bad != SIZE_MAX)
		gg_check_detail(checker, "the program labelled %zu growths, the model has another "
				"number", steps);

	heap_checks(&run, steps, checker);

	/* Each large array: inside a commit, and faults within bounds. */
	unsigned large = 0, outside_heap = 0, over = 0, pte = 0, pmd = 0;
	unsigned at_grow = 0, evacuating = 0, after = 0;
	uint64_t present = 0;
	size_t first_outside = SIZE_MAX, first_over = SIZE_MAX;
	uint64_t over_pages = 0;
	for (size_t k = 0; k < steps; k++) {
		struct go_step *s = &step[k];
		if (s->bytes <= LARGE_OBJECT || s->stack)
			continue;
		large++;
		uint64_t bytes = GG_PAGE_ROUND(s->bytes);
		if (!in_union(run.layout.commits, run.layout.commit_count, s->array,
			      s->array + bytes) && outside_heap++ == 0)
			first_outside = k;
		/*
		 * The program labels a growth after the append/insert that made it, so the
		 * copy (growslice's memmove) or hashGrow's first evacuation faults come before
		 * the marker: the array's window runs from the previous growth's marker to the
		 * next one's. Ranges of live arrays are disjoint, so nothing is counted twice.
		 */
		size_t first = k ? step[k - 1].marker + 1 : run.begin + 1;
		size_t last = k + 1 < steps ? step[k + 1].marker : run.end;
		unsigned faults = 0, huge = 0;
		uint64_t pages = pages_made_present(events, first, last, s->array,
						    s->array + bytes, &faults, &huge);
		present += pages;
		pmd += huge;
		pte += faults - huge;
		if (pages > bytes / GG_PAGE_SIZE && over++ == 0) {
			first_over = k;
			over_pages = pages;
		}
		if (kind == GO_HMAP) {
			size_t evacuated = gg_next_marker(events, s->marker, "go-map evacuated");
			unsigned a = 0, b = 0, c = 0;
			pages_made_present(events, first, s->marker, s->array, s->array + bytes, &a,
					   NULL);
			pages_made_present(events, s->marker, evacuated < last ? evacuated : last,
					   s->array, s->array + bytes, &b, NULL);
			if (evacuated < last)
				pages_made_present(events, evacuated, last, s->array,
						   s->array + bytes, &c, NULL);
			at_grow += a;
			evacuating += b;
			after += c;
		}
	}
	gg_check(checker, outside_heap == 0 && large > 0,
		 "large arrays: %u of %u inside sysMap commits (>= 1 large array)",
		 large - outside_heap, large);
	if (first_outside != SIZE_MAX)
		gg_check_detail(checker, "first outside: growth %zu array 0x%" PRIx64 "+%" PRIu64,
				first_outside + 1, step[first_outside].array,
				step[first_outside].bytes);
	gg_check(checker, over == 0 && present >= 1,
		 "first-touch faults in new large arrays: %u pte + %u pmd faults making %" PRIu64
		 " pages present (>= 1); %u of %u arrays within their own pages", pte, pmd, present,
		 large - over, large);
	if (first_over != SIZE_MAX)
		gg_check_detail(checker, "first over: growth %zu array 0x%" PRIx64 "+%" PRIu64
				": %" PRIu64 " pages made present, it has %" PRIu64,
				first_over + 1, step[first_over].array, step[first_over].bytes,
				over_pages, GG_PAGE_ROUND(step[first_over].bytes) / GG_PAGE_SIZE);
	/* the last two arrays are both live while the last growth copies (slice) or evacuates
	 * (map) */
	uint64_t live = step[steps - 1].bytes + (steps > 1 ? step[steps - 2].bytes : 0);
	present_check(events, &run, live, kind == GO_SLICE ? "the last two backing arrays"
							    : "the last two bucket arrays",
		      checker);
	gg_check_info(checker, "%u pmd-level (THP) faults in new arrays", pmd);
	if (kind == GO_HMAP)
		gg_check_info(checker, "first-touch faults in new large bucket arrays: %u up to "
			      "the insert that grew (hashGrow), %u during evacuation (until "
			      "\"evacuated\"), %u after it", at_grow, evacuating, after);
out:
	free(model);
	free(step);
	free_layout(&run.layout);
}

/* ---- go-swiss: Swiss tables ---- */

/*
 * What go-swiss labels and what must hold (internal/runtime/maps, Go 1.24-1.27, the same rules
 * in each; the program checks the structures' layout itself and refuses what it does not know):
 *
 *  1. the labels against `gogrowth model swiss-go1.NN`: one small group at insert 1; the 9th
 *     new key makes a 16-slot table (growToTable); a table grows when the insert that lands in
 *     it finds growthLeft 0 (7/8 of its slots used), doubling to 1024 slots at inserts 15, 29,
 *     57, 113, 225, 449; the 897th insert splits it into two 1024-slot tables and doubles the
 *     directory 1 -> 2; every later growth is a split of a 1024-slot table, the directory
 *     doubling (old_len -> 2 * old_len) only when the table's localDepth was the global depth;
 *     each groups array is capacity/8 groups of 8 + 8 * (8 + elem) bytes; at the end there are
 *     splits + 1 tables, 2^(directory doublings) directory entries, and between ceil(n / 896)
 *     and 4n/896 + 1 tables.
 *  2. every groups array over 32 KiB (a large object: 1024 slots of [4]int64 values) lies inside
 *     the sysMap commits; at least one commit happens while growing, fewer mmaps than steps.
 *  3. a groups array is written in full when it is allocated (table.reset sets every group's
 *     control word; grow/split then copy up to 896 entries into it), so its fresh pages fault
 *     in during the insert that allocated it, before its label: the pages made present inside
 *     it from the previous label to its own are at most its own pages, and from its label to
 *     the next growth's there is no first-touch fault inside it at all (hmap's bucket arrays,
 *     by contrast, are touched over the inserts that evacuate into them).
 *  4. the pages made present while growing cover the live tables at the end, less what was
 *     present before growing began.
 *  5. no copy-on-write from the zero page inside the groups arrays (they are written before
 *     they are read), and every TLB flush of the mm while growing has a cause recorded with it:
 *     flushes <= COW faults + faults on a huge entry + munmap/madvise/mprotect/mremap calls.
 */
static const char *swiss_kind_name(enum gg_swiss_kind kind)
{
	static const char *const names[] = { "small", "totable", "grow", "split", "dir" };
	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

struct swiss_array {
	size_t marker;
	uint64_t addr, bytes; /* the groups array (bytes as labelled: capacity/8 groups) */
};

static void swiss_verify(const struct gg_sequence *sequence, const struct gg_events *events,
			 struct gg_checker *checker)
{
	const struct go_parameter *parameter = sequence->parameter;
	unsigned minor = sequence->go_minor;
	uint64_t group = gg_swiss_group_bytes(parameter->elem);
	uint64_t n = strtoull(parameter->count, NULL, 10);
	struct go_run run = { 0 };
	struct swiss_array *arrays = NULL;
	size_t array_count = 0;
	size_t *growth = NULL; /* markers of growth steps (not dir) */
	size_t growth_count = 0;

	if (go_run_open(events, "go-swiss", &run, checker))
		goto out;
	arrays = calloc(2 * (run.end - run.begin) + 2, sizeof(*arrays));
	growth = calloc(run.end - run.begin + 2, sizeof(*growth));
	if (!arrays || !growth) {
		gg_check(checker, false, "out of memory");
		goto out;
	}

	/* 1. labels against the model */
	enum gg_swiss_kind kinds[16];
	uint64_t counts[16], caps[16];
	size_t first_steps = gg_swiss_first_steps(kinds, counts, caps, 16);
	size_t k = 0;
	unsigned small = 0, totable = 0, grows = 0, splits = 0, dirs = 0, bad = 0;
	uint64_t dir_len = 0, wrong_bytes = 0;
	char why[160] = "";
	for (size_t i = run.begin + 1; i < run.end; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type != GG_EV_MARKER || !gg_is_marker(e, "go-swiss "))
			continue;
		uint64_t count = value_of(e, "count");
		enum gg_swiss_kind kind;
		uint64_t cap = 0, bytes = 0;
		if (gg_is_marker(e, "go-swiss small ")) {
			kind = GG_SWISS_SMALL, cap = 8, small++;
			bytes = value_of(e, "bytes");
			arrays[array_count++] = (struct swiss_array){ i, value_of(e, "group"), bytes };
			if (bytes != group)
				wrong_bytes++;
		} else if (gg_is_marker(e, "go-swiss totable ")) {
			kind = GG_SWISS_TOTABLE, cap = value_of(e, "new_cap"), totable++;
			bytes = value_of(e, "bytes");
			dir_len = value_of(e, "dir_len");
			arrays[array_count++] = (struct swiss_array){ i, value_of(e, "groups"), bytes };
		} else if (gg_is_marker(e, "go-swiss grow ")) {
			kind = GG_SWISS_GROW, cap = value_of(e, "new_cap"), grows++;
			bytes = value_of(e, "bytes");
			if (value_of(e, "old_cap") * 2 != cap && bad++ == 0)
				snprintf(why, sizeof(why), "grow %" PRIu64 " -> %" PRIu64 " at %" PRIu64,
					 value_of(e, "old_cap"), cap, count);
			arrays[array_count++] = (struct swiss_array){ i, value_of(e, "groups"), bytes };
		} else if (gg_is_marker(e, "go-swiss split ")) {
			kind = GG_SWISS_SPLIT, cap = value_of(e, "cap"), splits++;
			bytes = value_of(e, "bytes");
			arrays[array_count++] = (struct swiss_array){ i, value_of(e, "left_groups"),
								      bytes };
			arrays[array_count++] = (struct swiss_array){ i, value_of(e, "right_groups"),
								      bytes };
		} else if (gg_is_marker(e, "go-swiss dir ")) {
			dirs++;
			uint64_t old_len = value_of(e, "old_len"), new_len = value_of(e, "new_len");
			if ((old_len != dir_len || new_len != 2 * old_len ||
			     value_of(e, "bytes") != 8 * new_len) && bad++ == 0)
				snprintf(why, sizeof(why), "directory %" PRIu64 " -> %" PRIu64
					 " at %" PRIu64 " (had %" PRIu64 ")", old_len, new_len, count,
					 dir_len);
			dir_len = new_len;
			continue;
		} else {
			continue;
		}
		growth[growth_count++] = i;
		if (kind != GG_SWISS_SMALL && bytes != cap / 8 * group)
			wrong_bytes++;
		/* the deterministic start: the first table's steps, in order */
		if (k < first_steps) {
			if ((kinds[k] != kind || counts[k] != count || caps[k] != cap) && bad++ == 0)
				snprintf(why, sizeof(why), "step %zu: %s at %" PRIu64 " to %" PRIu64
					 " slots, model: %s at %" PRIu64 " to %" PRIu64, k + 1,
					 swiss_kind_name(kind), count, cap, swiss_kind_name(kinds[k]),
					 counts[k], caps[k]);
			k++;
		} else if ((kind != GG_SWISS_SPLIT || cap != GG_SWISS_MAX_TABLE) && bad++ == 0) {
			snprintf(why, sizeof(why), "after the first split only splits of 1024-slot "
				 "tables, saw %s to %" PRIu64 " slots at %" PRIu64, swiss_kind_name(kind),
				 cap, count);
		}
	}
	const struct gg_event *end = &events->events[run.end];
	uint64_t tables = value_of(end, "tables"), end_dir = value_of(end, "dir_len");
	uint64_t min_tables = 1, max_tables = 1;
	if (n > gg_swiss_growth_left(GG_SWISS_MAX_TABLE))
		gg_swiss_table_bounds(n, &min_tables, &max_tables);
	bool shape_ok = bad == 0 && k == (n >= 897 ? first_steps : k) && small == 1 &&
			totable == 1 && grows == 6 && splits >= 1 && tables == splits + 1u &&
			end_dir == dir_len && end_dir == ((uint64_t)1 << dirs) &&
			tables >= min_tables && tables <= max_tables && wrong_bytes == 0 &&
			value_of(end, "count") == n;
	gg_check(checker, shape_ok, "growth against `gogrowth model swiss-go1.%u %" PRIu64 " %u`: "
		 "1 small group, 1 to-table at 9, %u grows (model 6: at 15 .. 449 to 1024 slots), "
		 "first split at 897, %u splits -> %" PRIu64 " tables (model %" PRIu64 "..%" PRIu64
		 "), %u directory doublings -> %" PRIu64 " entries; groups arrays of capacity/8 x "
		 "%" PRIu64 " bytes", minor, n, parameter->elem, grows, splits, tables, min_tables,
		 max_tables, dirs, end_dir, group);
	if (!shape_ok)
		gg_check_detail(checker, "%s; small %u, totable %u, first steps matched %zu of %zu, "
				"wrong sizes %" PRIu64 ", end: count %" PRIu64 " tables %" PRIu64
				" dir_len %" PRIu64, why[0] ? why : "counts differ", small, totable, k,
				first_steps, wrong_bytes, value_of(end, "count"), tables, end_dir);

	/* 2. the heap */
	heap_checks(&run, growth_count, checker);
	unsigned large = 0, inside = 0;
	size_t first_outside = SIZE_MAX;
	for (size_t a = 0; a < array_count; a++) {
		uint64_t alloc = gg_go_roundupsize_version(minor, arrays[a].bytes, 1);
		large += alloc > LARGE_OBJECT;
		/* every heap object, small or large, lies in committed arena memory */
		if (in_union(run.layout.commits, run.layout.commit_count, arrays[a].addr,
			     arrays[a].addr + arrays[a].bytes))
			inside++;
		else if (first_outside == SIZE_MAX)
			first_outside = a;
	}
	/* 1024 slots of [4]int64 values: 128 groups of 328 bytes, 41984: large; of int64: 17408 */
	bool big = gg_swiss_groups_alloc(minor, GG_SWISS_MAX_TABLE, parameter->elem) > LARGE_OBJECT;
	gg_check(checker, array_count > 0 && inside == array_count &&
		 (big ? large >= 1 : large == 0),
		 "groups arrays: %u of %zu inside sysMap commits, %u of them large objects (> 32 KiB; "
		 "the model: %s)", inside, array_count, large,
		 big ? "a 1024-slot table's is large, >= 1" : "none is large");
	if (first_outside != SIZE_MAX)
		gg_check_detail(checker, "first outside: 0x%" PRIx64 "+%" PRIu64,
				arrays[first_outside].addr, arrays[first_outside].bytes);

	/* 3. touched at allocation, not later */
	uint64_t at_alloc = 0, later_pages = 0;
	unsigned later = 0, over = 0, alloc_faults = 0, pmd = 0;
	size_t first_later = SIZE_MAX, first_over = SIZE_MAX;
	size_t g = 0;
	for (size_t a = 0; a < array_count; a++) {
		while (g < growth_count && growth[g] < arrays[a].marker)
			g++;
		/* growth[g] is this array's label */
		size_t from = g ? growth[g - 1] + 1 : run.begin + 1;
		size_t to = g + 1 < growth_count ? growth[g + 1] : run.end;
		uint64_t lo = arrays[a].addr, hi = lo + arrays[a].bytes;
		unsigned faults = 0, huge = 0, after = 0;
		uint64_t pages = pages_made_present(events, from, arrays[a].marker, lo & ~4095ull,
						    GG_PAGE_ROUND(hi), &faults, &huge);
		at_alloc += pages;
		alloc_faults += faults;
		pmd += huge;
		if (pages > (GG_PAGE_ROUND(hi) - (lo & ~4095ull)) / GG_PAGE_SIZE && over++ == 0)
			first_over = a;
		later_pages += pages_made_present(events, arrays[a].marker, to, lo, hi, &after,
						  NULL);
		if (after && later++ == 0)
			first_later = a;
	}
	gg_check(checker, over == 0 && at_alloc >= 1 && later == 0,
		 "groups arrays touched when allocated: %u first-touch faults (%u pmd) made %"
		 PRIu64 " pages present inside new groups arrays during the inserts that allocated "
		 "them (>= 1, and <= each array's own pages: %u over), %u of %zu arrays faulted "
		 "after their label (must be 0)", alloc_faults, pmd, at_alloc, over, later,
		 array_count);
	if (first_over != SIZE_MAX)
		gg_check_detail(checker, "first over: array 0x%" PRIx64 "+%" PRIu64,
				arrays[first_over].addr, arrays[first_over].bytes);
	if (first_later != SIZE_MAX)
		gg_check_detail(checker, "first touched later: array 0x%" PRIx64 "+%" PRIu64
				" (%" PRIu64 " pages in all arrays after their labels)",
				arrays[first_later].addr, arrays[first_later].bytes, later_pages);

	/* 4. what is live at the end was made present */
	uint64_t live = tables * gg_swiss_groups_alloc(minor, GG_SWISS_MAX_TABLE, parameter->elem);
	if (tables <= 1 && array_count)
		live = gg_go_roundupsize_version(minor, arrays[array_count - 1].bytes, 1);
	present_check(events, &run, live, "the tables'", checker);

	/* 5. copy-on-write and TLB flushes */
	unsigned cow_in_arrays = 0, cow = 0, huge_entry = 0, calls = 0, flushes = 0, whole = 0;
	unsigned faults = 0;
	uint64_t flushed = 0;
	for (size_t i = run.begin; i < run.end; i++) {
		const struct gg_event *e = &events->events[i];
		if (e->type == GG_EV_FAULT && e->fault.result != GG_RESULT_RETRY) {
			faults++;
			if (e->fault.trans == GG_TRANS_RO_RW_COW)
				cow++;
			if (e->fault.old_flags & GG_PTE_HUGE)
				huge_entry++;
		} else if (e->type == GG_EV_MUNMAP || e->type == GG_EV_MADVISE ||
			   e->type == GG_EV_MPROTECT || e->type == GG_EV_MREMAP) {
			calls++;
		} else if (e->type == GG_EV_TLB_FLUSH) {
			flushes++;
			if (e->tlb_flush.whole_mm)
				whole++;
			else
				flushed += e->tlb_flush.pages;
		}
	}
	for (size_t a = 0; a < array_count; a++) {
		size_t to = run.end;
		for (size_t i = run.begin; i < to; i++) {
			const struct gg_event *e = &events->events[i];
			if (e->type == GG_EV_FAULT && e->fault.trans == GG_TRANS_RO_RW_COW &&
			    e->fault.addr >= arrays[a].addr &&
			    e->fault.addr < arrays[a].addr + arrays[a].bytes && i >= arrays[a].marker)
				cow_in_arrays++;
		}
	}
	gg_check(checker, faults >= 1 && cow_in_arrays == 0 &&
		 flushes <= cow + huge_entry + calls + 2,
		 "copy-on-write and TLB flushes while growing (%u faults, >= 1): %u COW faults "
		 "inside groups arrays "
		 "after their labels (must be 0: written before read, no zero page), %u TLB "
		 "flushes (%u of the whole mm, %" PRIu64 " pages) <= %u COW + %u faults on a huge "
		 "entry + %u munmap/madvise/mprotect/mremap + 2", faults, cow_in_arrays, flushes,
		 whole,
		 flushed, cow, huge_entry, calls);
out:
	free(arrays);
	free(growth);
	free_layout(&run.layout);
}

static void go_verify(const struct gg_sequence *sequence, const struct gg_events *events,
		      struct gg_checker *checker)
{
	const struct go_parameter *parameter = sequence->parameter;
	if (parameter->kind == GO_SWISS)
		swiss_verify(sequence, events, checker);
	else
		array_go_verify(sequence, events, checker);
}

const struct gg_sequence gg_seq_go_template = {
	.name = "go",
	.child = go_child,
	.verify = go_verify,
};
