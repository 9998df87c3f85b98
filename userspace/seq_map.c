// SPDX-License-Identifier: GPL-2.0
/*
 * Sequence map-hmap: a hash table with Go's pre-1.24 map rules (runtime/map.go, Go 1.19-1.23),
 * every bucket array its own anonymous mmap (NOHUGEPAGE), so the kernel shows when each array's
 * pages are first touched.
 *
 * Modelled from runtime/map.go: 8 slots per bucket (bucketCnt); a bucket of int64 keys and
 * values is 8 tophash bytes + 8 keys + 8 values + overflow pointer = 144 bytes; growth when
 * inserting a new key and not growing and overLoadFactor(count+1, B) (count > 8 && count >
 * 13 * (2^B / 2)); hashGrow makes a 2^(B+1) array (makeBucketArray: + 2^(B-4) preallocated
 * overflow buckets for B >= 4, rounded up by roundupsize) and keeps the old one; every insert
 * while growing runs growWork: evacuate the old bucket under the key, then old bucket
 * `nevacuate`; advanceEvacuationMark moves nevacuate past evacuated buckets and ends the growth
 * when it reaches the old bucket count. Not modelled: same-size growth (tooManyOverflowBuckets:
 * with this hash the overflow count stays far below 2^B) and deletion.
 *
 * Markers: "map grow B=b" at hashGrow (after the new array's mmap), "map evac B=b part=i" each
 * time nevacuate passes another sixteenth of the old array, "map evacuated B=b" when the growth
 * ends; only then is the old array munmapped. At most 18 markers per growth.
 *
 * Expected, per growth to B (MAP_KEYS keys in, so the last growth completes):
 *   1. exactly one mmap between the previous step and the grow marker, of the array's length;
 *   2. first-touch faults inside the new array: on each page of its 2^B main buckets exactly
 *      once before the next growth (evacuation and inserts fill every bucket), on no page beyond
 *      those it has (and on preallocated overflow pages at most once);
 *   3. for arrays of >= SPREAD_MIN_PAGES pages, those faults are spread: they appear in >= 2
 *      distinct steps after the grow marker (evacuation is incremental), not all at the growth;
 *   4. the old array is munmapped, with a covering tlb_flush, after the "evacuated" marker and not
 *      before it.
 */
#include "seq.h"

#include "go_rules.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAP_KEYS 65536u          /* last growth B=13->14 at count 53249, evacuated by 65536 */
#define BUCKET_SLOTS 8           /* runtime/map.go bucketCnt */
#define MIN_TOPHASH 5            /* runtime/map.go minTopHash */
#define EVACUATED_EMPTY 4        /* evacuatedX = 2, evacuatedY = 3, evacuatedEmpty = 4 */
#define EVACUATED_X 2
/*
 * Arrays this large must fill over several steps. During the first of EVAC_PARTS parts of an
 * evacuation, 2^(B-1)/16 inserts each evacuate one random old bucket into two new buckets: about
 * 1.75 touches per page of the new array, which leaves a page untouched with probability
 * e^-1.75 = 17%; from 32 pages (B >= 10) on, all pages are touched in that first part with
 * probability < 0.002. Smaller arrays may legitimately be filled within one part.
 */
#define SPREAD_MIN_PAGES 32u
#define EVAC_PARTS 16u           /* "map evac" markers per growth */

struct bucket {
	uint8_t tophash[BUCKET_SLOTS];
	int64_t keys[BUCKET_SLOTS];
	int64_t values[BUCKET_SLOTS];
	struct bucket *overflow;
};

_Static_assert(sizeof(struct bucket) == 144, "Go's bucket of map[int64]int64 is 144 bytes");

struct hmap {
	uint64_t count;
	unsigned B;
	struct bucket *buckets, *oldbuckets;
	size_t length, old_length;     /* of the mmaps */
	uint64_t nevacuate;
	struct bucket *next_overflow;  /* preallocated overflow buckets left in `buckets` */
	struct bucket *overflow_end;
	struct bucket **heap_overflow; /* overflow buckets beyond the preallocated ones */
	size_t heap_count, heap_capacity;
	unsigned evac_part;
	int marker_fd;
};

