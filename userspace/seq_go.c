// SPDX-License-Identifier: GPL-2.0
/*
 * Sequences go-slice and go-map: the real Go programs (userspace/go) run as traced children.
 * Unlike the C sequences, Go does not mmap each backing array; the bounds checked here follow from
 * the Go runtime's source (Go 1.19 / 1.23, linux/amd64):
 *
 *  - runtime/malloc.go mallocinit + (*mheap).sysAlloc: heap address space is reserved in 64 MiB
 *    heap arenas (heapArenaBytes) at hints 0x00c0<<32 | i<<40, by sysReserve
 *    (runtime/mem_linux.go: mmap(hint, n, PROT_NONE, MAP_ANON|MAP_PRIVATE)). So: at least one
 *    mmap with a non-zero hint, PROT_NONE, a length that is a multiple of 64 MiB.
 *  - runtime/mheap.go (*mheap).grow -> sysMap (mem_linux.go sysMapOS: mmap(v, n, PROT_READ|
 *    PROT_WRITE, MAP_ANON|MAP_FIXED|MAP_PRIVATE)) commits parts of a reservation, and only when
 *    the heap has no free run big enough; (*mheap).allocSpan reuses free pages first. So every
 *    large backing array (> 32 KiB: mallocgc's large object path, msize.go) lies inside a
 *    MAP_FIXED RW mmap inside a reservation, and there are fewer mmaps than growth steps: the
 *    total number of mmaps while growing is <= the number of growth steps, and strictly less for
 *    these big runs (2M int64 appends, 512K map inserts).
 *  - A new large array's pages are first touched by growslice's memmove / the appends
 *    (runtime/slice.go) or by evacuate (runtime/map.go): first-touch faults in the array during
 *    its step land inside it and never make more pages present than it has (a pmd fault counts
 *    the pages of its 2 MiB block that overlap the array). Pages already present (reused heap)
 *    do not fault at all, so there is no lower bound.
 *  - pmd-level faults: where THP applies (Go 1.19 madvises MADV_HUGEPAGE on new heap spans in
 *    mheap.go sysHugePage; Debian's guest kernel has THP "always") they are counted and
 *    reported, not required.
 *  - go-slice capacities must equal the slice-go118 model (go_rules.c): Go 1.18+ growslice.
 *  - go-map growths happen at count 9, then 6.5 * 2^B + 1 (runtime/map.go overLoadFactor), and
 *    each bucket array is (2^B + 2^(B-4) for B >= 4) * 144 bytes rounded by roundupsize
 *    (makeBucketArray). The spread of its first touches over later inserts (incremental
 *    evacuation, growWork) is reported.
 */
#include "check.h"

#include "go_rules.h"

#include <dirent.h>
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
#define PMD_SIZE (2ull << 20)
#define BIG_RUN_STEPS 10               /* a run with this many growths must save mmaps */
#define MAP_BUCKET_BYTES 144u          /* bucket of map[int64]int64, runtime/map.go */

enum go_kind { GO_SLICE, GO_MAP };

struct go_parameter {
	enum go_kind kind;
	const char *prefix; /* program name prefix "go-slice-1." */
	const char *count;  /* -n */
};

static const struct go_parameter go_slice = { GO_SLICE, "go-slice-1.", "2097152" };
static const struct go_parameter go_map = { GO_MAP, "go-map-1.", "524288" };

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

/* The minor version in "go-slice-1.NN", or -1. */
static int minor_of(const char *name, const char *prefix)
{
	size_t length = strlen(prefix);
	if (strncmp(name, prefix, length) != 0)
		return -1;
	char *end;
	long minor = strtol(name + length, &end, 10);
	if (end == name + length || *end || minor < 0 || minor > 1000)
		return -1;
	return (int)minor;
}

/* Newest minor of `prefix` present and executable in dir; -1 if none. */
static int newest(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	int best = -1;
	if (!d)
		return -1;
	for (struct dirent *entry; (entry = readdir(d));) {
		char path[PATH_MAX];
		int minor = minor_of(entry->d_name, prefix);
		if (snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name) >= (int)sizeof(path))
			continue;
		if (minor > best && access(path, X_OK) == 0)
			best = minor;
	}
	closedir(d);
	return best;
}

