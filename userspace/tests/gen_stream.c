// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic generator of a realistic gogrowth event stream, for `make bench-reader`.
 * Usage: gen_stream [LINES]   (default 1000000; at least that many lines are written)
 *
 * Shaped like a real recording of a Go map growing on the Debian 6.1 guest (see
 * Documentation/ABI.md): an exec prelude with the binary's mmaps, Go's arena reservation and
 * MAP_FIXED heap pieces, about 40 growth steps delimited by markers (later steps longer), and in
 * every step a mix of faults (mostly ro->rw-cow of the zero page, each followed by a one-page
 * tlb_flush, plus none->present at pte and pmd level, reads, kernel and gup faults, a few
 * per-VMA-lock retries), ranged and whole-mm flushes, anonymous mmaps and, now and then, a
 * `lost` record with the matching gap in seq.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned percent(void)
{
	return (unsigned)(rng() % 100);
}

static uint64_t seq, ts = 4201439762u, lines;
static unsigned cpu, tid;
static const unsigned pid = 114;
static const char *const root = "cr3=0x4ab82000 pgd=0x4ab82000";
static uint64_t pfn = 0x4400;

static void prefix(void)
{
	seq++;
	ts += 9000 + rng() % 40000;
	if (percent() < 2)
		cpu = (unsigned)(rng() % 4);
	if (percent() < 3)
		tid = pid + (unsigned)(rng() % 5);
	printf("seq=%" PRIu64 " ts=%" PRIu64 " cpu=%u pid=%u tid=%u %s ", seq, ts, cpu, pid, tid,
	       root);
	lines++;
}

static void mmap_line(uint64_t addr, uint64_t len, unsigned prot, unsigned flags, uint64_t ret,
		      const char *file, unsigned pgoff)
{
	prefix();
	printf("ev=mmap addr=0x%" PRIx64 " len=%" PRIu64 " prot=0x%x flags=0x%x pgoff=%u ", addr,
	       len, prot, flags, pgoff);
	if (file)
		printf("anon=0 file=%s ret=0x%" PRIx64 "\n", file, ret);
	else
		printf("anon=1 ret=0x%" PRIx64 "\n", ret);
}

static void tlb_line(uint64_t start, uint64_t pages, int freed)
{
	prefix();
	if (pages == 0)
		printf("ev=tlb_flush start=0x0 end=0xffffffffffffffff stride=12 pages=all freed=1\n");
	else
		printf("ev=tlb_flush start=0x%" PRIx64 " end=0x%" PRIx64
		       " stride=12 pages=%" PRIu64 " freed=%d\n",
		       start, start + (pages << 12), pages, freed);
}

static void fault_line(uint64_t addr, uint64_t ip, const char *access, const char *origin,
		       const char *lock, const char *level, uint64_t old, uint64_t new_entry,
		       const char *old_flags, const char *new_flags, uint64_t old_pfn,
		       uint64_t new_pfn, const char *trans, const char *result, unsigned vmf,
		       int node, unsigned fflags)
{
	uint64_t size = strcmp(level, "pmd") == 0 ? UINT64_C(1) << 21 : UINT64_C(1) << 12;
	uint64_t start = addr & ~(size - 1);
	unsigned ptes = old != new_entry;

	prefix();
	printf("ev=fault addr=0x%" PRIx64 " ip=0x%" PRIx64 " access=%s origin=%s lock=%s level=%s "
	       "old=0x%" PRIx64 " new=0x%" PRIx64 " old_flags=%s new_flags=%s old_pfn=0x%" PRIx64
	       " new_pfn=0x%" PRIx64 " trans=%s result=%s vmf=0x%x node=%d fflags=0x%x"
	       " ptes=%u ptes_start=0x%" PRIx64 " ptes_end=0x%" PRIx64 "\n",
	       addr, ip, access, origin, lock, level, old, new_entry, old_flags, new_flags, old_pfn,
	       new_pfn, trans, result, vmf, node, fflags, ptes, ptes ? start : 0,
	       ptes ? start + size : 0);
}

static const uint64_t user_ips[] = { 0x40f01d, 0x40f01d, 0x40f01d, 0x46d84c, 0x463cf1,
				     0x4a7791, 0x42db57 };

