// SPDX-License-Identifier: GPL-2.0
/*
 * Faults that map many pages at once are recorded as what they are: a
 * multi-size THP fault (6.8+) sets every entry of its folio, a pmd THP
 * fault one huge entry, and a file read fault maps its fault-around
 * window. Each fault's ptes= must say how many entries it set and
 * ptes_start=/ptes_end= where, and /proc/self/pagemap must agree page by
 * page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

#define THP_DIR "/sys/kernel/mm/transparent_hugepage"
#define REGION_SIZE (1UL << 20)
#define HUGE_SIZE (2UL << 20)
#define MAX_SIZES 16

/* One fault line's figures. */
struct fault {
	uintptr_t addr, start, end;
	uint64_t pfn;
	int64_t ptes;
	char level[8];
};

/* The completed faults in [lo, hi) between the two markers. */
static size_t region_faults(const struct gg_events *ev, const char *from, const char *to,
			    uintptr_t lo, uintptr_t hi, struct fault *out, size_t max)
{
	long begin = gg_events_marker(ev, from), end = gg_events_marker(ev, to), i;
	size_t n = 0;

	if (begin < 0 || end < begin)
		return 0;
	for (i = begin; (i = gg_events_find(ev, i, "fault")) >= 0 && i < end;) {
		const char *line = ev->line[i];
		int64_t addr, start, stop, pfn, ptes;

		if (!gg_line_num(line, "addr", &addr) || (uintptr_t)addr < lo ||
		    (uintptr_t)addr >= hi)
			continue;
		if (!gg_line_num(line, "ptes", &ptes) || !gg_line_num(line, "ptes_start", &start) ||
		    !gg_line_num(line, "ptes_end", &stop) || !gg_line_num(line, "new_pfn", &pfn))
			ptes = -1; /* no ptes= keys: the checks below fail on it */
		/* A retried first half sets nothing; its ptes= says 0. */
		if (ptes == 0 && gg_fault_is_retry(line))
			continue;
		if (n == max)
			return max + 1;
		out[n].addr = (uintptr_t)addr;
		out[n].start = ptes < 0 ? 0 : (uintptr_t)start;
		out[n].end = ptes < 0 ? 0 : (uintptr_t)stop;
		out[n].pfn = ptes < 0 ? 0 : (uint64_t)pfn;
		out[n].ptes = ptes;
		if (!gg_line_value(line, "level", out[n].level, sizeof(out[n].level)))
			out[n].level[0] = '\0';
		n++;
	}
	return n;
}

static int sysfs_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int sysfs_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -errno;
}

/* The bracketed choice of a THP "enabled" file, e.g. "never". */
static int thp_mode(const char *path, char *mode, size_t size)
{
	char buf[128], *open_br, *close_br;

	if (sysfs_read(path, buf, sizeof(buf)))
		return -1;
	open_br = strchr(buf, '[');
	close_br = open_br ? strchr(open_br, ']') : NULL;
	if (!close_br || (size_t)(close_br - open_br) > size)
		return -1;
	snprintf(mode, size, "%.*s", (int)(close_br - open_br - 1), open_br + 1);
	return 0;
}

static uint64_t stat_counter(const char *path)
{
	char buf[64];

	return sysfs_read(path, buf, sizeof(buf)) ? UINT64_MAX : strtoull(buf, NULL, 10);
}