/* Bytes of a bucket array for B (makeBucketArray + roundupsize), page-rounded for mmap. */
static uint64_t array_bytes(unsigned B, uint64_t *nbuckets)
{
	uint64_t n = (uint64_t)1 << B;
	if (B >= 4)
		n += (uint64_t)1 << (B - 4);
	uint64_t bytes = gg_go_roundupsize(n * sizeof(struct bucket));
	if (nbuckets)
		*nbuckets = bytes / sizeof(struct bucket);
	return GG_PAGE_ROUND(bytes);
}

static uint64_t hash_key(int64_t key)
{
	/* splitmix64: a well-mixed hash, like Go's seeded memhash64 for the purpose here. */
	uint64_t z = (uint64_t)key + 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint8_t tophash(uint64_t hash)
{
	uint8_t top = (uint8_t)(hash >> 56);
	return top < MIN_TOPHASH ? top + MIN_TOPHASH : top;
}

static struct bucket *make_array(struct hmap *h, unsigned B, size_t *length)
{
	uint64_t nbuckets;
	*length = array_bytes(B, &nbuckets);
	struct bucket *array = mmap(NULL, *length, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (array == MAP_FAILED)
		return NULL;
	if (madvise(array, *length, MADV_NOHUGEPAGE)) {
		munmap(array, *length);
		return NULL;
	}
	h->next_overflow = array + ((uint64_t)1 << B);
	h->overflow_end = array + nbuckets;
	return array;
}

static struct bucket *new_overflow(struct hmap *h, struct bucket *b)
{
	struct bucket *overflow;
	if (h->next_overflow < h->overflow_end) {
		overflow = h->next_overflow++;
	} else {
		if (h->heap_count == h->heap_capacity) {
			size_t capacity = h->heap_capacity ? 2 * h->heap_capacity : 64;
			struct bucket **more = realloc(h->heap_overflow, capacity * sizeof(*more));
			if (!more)
				return NULL;
			h->heap_overflow = more;
			h->heap_capacity = capacity;
		}
		overflow = calloc(1, sizeof(*overflow));
		if (!overflow)
			return NULL;
		h->heap_overflow[h->heap_count++] = overflow;
	}
	b->overflow = overflow;
	return overflow;
}

static bool evacuated(const struct bucket *b)
{
	return b->tophash[0] >= EVACUATED_X && b->tophash[0] <= EVACUATED_EMPTY;
}

static int evacuate(struct hmap *h, uint64_t oldbucket)
{
	uint64_t newbit = (uint64_t)1 << (h->B - 1);
	struct bucket *b = h->oldbuckets + oldbucket;
	if (!evacuated(b)) {
		struct bucket *dst[2] = { h->buckets + oldbucket, h->buckets + oldbucket + newbit };
		unsigned used[2] = { 0, 0 };
		for (; b; b = b->overflow) {
			for (unsigned i = 0; i < BUCKET_SLOTS; i++) {
				if (b->tophash[i] == 0) {
					b->tophash[i] = EVACUATED_EMPTY;
					continue;
				}
				uint64_t hash = hash_key(b->keys[i]);
				unsigned y = (hash & newbit) != 0;
				if (used[y] == BUCKET_SLOTS) {
					dst[y] = new_overflow(h, dst[y]);
					if (!dst[y])
						return -1;
					used[y] = 0;
				}
				dst[y]->tophash[used[y]] = b->tophash[i];
				dst[y]->keys[used[y]] = b->keys[i];
				dst[y]->values[used[y]] = b->values[i];
				used[y]++;
				b->tophash[i] = (uint8_t)(EVACUATED_X + y);
			}
		}
	}
	if (oldbucket == h->nevacuate) {
		/* advanceEvacuationMark: at most 1024 buckets past, like Go. */
		uint64_t stop = ++h->nevacuate + 1024;
		if (stop > newbit)
			stop = newbit;
		while (h->nevacuate != stop && evacuated(h->oldbuckets + h->nevacuate))
			h->nevacuate++;
	}
	return 0;
}

static int grow_work(struct hmap *h, uint64_t bucket)
{
	uint64_t newbit = (uint64_t)1 << (h->B - 1);
	if (evacuate(h, bucket & (newbit - 1)))
		return -1;
	if (h->oldbuckets && h->nevacuate < newbit && evacuate(h, h->nevacuate))
		return -1;
	return 0;
}

/* After each insert: label evacuation progress; at its end, label it and unmap the old array. */
static int after_insert(struct hmap *h)
{
	if (!h->oldbuckets)
		return 0;
	uint64_t newbit = (uint64_t)1 << (h->B - 1);
	if (h->nevacuate >= newbit) {
		gg_mark(h->marker_fd, "map evacuated B=%u count=%" PRIu64 " old=0x%" PRIxPTR, h->B, h->count,
			(uintptr_t)h->oldbuckets);
		if (munmap(h->oldbuckets, h->old_length))
			return -1;
		h->oldbuckets = NULL;
		return 0;
	}
	unsigned part = (unsigned)(h->nevacuate * EVAC_PARTS / newbit);
	if (part > h->evac_part) {
		h->evac_part = part;
		gg_mark(h->marker_fd, "map evac B=%u part=%u nevacuate=%" PRIu64 " count=%" PRIu64,
			h->B, part, h->nevacuate, h->count);
	}
	return 0;
}

static int insert(struct hmap *h, int64_t key, int64_t value)
{
	uint64_t hash = hash_key(key);
	uint8_t top = tophash(hash);
again:;
	uint64_t bucket = hash & (((uint64_t)1 << h->B) - 1);
	if (h->oldbuckets && grow_work(h, bucket))
		return -1;
	struct bucket *b = h->buckets + bucket, *free_bucket = NULL;
	unsigned free_slot = 0;
	for (;;) {
		for (unsigned i = 0; i < BUCKET_SLOTS; i++) {
			if (b->tophash[i] == 0) {
				if (!free_bucket) {
					free_bucket = b;
					free_slot = i;
				}
				continue;
			}
			if (b->tophash[i] == top && b->keys[i] == key) {
				b->values[i] = value;
				return 0;
			}
		}
		if (!b->overflow)
			break;
		b = b->overflow;
	}
	/* overLoadFactor(count+1, B): grow only for a new key, and not while growing. */
	uint64_t next = h->count + 1;
	if (!h->oldbuckets && next > BUCKET_SLOTS && next > 13 * (((uint64_t)1 << h->B) / 2)) {
		size_t length;
		struct bucket *array = make_array(h, h->B + 1, &length);
		if (!array)
			return -1;
		h->oldbuckets = h->buckets;
		h->old_length = h->length;
		h->buckets = array;
		h->length = length;
		h->B++;
		h->nevacuate = 0;
		h->evac_part = 0;
		gg_mark(h->marker_fd, "map grow B=%u count=%" PRIu64 " buckets=0x%" PRIxPTR " bytes=%zu old=0x%"
			PRIxPTR, h->B, h->count, (uintptr_t)array, length, (uintptr_t)h->oldbuckets);
		goto again;
	}
	if (!free_bucket) {
		free_bucket = new_overflow(h, b);
		if (!free_bucket)
			return -1;
		free_slot = 0;
	}
	free_bucket->tophash[free_slot] = top;
	free_bucket->keys[free_slot] = key;
	free_bucket->values[free_slot] = value;
	h->count++;
	return 0;
}

static int map_child(const struct gg_sequence *sequence, int marker_fd)
{
	struct hmap h = { .marker_fd = marker_fd };
	int status = 0;
	(void)sequence;

	gg_mark(marker_fd, "map begin keys=%u bucket_bytes=%zu", MAP_KEYS, sizeof(struct bucket));
	/* Go allocates the first bucket array (B = 0) at the first insert (makemap_small). */
	h.buckets = make_array(&h, 0, &h.length);
	if (!h.buckets)
		return 1;
	gg_mark(marker_fd, "map grow B=0 count=0 buckets=0x%" PRIxPTR " bytes=%zu old=0x0",
		(uintptr_t)h.buckets, h.length);
	for (uint64_t i = 0; i < MAP_KEYS && status == 0; i++)
		if (insert(&h, (int64_t)i, (int64_t)i) || after_insert(&h))
			status = 1;
	gg_mark(marker_fd, "map end count=%" PRIu64 " B=%u", h.count, h.B);
	for (size_t i = 0; i < h.heap_count; i++)
		free(h.heap_overflow[i]);
	free(h.heap_overflow);
	return status;
}

/* ---- verification ---- */

static void map_verify(const struct gg_sequence *sequence, const struct gg_events *events,
		       struct gg_checker *checker)
{
	size_t grows = 0;
	size_t *grow = gg_find_markers(events, "map grow ", &grows);
	size_t end = gg_next_marker(events, 0, "map end ");
	unsigned char *seen = NULL;
	(void)sequence;

	if (grows == SIZE_MAX) {
		gg_check(checker, false, "out of memory");
		return;
	}
	/* The model: growth to B happens at count 6.5 * 2^(B-1) + 1 while keys remain. */
	unsigned expected_grows = 1; /* B = 0 */
	for (unsigned B = 0; MAP_KEYS > 13 * (((uint64_t)1 << B) / 2) && MAP_KEYS > 8; B++)
		expected_grows++;
	gg_check(checker, grows == expected_grows && end < events->count,
		 "growths: %zu marked (B=0..%zu), model %u%s", grows, grows ? grows - 1 : 0,
		 expected_grows, end < events->count ? "" : ", end marker missing");
	if (grows != expected_grows || end >= events->count)
		goto out;

	unsigned bad_mmap = 0, bad_pages = 0, bad_spread = 0, bad_unmap = 0, spread_checked = 0;
	unsigned min_steps = UINT32_MAX;
	size_t first_bad_mmap = 0, first_bad_pages = 0, first_bad_spread = 0, first_bad_unmap = 0;
	char pages_why[160] = "", unmap_why[160] = "", spread_why[160] = "";
	uint64_t total_faults = 0;
	size_t previous = gg_next_marker(events, 0, "map begin ");
	for (size_t k = 0; k < grows; k++) {
		const struct gg_event *marker = &events->events[grow[k]];
		uint64_t B, array, bytes, old;
		if (gg_marker_value(marker, "B", &B) || gg_marker_value(marker, "buckets", &array) ||
		    gg_marker_value(marker, "bytes", &bytes) || gg_marker_value(marker, "old", &old)) {
			gg_check(checker, false, "step %zu: malformed marker", k);
			goto out;
		}
		uint64_t expected_bytes = array_bytes((unsigned)B, NULL);
		/* 1. one mmap of the array, between the previous marker and this one */
		unsigned mmaps = 0;
		bool right = false;
		for (size_t i = previous; i < grow[k]; i++) {
			const struct gg_event *e = &events->events[i];
			if (e->type != GG_EV_MMAP)
				continue;
			mmaps++;
			right |= !e->mmap.ret.failed && e->mmap.ret.value == array &&
				 e->mmap.len == expected_bytes;
		}
		if ((mmaps != 1 || !right || bytes != expected_bytes) && bad_mmap++ == 0)
			first_bad_mmap = k;

		/* 2 + 3. faults in the new array until the next growth, by step */
		size_t stop = k + 1 < grows ? grow[k + 1] : end;
		uint64_t main_pages = GG_PAGE_ROUND(((uint64_t)1 << B) * sizeof(struct bucket)) /
				      GG_PAGE_SIZE;
		uint64_t all_pages = bytes / GG_PAGE_SIZE;
		free(seen);
		seen = calloc(all_pages + 1, 1);
		if (!seen) {
			gg_check(checker, false, "out of memory");
			goto out;
		}
		unsigned repeated = 0, steps_with_faults = 0, in_grow_step = 0;
		uint64_t faulted = 0, step_faults = 0;
		bool in_first_step = true;
		size_t evacuated_at = events->count;
		for (size_t i = grow[k] + 1; i < stop; i++) {
			const struct gg_event *e = &events->events[i];
			if (e->type == GG_EV_MARKER) {
				steps_with_faults += step_faults > 0;
				step_faults = 0;
				in_first_step = false;
				if (gg_is_marker(e, "map evacuated "))
					evacuated_at = i;
				continue;
			}
			if (!gg_is_first_touch(e) || e->fault.addr < array ||
			    e->fault.addr >= array + bytes)
				continue;
			uint64_t page = (e->fault.addr - array) / GG_PAGE_SIZE;
			if (seen[page]++) {
				repeated++;
				continue;
			}
			faulted++;
			step_faults++;
			in_grow_step += in_first_step;
		}
		steps_with_faults += step_faults > 0;
		total_faults += faulted;
		uint64_t main_faulted = 0;
		for (uint64_t p = 0; p < main_pages && p < all_pages; p++)
			main_faulted += seen[p] != 0;
		if ((main_faulted != main_pages || repeated) && bad_pages++ == 0) {
			first_bad_pages = k;
			snprintf(pages_why, sizeof(pages_why), "array 0x%" PRIx64 ": %" PRIu64 " of %"
				 PRIu64 " main-bucket pages first-touched, %u pages touched twice",
				 array, main_faulted, main_pages, repeated);
		}
		if (main_pages >= SPREAD_MIN_PAGES) {
			spread_checked++;
			if (steps_with_faults < min_steps)
				min_steps = steps_with_faults;
			if ((steps_with_faults < 2 || in_grow_step == faulted) && bad_spread++ == 0) {
				first_bad_spread = k;
				snprintf(spread_why, sizeof(spread_why), "%" PRIu64 " pages first-"
					 "touched in %u steps, %u of them at the growth step",
					 faulted, steps_with_faults, in_grow_step);
			}
		}

		/* 4. the old array's munmap and flush: after "evacuated", never before */
		if (old) {
			uint64_t old_bytes = array_bytes((unsigned)B - 1, NULL);
			bool early = false, unmapped = false, flushed = false;
			for (size_t i = grow[k] + 1; i < stop; i++) {
				const struct gg_event *e = &events->events[i];
				if (e->type == GG_EV_MUNMAP && e->munmap.addr == old) {
					if (i < evacuated_at)
						early = true;
					else
						unmapped = !e->munmap.ret.failed;
				}
				if (i > evacuated_at &&
				    gg_flush_covers(e, old, old + old_bytes))
					flushed = true;
			}
			if ((early || !unmapped || !flushed || evacuated_at == events->count) &&
			    bad_unmap++ == 0) {
				first_bad_unmap = k;
				snprintf(unmap_why, sizeof(unmap_why), "old array 0x%" PRIx64
					 ": evacuated marker %s, munmap %s, covering flush %s", old,
					 evacuated_at < events->count ? "seen" : "missing",
					 early ? "BEFORE evacuation ended"
					       : unmapped ? "after evacuation" : "missing",
					 flushed ? "seen" : "missing");
			}
		}
		previous = grow[k] + 1;
	}
	gg_check(checker, bad_mmap == 0, "mmaps: %zu growths, %zu with exactly one mmap of the "
		 "bucket array's length before its grow marker", grows, grows - bad_mmap);
	if (bad_mmap)
		gg_check_detail(checker, "first bad: growth %zu (marker '%.*s')", first_bad_mmap,
				(int)events->events[grow[first_bad_mmap]].marker.text.len,
				events->events[grow[first_bad_mmap]].marker.text.ptr);
	gg_check(checker, bad_pages == 0, "faults: %" PRIu64 " first-touch pages in the bucket "
		 "arrays; %zu of %zu arrays with every main-bucket page first-touched exactly once", total_faults, grows - bad_pages, grows);
	if (bad_pages)
		gg_check_detail(checker, "first bad: growth %zu: %s", first_bad_pages, pages_why);
	gg_check(checker, spread_checked > 0 && bad_spread == 0, "incremental evacuation: %u of "
		 "%u arrays of >= %u pages first-touched over >= 2 steps after the growth (fewest: "
		 "%u steps)", spread_checked - bad_spread, spread_checked, SPREAD_MIN_PAGES,
		 spread_checked ? min_steps : 0);
	if (bad_spread)
		gg_check_detail(checker, "first bad: growth %zu: %s", first_bad_spread, spread_why);
	gg_check(checker, bad_unmap == 0, "old arrays: %zu of %zu munmapped with a covering "
		 "tlb_flush only after evacuation completed", grows - 1 - bad_unmap, grows - 1);
	if (bad_unmap)
		gg_check_detail(checker, "first bad: growth %zu: %s", first_bad_unmap, unmap_why);
out:
	free(seen);
	free(grow);
}

const struct gg_sequence gg_seq_map_hmap = {
	.name = "map-hmap",
	.summary = "Go <= 1.23 hmap rules, incremental evacuation, mmap'd bucket arrays",
	.child = map_child,
	.verify = map_verify,
};