int gg_go_sequence(const char *name, struct gg_sequence *sequence, FILE *err)
{
	static const struct gg_sequence base = {
		.summary = "a real Go program, bounds from the Go runtime's source",
	};
	extern const struct gg_sequence gg_seq_go_template;
	const struct go_parameter *parameter;
	char dir[1024];
	int minor;

	if (strcmp(name, "go-slice") == 0 || minor_of(name, go_slice.prefix) >= 0)
		parameter = &go_slice;
	else if (strcmp(name, "go-map") == 0 || minor_of(name, go_map.prefix) >= 0)
		parameter = &go_map;
	else
		return 1;
	if (program_dir(dir, sizeof(dir))) {
		fprintf(err, "gogrowth: check: %s: cannot find the tool's directory; set "
			     "GOGROWTH_GO_DIR\n", name);
		return -1;
	}
	minor = minor_of(name, parameter->prefix);
	if (minor < 0)
		minor = newest(dir, parameter->prefix);
	*sequence = base;
	sequence->child = gg_seq_go_template.child;
	sequence->verify = gg_seq_go_template.verify;
	sequence->parameter = parameter;
	int length = snprintf(sequence->program, sizeof(sequence->program), "%s/%s%d", dir,
			      parameter->prefix, minor);
	if (minor < 0 || length >= (int)sizeof(sequence->program) ||
	    access(sequence->program, X_OK) != 0) {
		fprintf(err, "gogrowth: check: %s: no %s* program in %s (set GOGROWTH_GO_DIR, build "
			     "them with scripts/build-go.sh)\n", name, parameter->prefix, dir);
		return -1;
	}
	/* The sequence's name as run: the explicit version. */
	sequence->name = strrchr(sequence->program, '/') + 1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t gg_go_sequences_available(char ***names)
{
	char dir[1024];
	size_t count = 0, capacity = 0;
	*names = NULL;
	if (program_dir(dir, sizeof(dir)))
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	for (struct dirent *entry; (entry = readdir(d));) {
		char path[PATH_MAX];
		if (minor_of(entry->d_name, go_slice.prefix) < 0 &&
		    minor_of(entry->d_name, go_map.prefix) < 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name) >= (int)sizeof(path) ||
		    access(path, X_OK) != 0)
			continue;
		if (count == capacity) {
			capacity = capacity ? 2 * capacity : 8;
			char **more = realloc(*names, capacity * sizeof(*more));
			if (!more)
				break;
			*names = more;
		}
		char *copy = strdup(entry->d_name);
		if (!copy)
			break;
		(*names)[count++] = copy;
	}
	closedir(d);
	if (count)
		qsort(*names, count, sizeof(**names), by_name);
	return count;
}

/* ---- the child: exec the program ---- */

static int go_child(const struct gg_sequence *sequence, int marker_fd)
{
	const struct go_parameter *parameter = sequence->parameter;
	char *argv[] = { (char *)sequence->program, "-n", (char *)parameter->count, NULL };
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

/* One growth as the Go program labels it. */
struct go_step {
	size_t marker;       /* events index */
	uint64_t cap, count; /* slice capacity / map count at the growth */
	uint64_t array, bytes;
	unsigned B;
};

struct fault_figures {
	uint64_t present_pages; /* 4 KiB pages made present in the array (ptes= range overlap) */
	unsigned pte, pmd, outside;
	unsigned before_marker, before_evacuated, after_evacuated; /* go-map: when */
};

/* First-touch faults in [first, last) inside [array, array + bytes). */
static void array_faults(const struct gg_events *events, size_t first, size_t last,
			 uint64_t array, uint64_t bytes, size_t marker, size_t evacuated_at,
			 struct fault_figures *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = first; i < last; i++) {
		const struct gg_event *e = &events->events[i];
		if (!gg_is_first_touch(e))
			continue;
		if (e->fault.addr < array || e->fault.addr >= array + bytes) {
			f->outside++;
			continue;
		}
		if (i < marker)
			f->before_marker++;
		else if (i < evacuated_at)
			f->before_evacuated++;
		else
			f->after_evacuated++;
		/* the pages the fault mapped that lie in the array: a pmd block or an mTHP folio
		 * may reach past it */
		uint64_t start = e->fault.ptes_start, end = e->fault.ptes_end;
		if (start < array)
			start = array;
		if (end > array + bytes)
			end = array + bytes;
		if (end > start)
			f->present_pages += (end - start + GG_PAGE_SIZE - 1) / GG_PAGE_SIZE;
		if (e->fault.level == GG_LEVEL_PMD)
			f->pmd++;
		else
			f->pte++;
	}
}

