// SPDX-License-Identifier: GPL-2.0
/*
 * The ring: a ring too small for the burst says how much it lost, in the
 * stream and in stats, exactly; the pipe consumes, blocks, polls and records
 * again once drained.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

#define PIPE GG_DEBUGFS "/events_pipe"

static char *map_touched(size_t pages)
{
	char *p = gg_map_anon(pages);

	if (p)
		gg_touch(p, pages, 1);
	return p;
}

/* Reads the pipe without blocking until it is empty; appends to @out. */
static size_t drain(int fd, char **out, size_t *len)
{
	char chunk[65536];
	size_t total = 0;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n <= 0)
			break;
		if (out) {
			char *bigger = realloc(*out, *len + (size_t)n + 1);

			if (!bigger)
				break;
			*out = bigger;
			memcpy(*out + *len, chunk, (size_t)n);
			*len += (size_t)n;
			(*out)[*len] = '\0';
		}
		total += (size_t)n;
	}
	return total;
}

struct tally {
	size_t events;		/* lines that are not ev=lost */
	long long lost;		/* sum of ev=lost count= */
	size_t faults_in;	/* faults in the region */
	size_t malformed;
};

static void tally_lines(char *text, const char *p, size_t len, struct tally *t)
{
	char **lines;
	size_t n = gg_split_lines(text, &lines), k;

	for (k = 0; k < n; k++) {
		int64_t v;

		if (strncmp(lines[k], "seq=", 4) || !strstr(lines[k], " ev=")) {
			t->malformed++;
			continue;
		}
		if (gg_line_is(lines[k], "lost")) {
			if (gg_line_num(lines[k], "count", &v))
				t->lost += v;
			continue;
		}
		t->events++;
		if (p && gg_line_is(lines[k], "fault") && !gg_fault_is_retry(lines[k]) &&
		    gg_line_num(lines[k], "addr", &v) &&
		    (uintptr_t)v >= (uintptr_t)p && (uintptr_t)v < (uintptr_t)p + len)
			t->faults_in++;
	}
	free(lines);
}

FIXTURE(small_ring)
{
	int unused;
};

FIXTURE_SETUP(small_ring)
{
	char params[64];
	cpu_set_t one;

	/* All events on one CPU's 4 KiB ring. */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
	snprintf(params, sizeof(params), "pid=%d ring_kb=4", getpid());
	ASSERT_EQ(0, gg_load(params));
}

FIXTURE_TEARDOWN(small_ring)
{
	gg_unload();
}

TEST_F_TIMEOUT(small_ring, overflow_is_counted_exactly, 120)
{
	const size_t burst = 2000, again = 10;
	struct tally first = { 0 }, second = { 0 };
	char *text = NULL, *p, *q;
	size_t len = 0;
	long long generated, recorded, lost;
	int fd;

	fd = open(PIPE, O_RDONLY | O_NONBLOCK);
	ASSERT_GE(fd, 0);
	drain(fd, NULL, NULL);
	ASSERT_EQ(0, gg_write_file("clear", "1"));

	p = map_touched(burst);
	ASSERT_NE(NULL, p);
	drain(fd, &text, &len);
	ASSERT_NE(NULL, text);
	tally_lines(text, p, burst * GG_PAGE_SIZE, &first);
	free(text);
	text = NULL;
	len = 0;
	TH_LOG("burst of %zu faults: %zu recorded in region, %zu events read, lost so far %lld",
	       burst, first.faults_in, first.events, first.lost);
	EXPECT_LT(first.faults_in, burst) TH_LOG("a 4 KiB ring held the whole burst?");
	EXPECT_EQ(0, first.malformed);

	/* Drained: the ring records again, and first says what it lost. */
	q = map_touched(again);
	ASSERT_NE(NULL, q);
	/* The test is its own target: stop recording before reading stats. */
	ASSERT_EQ(0, gg_write_file("enable", "0"));
	drain(fd, &text, &len);
	ASSERT_NE(NULL, text);
	tally_lines(text, q, again * GG_PAGE_SIZE, &second);
	free(text);
	close(fd);
	EXPECT_EQ(again, second.faults_in);
	EXPECT_EQ(0, second.malformed);

	/* One read of stats, every CPU's line in it adding up. */
	{
		struct gg_stats st;
		char why[160];

		EXPECT_TRUE(gg_stats_consistent(&st, why, sizeof(why))) TH_LOG("%s", why);
		generated = st.generated;
		recorded = st.recorded;
		lost = st.lost;
	}
	TH_LOG("stats: generated %lld recorded %lld lost %lld; stream: %zu events, %lld lost",
	       generated, recorded, lost, first.events + second.events, first.lost + second.lost);
	EXPECT_GT(lost, 0);
	EXPECT_EQ(generated, recorded + lost);
	/* Everything recorded was read; every loss was reported in the stream. */
	EXPECT_EQ(recorded, (long long)(first.events + second.events));
	EXPECT_EQ(lost, first.lost + second.lost);
	/* And the kernel did fault every page: recorded or lost, none vanished. */
	EXPECT_GE((long long)first.faults_in + first.lost + second.lost, (long long)burst);
	munmap(p, burst * GG_PAGE_SIZE);
	munmap(q, again * GG_PAGE_SIZE);
}

FIXTURE(pipe)
{
	int fd;
};

FIXTURE_SETUP(pipe)
{
	char params[32];

	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
	snprintf(params, sizeof(params), "pid=%d", getpid());
	ASSERT_EQ(0, gg_load(params));
	self->fd = open(PIPE, O_RDONLY | O_NONBLOCK);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(pipe)
{
	close(self->fd);
	gg_unload();
}

TEST_F(pipe, poll_wakes_on_new_event_and_read_consumes)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct tally t = { 0 };
	char buf[64], *text = NULL;
	size_t len = 0;
	char *p;

	drain(self->fd, NULL, NULL);
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll(&pfd, 1, 0));

	p = map_touched(4);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	drain(self->fd, &text, &len);
	ASSERT_NE(NULL, text);
	tally_lines(text, p, 4 * GG_PAGE_SIZE, &t);
	free(text);
	EXPECT_EQ(4, t.faults_in);
	EXPECT_EQ(0, t.malformed);
	/* consumed: the snapshot no longer holds them */
	text = gg_read_file("events", NULL);
	ASSERT_NE(NULL, text);
	memset(&t, 0, sizeof(t));
	tally_lines(text, p, 4 * GG_PAGE_SIZE, &t);
	free(text);
	EXPECT_EQ(0, t.faults_in);
	munmap(p, 4 * GG_PAGE_SIZE);
}

TEST_F(pipe, small_reads_split_no_line)
{
	struct tally t = { 0 };
	char *text = NULL, chunk[7];
	size_t len = 0;
	char *p;
	ssize_t n;

	drain(self->fd, NULL, NULL);
	p = map_touched(32);
	ASSERT_NE(NULL, p);
	while ((n = read(self->fd, chunk, sizeof(chunk))) > 0) {
		char *bigger = realloc(text, len + (size_t)n + 1);

		ASSERT_NE(NULL, bigger);
		text = bigger;
		memcpy(text + len, chunk, (size_t)n);
		len += (size_t)n;
		text[len] = '\0';
	}
	ASSERT_NE(NULL, text);
	EXPECT_EQ('\n', text[len - 1]);
	tally_lines(text, p, 32 * GG_PAGE_SIZE, &t);
	free(text);
	EXPECT_EQ(32, t.faults_in);
	EXPECT_EQ(0, t.malformed);
	munmap(p, 32 * GG_PAGE_SIZE);
}

TEST_HARNESS_MAIN