/* A @size region aligned to @align, in a mapping twice its size. */
static char *map_aligned(size_t size, size_t align, void **base, size_t *base_len)
{
	char *p;

	*base_len = size + align;
	p = mmap(NULL, *base_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	return (char *)(((uintptr_t)p + align - 1) & ~(align - 1));
}

/* The THP settings found, to restore them. */
struct thp_saved {
	char top_mode[16];
	int nr_sizes;
	unsigned long size_kb[MAX_SIZES];
	char mode[MAX_SIZES][16];
};

FIXTURE(thp_sizes)
{
	struct gg_events ev;
	struct thp_saved thp;
	void *base;
	size_t base_len;
};

static void thp_enabled_path(char *path, size_t size, unsigned long kb)
{
	snprintf(path, size, THP_DIR "/hugepages-%lukB/enabled", kb);
}

/* Every size "never" but @kb (0: none), which is "always". */
static int thp_only(const struct thp_saved *thp, unsigned long kb)
{
	char path[128];
	int i;

	for (i = 0; i < thp->nr_sizes; i++) {
		thp_enabled_path(path, sizeof(path), thp->size_kb[i]);
		if (sysfs_write(path, thp->size_kb[i] == kb ? "always" : "never"))
			return -1;
	}
	return sysfs_write(THP_DIR "/enabled", "always");
}

FIXTURE_SETUP(thp_sizes)
{
	static const unsigned long sizes[] = { 16, 32, 64, 128, 256, 512, 1024, 2048 };
	char params[32], path[128];
	unsigned int i;

	struct thp_saved *thp = &self->thp;

	memset(&self->ev, 0, sizeof(self->ev));
	self->base = NULL;
	thp->nr_sizes = 0;
	if (thp_mode(THP_DIR "/enabled", thp->top_mode, sizeof(thp->top_mode)))
		thp->top_mode[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		thp_enabled_path(path, sizeof(path), sizes[i]);
		if (thp_mode(path, thp->mode[thp->nr_sizes], sizeof(thp->mode[0])) == 0)
			thp->size_kb[thp->nr_sizes++] = sizes[i];
	}
	/* Fresh folios of every order are easier to find after compaction. */
	sysfs_write("/proc/sys/vm/compact_memory", "1");
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
	snprintf(params, sizeof(params), "pid=%d", getpid());
	ASSERT_EQ(0, gg_load(params));
}

FIXTURE_TEARDOWN(thp_sizes)
{
	char path[128];
	int i;

	for (i = 0; i < self->thp.nr_sizes; i++) {
		thp_enabled_path(path, sizeof(path), self->thp.size_kb[i]);
		sysfs_write(path, self->thp.mode[i]);
	}
	if (self->thp.top_mode[0])
		sysfs_write(THP_DIR "/enabled", self->thp.top_mode);
	if (self->base)
		munmap(self->base, self->base_len);
	gg_events_free(&self->ev);
	gg_unload();
}

FIXTURE_VARIANT(thp_sizes)
{
	unsigned long folio_kb;
};

FIXTURE_VARIANT_ADD(thp_sizes, mthp_32k) { .folio_kb = 32 };
FIXTURE_VARIANT_ADD(thp_sizes, mthp_64k) { .folio_kb = 64 };
FIXTURE_VARIANT_ADD(thp_sizes, pmd_2m) { .folio_kb = 2048 };

/* A 2 MiB THP: one pmd entry, ptes=1, its range the whole block. */
static void pmd_fault_is_one_entry_over_its_block(struct __test_metadata *_metadata,
						  const struct thp_saved *thp,
						  struct gg_events *ev, void **base,
						  size_t *base_len)
{
	struct fault faults[8];
	char path[128];
	size_t n, i, bad_pfn = 0;
	bool per_size;
	char *p;
	int ret;

	/* 6.8+ has a knob per size; before, the top-level one is the 2 MiB one. */
	thp_enabled_path(path, sizeof(path), 2048);
	per_size = access(path, F_OK) == 0;
	ret = per_size ? thp_only(thp, 2048) : sysfs_write(THP_DIR "/enabled", "always");
	if (ret && !per_size)
		SKIP(return, "transparent huge pages cannot be enabled in this kernel");
	ASSERT_EQ(0, ret);
	p = map_aligned(HUGE_SIZE, HUGE_SIZE, base, base_len);
	ASSERT_NE(NULL, p);
	/* With defrag=madvise, only a madvised fault compacts to find a huge page. */
	ASSERT_EQ(0, madvise(p, HUGE_SIZE, MADV_HUGEPAGE));
	ASSERT_EQ(0, gg_marker("pmd-begin"));
	gg_touch(p, HUGE_SIZE / GG_PAGE_SIZE, 1);
	ASSERT_EQ(0, gg_marker("pmd-end"));

	ASSERT_TRUE(gg_events_read(ev));
	n = region_faults(ev, "pmd-begin", "pmd-end", (uintptr_t)p,
			  (uintptr_t)p + HUGE_SIZE, faults, 8);
	ASSERT_EQ(1, n) TH_LOG("%zu faults in the 2 MiB region: no huge page?", n);
	EXPECT_STREQ("pmd", faults[0].level);
	EXPECT_EQ(1, faults[0].ptes);
	EXPECT_EQ((uintptr_t)p, faults[0].start);
	EXPECT_EQ((uintptr_t)p + HUGE_SIZE, faults[0].end);
	for (i = 0; i < HUGE_SIZE / GG_PAGE_SIZE; i++)
		if (gg_pagemap_pfn(p + i * GG_PAGE_SIZE) != faults[0].pfn + i)
			bad_pfn++;
	EXPECT_EQ(0, bad_pfn);
}

/*
 * One byte written per 4 KiB page of a 1 MiB region with only @folio_kb
 * folios enabled: every fault maps one folio, so the ptes= of the faults
 * sum to the 256 pages, each fault's range is its folio, and the PFN of
 * every page is its folio's first PFN plus its offset. A 2 MiB folio is
 * one pmd entry instead.
 */
TEST_F(thp_sizes, fault_maps_whole_folio)
{
	const unsigned long per_folio = variant->folio_kb * 1024 / GG_PAGE_SIZE;
	const size_t pages = REGION_SIZE / GG_PAGE_SIZE;
	struct fault faults[300];
	uint64_t alloc_before, alloc_after, sum = 0;
	char path[128];
	size_t n, k, i, whole = 0, bad_pfn = 0;
	char *p;

	if (variant->folio_kb == HUGE_SIZE / 1024) {
		pmd_fault_is_one_entry_over_its_block(_metadata, &self->thp, &self->ev,
						      &self->base, &self->base_len);
		return;
	}
	thp_enabled_path(path, sizeof(path), variant->folio_kb);
	if (access(path, F_OK))
		SKIP(return, "no %lu KiB multi-size THP in this kernel (6.8+)", variant->folio_kb);
	ASSERT_EQ(0, thp_only(&self->thp, variant->folio_kb));
	snprintf(path, sizeof(path), THP_DIR "/hugepages-%lukB/stats/anon_fault_alloc",
		 variant->folio_kb);
	alloc_before = stat_counter(path);

	p = map_aligned(REGION_SIZE, REGION_SIZE, &self->base, &self->base_len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, gg_marker("mthp-begin"));
	gg_touch(p, pages, 1);
	ASSERT_EQ(0, gg_marker("mthp-end"));
	alloc_after = stat_counter(path);

	ASSERT_TRUE(gg_events_read(&self->ev));
	n = region_faults(&self->ev, "mthp-begin", "mthp-end", (uintptr_t)p,
			  (uintptr_t)p + REGION_SIZE, faults, 300);
	ASSERT_GT(n, 0);
	ASSERT_LE(n, pages);
	for (k = 0; k < n; k++) {
		ASSERT_GE(faults[k].ptes, 0) TH_LOG("a fault line without ptes=");
		sum += (uint64_t)faults[k].ptes;
		if ((uint64_t)faults[k].ptes == per_folio &&
		    faults[k].end - faults[k].start == per_folio * GG_PAGE_SIZE &&
		    faults[k].start % (per_folio * GG_PAGE_SIZE) == 0)
			whole++;
		EXPECT_TRUE(faults[k].addr >= faults[k].start && faults[k].addr < faults[k].end);
		EXPECT_STREQ("pte", faults[k].level);
	}
	EXPECT_EQ(pages, sum);
	/*
	 * The kernel's own count of folios it allocated on faults, when it
	 * keeps one (6.9+). It counts every process's faults, this one's
	 * stack included (the 6.12 debug kernel once counted 33 for 32), so it
	 * bounds the whole folios seen from above.
	 */
	if (alloc_before != UINT64_MAX && alloc_after != UINT64_MAX) {
		ASSERT_GT(alloc_after - alloc_before, 0)
			TH_LOG("the kernel allocated no %lu KiB folio", variant->folio_kb);
		EXPECT_GE(alloc_after - alloc_before, whole);
	}
	EXPECT_EQ(pages / per_folio, whole);
	EXPECT_EQ(pages / per_folio, n);

	/* Every page: the PFN pagemap reports is the one its fault's range implies. */
	for (i = 0; i < pages; i++) {
		uintptr_t a = (uintptr_t)p + i * GG_PAGE_SIZE;
		uint64_t expect = 0;

		for (k = 0; k < n; k++)
			if (a >= faults[k].start && a < faults[k].end)
				expect = faults[k].pfn +
					 (int64_t)(a - (faults[k].addr & ~(GG_PAGE_SIZE - 1))) /
					 (int64_t)GG_PAGE_SIZE;
		if (gg_pagemap_pfn((void *)a) != expect && bad_pfn++ < 4)
			TH_LOG("page %zu: pagemap pfn 0x%" PRIx64 ", from its fault 0x%" PRIx64, i,
			       gg_pagemap_pfn((void *)a), expect);
	}
	EXPECT_EQ(0, bad_pfn);
}

FIXTURE(file_read)
{
	struct gg_events ev;
	int fd;
	char *p;
};

FIXTURE_SETUP(file_read)
{
	static char page[GG_PAGE_SIZE];
	char params[32];
	size_t i;

	memset(&self->ev, 0, sizeof(self->ev));
	self->p = MAP_FAILED;
	self->fd = memfd_create("gogrowth-fault-around", MFD_CLOEXEC);
	ASSERT_GE(self->fd, 0);
	/* Every page in the page cache, with content. */
	for (i = 0; i < REGION_SIZE / GG_PAGE_SIZE; i++) {
		memset(page, (int)(i & 0xff) | 1, sizeof(page));
		ASSERT_EQ((ssize_t)sizeof(page),
			  pwrite(self->fd, page, sizeof(page), (off_t)(i * GG_PAGE_SIZE)));
	}
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
	snprintf(params, sizeof(params), "pid=%d", getpid());
	ASSERT_EQ(0, gg_load(params));
}

FIXTURE_TEARDOWN(file_read)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, REGION_SIZE);
	if (self->fd >= 0)
		close(self->fd);
	gg_events_free(&self->ev);
	gg_unload();
}