static uint64_t map_array_bytes(unsigned B)
{
	uint64_t n = (uint64_t)1 << B;
	if (B >= 4)
		n += (uint64_t)1 << (B - 4);
	return gg_go_roundupsize(n * MAP_BUCKET_BYTES);
}

/* The steps from the program's grow markers; NULL + 0 when none, *count SIZE_MAX on failure. */
static struct go_step *collect_steps(const struct gg_events *events, enum go_kind kind,
				     size_t *count)
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
		uint64_t B = 0;
		s->marker = markers[k];
		if (kind == GO_SLICE) {
			gg_marker_value(e, "new_cap", &s->cap);
			gg_marker_value(e, "new_addr", &s->array);
			gg_marker_value(e, "bytes", &s->bytes);
		} else {
			gg_marker_value(e, "count", &s->count);
			gg_marker_value(e, "buckets", &s->array);
			gg_marker_value(e, "new_B", &B);
			s->B = (unsigned)B;
			s->bytes = map_array_bytes(s->B); /* the allocation, overflow included */
		}
	}
	free(markers);
	return steps;
}

static void go_verify(const struct gg_sequence *sequence, const struct gg_events *events,
		      struct gg_checker *checker)
{
	const struct go_parameter *parameter = sequence->parameter;
	enum go_kind kind = parameter->kind;
	size_t begin = gg_next_marker(events, 0, kind == GO_SLICE ? "go-slice begin" : "go-map begin");
	size_t end = gg_next_marker(events, begin, kind == GO_SLICE ? "go-slice end" : "go-map end");
	struct heap_layout layout;
	size_t steps = 0;
	struct go_step *step = collect_steps(events, kind, &steps);

	if (steps == SIZE_MAX || collect_layout(events, &layout)) {
		gg_check(checker, false, "out of memory");
		free(step);
		free_layout(&layout);
		return;
	}
	if (begin >= events->count || end >= events->count || steps == 0) {
		gg_check(checker, false, "markers: begin %s, end %s, %zu growth markers (did the "
			 "program reach the marker file?)", begin < events->count ? "seen" : "MISSING",
			 end < events->count ? "seen" : "MISSING", steps);
		goto out;
	}

	/* The runtime's own growth figures against the model. */
	size_t first_bad = SIZE_MAX;
	uint64_t cap = 0, count = 0;
	for (size_t k = 0; k < steps && first_bad == SIZE_MAX; k++) {
		if (kind == GO_SLICE) {
			cap = gg_go_grow_cap(GG_GO_RULES_118, cap, cap + 1, 8);
			if (step[k].cap != cap)
				first_bad = k;
		} else {
			/* new B: growth at count 9 (B 0->1), then 6.5 * 2^B + 1 */
			unsigned B = step[k].B;
			count = B == 1 ? 9 : 13 * ((uint64_t)1 << (B - 1)) / 2 + 1;
			if (B != k + 1 || step[k].count != count)
				first_bad = k;
		}
	}
	if (kind == GO_SLICE)
		gg_check(checker, first_bad == SIZE_MAX, "capacities: %zu growths, every new_cap "
			 "equals the slice-go118 model (last %" PRIu64 ")", steps,
			 step[steps - 1].cap);
	else
		gg_check(checker, first_bad == SIZE_MAX, "growths: %zu, B=1..%u at the counts of "
			 "overLoadFactor (9, then 6.5*2^B+1; last at %" PRIu64 ")", steps,
			 step[steps - 1].B, step[steps - 1].count);
	if (first_bad != SIZE_MAX)
		gg_check_detail(checker, "first mismatch: growth %zu: '%.*s' (model %s %" PRIu64
				")", first_bad + 1,
				(int)events->events[step[first_bad].marker].marker.text.len,
				events->events[step[first_bad].marker].marker.text.ptr,
				kind == GO_SLICE ? "new_cap" : "count", kind == GO_SLICE ? cap : count);

