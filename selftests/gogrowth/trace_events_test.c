// SPDX-License-Identifier: GPL-2.0
/*
 * The trace events (system gogrowth) against the ring: one run that
 * produces every event type, read back from tracefs's `trace` and from
 * debugfs's `events`. Each ring event must be there as a trace event of
 * the same type and seq, with the same value for every key both show;
 * and while no trace event is enabled, none is written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

#define TRACEFS		"/sys/kernel/tracing"
#define GG_EVENTS	TRACEFS "/events/gogrowth"
#define MAX_SEQ		65536

static int write_path(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t len = strlen(text), n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	close(fd);
	return n == len ? 0 : -EIO;
}

static char *read_path(const char *path)
{
	size_t size = 1 << 16, len = 0;
	char *buf = malloc(size);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, size - len - 1)) > 0) {
		len += n;
		if (len + 1 == size) {
			char *bigger = realloc(buf, size * 2);

			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		}
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static bool tracefs_ready(void)
{
	struct stat st;

	if (stat(GG_EVENTS, &st) == 0)
		return true;
	/* The guest's init mounts debugfs; tracefs may need its own mount. */
	system("mount -t tracefs nodev " TRACEFS " 2>/dev/null");
	return stat(GG_EVENTS, &st) == 0;
}

/* A trace line's event name and the start of its "seq=..." fields. */
static const char *trace_fields(const char *line, char *type, size_t size)
{
	const char *f = strstr(line, ": seq=");
	const char *t;

	if (!f)
		return NULL;
	for (t = f; t > line && t[-1] != ' '; t--)
		;
	if ((size_t)(f - t) >= size)
		return NULL;
	memcpy(type, t, f - t);
	type[f - t] = '\0';
	return f + 2;
}

/* The value of @key in a line of key=value words. */
static bool word_value(const char *fields, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = fields;

	while ((p = strstr(p, key))) {
		if ((p == fields || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, "\n ");

			if (n >= size)
				return false;
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return true;
		}
		p += klen;
	}
	return false;
}

/* Equal as text, or as numbers (mmap's ret: 0x... in both, -errno in the line). */
static bool same_value(const char *a, const char *b)
{
	char *ea, *eb;
	unsigned long long na, nb;

	if (!strcmp(a, b))
		return true;
	errno = 0;
	na = strtoull(a, &ea, 0);
	nb = strtoull(b, &eb, 0);
	return !errno && !*ea && !*eb && na == nb;
}

/*
 * Compares every key=value word of a trace event with the ring's line;
 * returns how many keys both had, or -1 at the first difference.
 */
static int compare_fields(const char *trace, const char *ring, char *why, size_t size)
{
	char key[64], tv[300], rv[300];
	const char *p = trace;
	int same = 0;

	while (*p) {
		size_t klen = strcspn(p, "=\n ");

		if (p[klen] != '=' || klen >= sizeof(key))
			break;
		memcpy(key, p, klen);
		key[klen] = '\0';
		if (!word_value(p, key, tv, sizeof(tv)))
			break;
		if (word_value(ring, key, rv, sizeof(rv))) {
			if (!same_value(tv, rv)) {
				snprintf(why, size, "%s: trace %s, ring %s", key, tv, rv);
				return -1;
			}
			same++;
		}
		p += klen + 1 + strlen(tv);
		p += strspn(p, "\n ");
	}
	return same;
}

/* Every action that makes an event of each type, in this process and an exec'd child. */
static void run_workload(struct __test_metadata *_metadata)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	char *a, *b, *f, c = 0;
	int go[2];
	pid_t child;
	void *brk0;

	ASSERT_LE(0, fd);
	a = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, a);
	memset(a, 1, 16 * page);
	f = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, f);
	c = f[0];
	ASSERT_EQ(0, mprotect(a, 4 * page, PROT_READ));
	ASSERT_EQ(0, madvise(a + 8 * page, 4 * page, MADV_DONTNEED));
	a[8 * page] = c;
	/* The upper half is one VMA of its own (mprotect split the lower one). */
	b = mremap(a + 8 * page, 8 * page, 32 * page, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, b);
	ASSERT_EQ(0, munmap(b, 32 * page));
	ASSERT_EQ(0, munmap(a, 16 * page));
	ASSERT_EQ(0, munmap(f, page));
	close(fd);
	brk0 = sbrk(0);
	ASSERT_NE((void *)-1, sbrk(64 * page));
	ASSERT_EQ(0, brk(brk0));
	ASSERT_EQ(0, gg_marker("trace-events-test"));

	/* fork here; then exec and exit in the child, traced in its turn. */
	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/true", "true", (char *)NULL);
		_exit(2);
	}
	close(go[0]);
	ASSERT_EQ(0, gg_set_target(child));
	ASSERT_EQ(1, write(go[1], &c, 1));
	close(go[1]);
	ASSERT_EQ(child, waitpid(child, NULL, 0));
}

FIXTURE(trace)
{
	struct gg_events ring;
	char *trace;
};