/*
 * Reading a cached file page by page: each read fault maps its
 * fault-around window, so there are fewer faults than pages, and the
 * ptes= of the faults sum to the pages pagemap reports present.
 */
TEST_F(file_read, fault_around_maps_a_window)
{
	const size_t pages = REGION_SIZE / GG_PAGE_SIZE;
	struct fault faults[300];
	size_t n, k, i, present = 0, multi = 0, bad_pfn = 0;
	unsigned long content = 0;
	uint64_t sum = 0;

	self->p = mmap(NULL, REGION_SIZE, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	ASSERT_EQ(0, gg_marker("read-begin"));
	for (i = 0; i < pages; i++)
		content += (unsigned char)self->p[i * GG_PAGE_SIZE];
	ASSERT_EQ(0, gg_marker("read-end"));
	/* What was written: (i & 0xff) | 1 on page i; the reads happened. */
	EXPECT_NE(0, content);

	for (i = 0; i < pages; i++)
		present += gg_pagemap_pfn(self->p + i * GG_PAGE_SIZE) != 0;
	ASSERT_TRUE(gg_events_read(&self->ev));
	n = region_faults(&self->ev, "read-begin", "read-end", (uintptr_t)self->p,
			  (uintptr_t)self->p + REGION_SIZE, faults, 300);
	ASSERT_GT(n, 0);
	ASSERT_LE(n, pages);
	for (k = 0; k < n; k++) {
		ASSERT_GE(faults[k].ptes, 0) TH_LOG("a fault line without ptes=");
		sum += (uint64_t)faults[k].ptes;
		multi += faults[k].ptes > 1;
		/* The window stays in the mapping and holds the faulting page. */
		EXPECT_TRUE(faults[k].start >= (uintptr_t)self->p &&
			    faults[k].end <= (uintptr_t)self->p + REGION_SIZE);
		EXPECT_TRUE(faults[k].addr >= faults[k].start && faults[k].addr < faults[k].end);
		if (gg_pagemap_pfn((void *)faults[k].addr) != faults[k].pfn)
			bad_pfn++;
	}
	TH_LOG("%zu read faults mapped %" PRIu64 " pages; pagemap: %zu present", n, sum, present);
	EXPECT_EQ(pages, present);
	EXPECT_EQ(present, sum);
	EXPECT_GT(multi, 0);
	EXPECT_LT(n, pages);
	EXPECT_EQ(0, bad_pfn);
}

TEST_HARNESS_MAIN