	/* Heap arenas. */
	gg_check(checker, layout.reservation_count > 0 && layout.commit_count > 0,
		 "heap: %zu arena reservations (PROT_NONE, 64 MiB multiples, at a hint), %zu sysMap "
		 "commits (MAP_FIXED RW inside them)", layout.reservation_count,
		 layout.commit_count);

	unsigned mmaps = 0;
	for (size_t i = begin; i < end; i++)
		mmaps += events->events[i].type == GG_EV_MMAP;
	bool big = steps >= BIG_RUN_STEPS;
	gg_check(checker, big ? mmaps < steps : mmaps <= steps, "mmaps while growing: %u for %zu "
		 "growth steps (must be %s: large arrays come from committed heap, not one mmap "
		 "each)", mmaps, steps, big ? "fewer" : "no more");

	/* Each large array: inside a commit, and faults within bounds. */
	unsigned large = 0, outside_heap = 0, over = 0, pte = 0, pmd = 0;
	unsigned at_grow = 0, evacuating = 0, after = 0;
	uint64_t present = 0, outside = 0;
	size_t first_outside = SIZE_MAX, first_over = SIZE_MAX;
	struct fault_figures over_figures = { 0 };
	for (size_t k = 0; k < steps; k++) {
		struct go_step *s = &step[k];
		if (s->bytes <= LARGE_OBJECT)
			continue;
		large++;
		uint64_t bytes = GG_PAGE_ROUND(s->bytes);
		if (!in_union(layout.commits, layout.commit_count, s->array, s->array + bytes) &&
		    outside_heap++ == 0)
			first_outside = k;
		/*
		 * The program labels a growth after the append/insert that made it, so the
		 * copy (growslice's memmove) or hashGrow's first evacuation faults come before
		 * the marker: the array's window runs from the previous growth's marker to the
		 * next one's. Ranges of live arrays are disjoint, so nothing is counted twice.
		 */
		size_t first = k ? step[k - 1].marker + 1 : begin + 1;
		size_t last = k + 1 < steps ? step[k + 1].marker : end;
		size_t evacuated_at = kind == GO_MAP
			? gg_next_marker(events, s->marker, "go-map evacuated") : events->count;
		struct fault_figures f;
		array_faults(events, first, last, s->array, bytes, s->marker, evacuated_at, &f);
		present += f.present_pages;
		pte += f.pte;
		pmd += f.pmd;
		outside += f.outside;
		if (f.present_pages > bytes / GG_PAGE_SIZE && over++ == 0) {
			first_over = k;
			over_figures = f;
		}
		at_grow += f.before_marker;
		evacuating += f.before_evacuated;
		after += f.after_evacuated;
	}
	gg_check(checker, outside_heap == 0, "large arrays: %u of %u inside sysMap commits",
		 large - outside_heap, large);
	if (first_outside != SIZE_MAX)
		gg_check_detail(checker, "first outside: growth %zu array 0x%" PRIx64 "+%" PRIu64,
				first_outside + 1, step[first_outside].array,
				step[first_outside].bytes);
	gg_check(checker, over == 0, "first-touch faults in new large arrays: %u pte + %u pmd "
		 "faults making %" PRIu64 " pages present; %u of %u arrays within their own pages",
		 pte, pmd, present, large - over, large);
	if (first_over != SIZE_MAX)
		gg_check_detail(checker, "first over: growth %zu array 0x%" PRIx64 "+%" PRIu64
				": %" PRIu64 " pages made present (%u pte, %u pmd), it has %" PRIu64,
				first_over + 1, step[first_over].array, step[first_over].bytes,
				over_figures.present_pages, over_figures.pte, over_figures.pmd,
				GG_PAGE_ROUND(step[first_over].bytes) / GG_PAGE_SIZE);
	gg_check_info(checker, "%u pmd-level (THP) faults in new arrays; %" PRIu64 " first-touch "
		      "faults elsewhere during large growth steps (other heap, GC, stacks)", pmd,
		      outside);
	if (kind == GO_MAP)
		gg_check_info(checker, "first-touch faults in new large bucket arrays: %u up to "
			      "the insert that grew (hashGrow), %u during evacuation (until "
			      "\"evacuated\"), %u after it", at_grow, evacuating, after);
out:
	free(step);
	free_layout(&layout);
}

const struct gg_sequence gg_seq_go_template = {
	.name = "go",
	.child = go_child,
	.verify = go_verify,
};