/* One fault somewhere in the heap [heap, heap_end), with its tlb_flush when it replaced a PFN. */
static void heap_fault(uint64_t heap, uint64_t heap_end)
{
	uint64_t addr = heap + (rng() % (heap_end - heap) & ~UINT64_C(0x3f));
	uint64_t page = addr & ~UINT64_C(0xfff);
	uint64_t ip = user_ips[rng() % (sizeof(user_ips) / sizeof(user_ips[0]))];
	unsigned p = percent();
	const char *lock = percent() < 10 ? "vma" : "mmap";
	pfn++;
	if (p < 62) { /* write to a page that maps the zero page: copy-on-write, then a flush */
		fault_line(addr, ip, "write", "user", lock, "pte", UINT64_C(0x8000000049910225),
			   UINT64_C(0x8000000000000867) | pfn << 12, "P-UA-N-", "PWUADN-",
			   0x49910, pfn, "ro->rw-cow", "minor", 0x8, 0, 0x255);
		tlb_line(page, 1, 0);
	} else if (p < 86) {
		fault_line(addr, ip, "write", "user", lock, "pte", 0,
			   UINT64_C(0x8000000000000867) | pfn << 12, "-------", "PWUADN-", 0, pfn,
			   "none->present", "minor", 0, 0, 0x255);
	} else if (p < 90) { /* read: the zero page */
		fault_line(addr, ip, "read", "user", lock, "pte", 0, UINT64_C(0x8000000049910225),
			   "-------", "P-UA-N-", 0, 0x49910, "none->present", "minor", 0, 0,
			   0x254);
	} else if (p < 93) { /* a transparent huge page */
		uint64_t huge = addr & ~UINT64_C(0x1fffff);
		fault_line(huge, ip, "write", "user", lock, "pmd", 0,
			   UINT64_C(0x80000000000008e7) | (pfn << 21), "-------", "PWUADNH", 0,
			   pfn << 9, "none->present", "minor", 0, 0, 0x255);
	} else if (p < 95) { /* per-VMA lock gave up: the retry under mmap_lock follows */
		fault_line(addr, ip, "write", "user", "vma", "none", 0, 0, "-------", "-------", 0,
			   0, "none->none", "retry", 0x400, -1, 0x1255);
		fault_line(addr, ip, "write", "user", "mmap", "pte", 0,
			   UINT64_C(0x8000000000000867) | pfn << 12, "-------", "PWUADN-", 0, pfn,
			   "none->present", "minor", 0, 0, 0x1275);
	} else if (p < 97) { /* the kernel writes to user memory */
		fault_line(addr, UINT64_C(0xffffffff931fa1b2), "write", "kernel", "mmap", "pte",
			   UINT64_C(0x8000000003a51845), UINT64_C(0x8000000003a51867), "P-U-DN-",
			   "PWUADN-", 0x3a51, 0x3a51, "ro->rw", "minor", 0x8, 0, 0x215);
	} else if (p < 98) {
		fault_line(addr, 0, "write", "gup", "mmap", "pte", 0,
			   UINT64_C(0x8000000000000867) | pfn << 12, "-------", "PWUADN-", 0, pfn,
			   "none->present", "minor", 0, 0, 0x1);
	} else { /* an access that hits an already present entry */
		fault_line(addr, ip, "read", "user", lock, "pte", UINT64_C(0x8000000003a51825),
			   UINT64_C(0x8000000003a51825), "P-UA-N-", "P-UA-N-", 0x3a51, 0x3a51,
			   "present->present", "minor", 0, 0, 0x254);
	}
}

int main(int argc, char **argv)
{
	uint64_t target = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	const unsigned steps = 40;
	uint64_t heap = UINT64_C(0xc000000000), heap_end = heap + (4u << 20);
	uint64_t anon = UINT64_C(0x7f1ddcdb6000);

	tid = pid;

	/* exec prelude */
	prefix();
	printf("ev=exec filename=./go-map-1.23\n");
	mmap_line(0x400000, 688128, 0x5, 0x100002, 0x400000, "go-map-1.23", 0);
	mmap_line(0x4a8000, 839680, 0x1, 0x12, 0x4a8000, "go-map-1.23", 168);
	mmap_line(0x575000, 45056, 0x3, 0x12, 0x575000, "go-map-1.23", 373);
	for (uint64_t a = 0x401000; a < 0x420000; a += 0x3000)
		fault_line(a + 0x5a0, a + 0x5a0, "exec", "user", "mmap", "pte", 0,
			   0x3641025 + (a >> 12 << 12), "-------", "P-UA---", 0,
			   0x3641 + (a >> 12), "none->present", "minor", 0x100, 0, 0x354);
	for (unsigned i = 0; i < 6; i++) {
		anon -= UINT64_C(0x20000) << i;
		mmap_line(0, UINT64_C(0x20000) << i, 0, 0x22, anon, NULL, 0);
	}
	mmap_line(heap, 67108864, 0, 0x22, heap, NULL, 0);
	mmap_line(heap, 4194304, 3, 0x32, heap, NULL, 0);

	/* steps grow by 1.1x: weights 1.1^k, scaled so the total reaches the target */
	double weight = 1, total_weight = 0;
	for (unsigned k = 0; k < steps; k++, weight *= 1.1)
		total_weight += weight;
	weight = 1;
	uint64_t count = 9;
	for (unsigned k = 0; k < steps; k++, weight *= 1.1) {
		uint64_t step_lines = (uint64_t)((double)target * weight / total_weight) + 1;
		uint64_t step_end = lines + step_lines;
		prefix();
		printf("ev=marker text=go-map grow count=%" PRIu64 " old_B=%u new_B=%u "
		       "buckets=0x%" PRIx64 " oldbuckets=0x0 bucket_bytes=%u\n",
		       count, k, k + 1, heap + (UINT64_C(0x4000) << k % 12), 144u << (k % 20));
		count = count * 2 + 1;
		while (lines < step_end) {
			unsigned p = (unsigned)(rng() % 100000);
			if (p < 5) { /* the heap grows by a MAP_FIXED piece */
				mmap_line(heap_end, 4194304, 3, 0x32, heap_end, NULL, 0);
				heap_end += 4194304;
			} else if (p < 105) {
				tlb_line(heap + (rng() % ((heap_end - heap) >> 21) << 21), 512, 1);
			} else if (p < 115) {
				anon -= 0x40000;
				mmap_line(0, 262144, 3, 0x22, anon, NULL, 0);
			} else if (p < 117) {
				tlb_line(0, 0, 1);
			} else if (p < 130) {
				unsigned lost = 1 + (unsigned)(rng() % 40);
				seq += lost;
				seq++;
				ts += 1000;
				printf("seq=%" PRIu64 " ts=%" PRIu64
				       " cpu=%u pid=0 tid=0 cr3=0x0 pgd=0x0 ev=lost count=%u\n",
				       seq, ts, cpu, lost);
				lines++;
			} else {
				heap_fault(heap, heap_end);
			}
		}
	}
	prefix();
	printf("ev=tlb_flush start=0x0 end=0xffffffffffffffff stride=12 pages=all freed=1\n");
	prefix();
	printf("ev=exit code=0 group_dead=1\n");
	return ferror(stdout) ? 1 : 0;
}