FIXTURE_SETUP(trace)
{
	ASSERT_EQ(0, gg_load(""));
	/* The module's events appear with it; selftests/gogrowth/config has TRACEPOINTS. */
	ASSERT_TRUE(tracefs_ready()) TH_LOG("no %s after loading the module", GG_EVENTS);
	ASSERT_EQ(0, write_path(TRACEFS "/buffer_size_kb", "8192"));
	ASSERT_EQ(0, write_path(TRACEFS "/trace", ""));
}

FIXTURE_TEARDOWN(trace)
{
	write_path(GG_EVENTS "/enable", "0");
	gg_events_free(&self->ring);
	free(self->trace);
	if (gg_is_loaded())
		gg_unload();
}

TEST_F(trace, every_ring_event_is_a_trace_event_with_the_same_fields)
{
	static const char * const types[] = {
		"mmap", "munmap", "mremap", "mprotect", "madvise", "brk", "fault",
		"tlb_flush", "fork", "exec", "exit", "marker",
	};
	char **tline = NULL, type[32], rtype[32], why[1024] = "";
	unsigned int ring_n[ARRAY_SIZE(types)] = { 0 };
	unsigned int trace_n[ARRAY_SIZE(types)] = { 0 };
	const char **by_seq = calloc(MAX_SEQ, sizeof(*by_seq));
	size_t nt, i, t, compared = 0, missing = 0, differ = 0;
	int64_t seq;

	ASSERT_NE(NULL, by_seq);
	ASSERT_EQ(0, write_path(GG_EVENTS "/enable", "1"));
	ASSERT_EQ(0, gg_set_target(getpid()));
	run_workload(_metadata);
	/* Nothing is traced from here: the child was the target, and it is gone. */
	ASSERT_EQ(0, gg_set_target(0));
	ASSERT_EQ(0, write_path(GG_EVENTS "/enable", "0"));

	self->trace = read_path(TRACEFS "/trace");
	ASSERT_NE(NULL, self->trace);
	ASSERT_TRUE(gg_events_read(&self->ring));
	nt = gg_split_lines(self->trace, &tline);
	for (i = 0; i < nt; i++) {
		const char *f = trace_fields(tline[i], type, sizeof(type));

		if (!f || !gg_line_num(f, "seq", &seq) || seq <= 0 || seq >= MAX_SEQ)
			continue;
		by_seq[seq] = tline[i];
		for (t = 0; t < ARRAY_SIZE(types); t++)
			trace_n[t] += !strcmp(type, types[t]);
	}
	for (i = 0; i < self->ring.count; i++) {
		const char *line = self->ring.line[i], *tf;
		int same;

		ASSERT_FALSE(gg_line_is(line, "lost")) TH_LOG("the ring lost events: %s", line);
		ASSERT_TRUE(gg_line_num(line, "seq", &seq));
		ASSERT_TRUE(gg_line_value(line, "ev", rtype, sizeof(rtype)));
		for (t = 0; t < ARRAY_SIZE(types); t++)
			ring_n[t] += !strcmp(rtype, types[t]);
		if (seq <= 0 || seq >= MAX_SEQ || !by_seq[seq]) {
			if (missing++ < 3)
				TH_LOG("no trace event for: %s", line);
			continue;
		}
		tf = trace_fields(by_seq[seq], type, sizeof(type));
		if (strcmp(type, rtype)) {
			if (differ++ < 3)
				TH_LOG("seq %lld: trace %s, ring %s", (long long)seq, type, rtype);
			continue;
		}
		same = compare_fields(tf, line, why, sizeof(why));
		/* Every event shares seq pid tid cr3 pgd and at least one field of its own. */
		if (same < 6) {
			if (differ++ < 3)
				TH_LOG("seq %lld %s: %s (%d keys alike)", (long long)seq, type,
				       same < 0 ? why : "too few keys in common", same);
			continue;
		}
		compared++;
	}
	for (t = 0; t < ARRAY_SIZE(types); t++) {
		TH_LOG("%-9s ring %u trace %u", types[t], ring_n[t], trace_n[t]);
		EXPECT_EQ(ring_n[t], trace_n[t]);
		EXPECT_LT(0, ring_n[t]) TH_LOG("the workload made no %s event", types[t]);
	}
	EXPECT_EQ(0, missing);
	EXPECT_EQ(0, differ);
	EXPECT_EQ(self->ring.count, compared);
	free(tline);
	free(by_seq);
}

TEST_F(trace, disabled_events_write_nothing)
{
	char *trace;
	char **tline = NULL;
	size_t n, i, events = 0;
	char type[32];

	ASSERT_EQ(0, write_path(GG_EVENTS "/enable", "0"));
	ASSERT_EQ(0, gg_set_target(getpid()));
	run_workload(_metadata);
	ASSERT_EQ(0, gg_set_target(0));
	ASSERT_TRUE(gg_events_read(&self->ring));
	EXPECT_LT(0, self->ring.count);
	trace = read_path(TRACEFS "/trace");
	ASSERT_NE(NULL, trace);
	n = gg_split_lines(trace, &tline);
	for (i = 0; i < n; i++)
		events += trace_fields(tline[i], type, sizeof(type)) != NULL;
	EXPECT_EQ(0, events);
	free(tline);
	free(trace);
}

TEST_HARNESS_MAIN
