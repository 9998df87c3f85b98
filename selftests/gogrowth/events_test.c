// SPDX-License-Identifier: GPL-2.0
/*
 * Every event type and every key Documentation/ABI.md lists, checked
 * against the real module, one row per action in the style of the
 * kernel's selftests/mm/cow.c: the action runs between two markers and
 * says which event it must produce and what its keys must hold.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

#define MAX_KEYS 32

/* What the event must hold: key=value pairs, compared as text or as numbers. */
struct expect {
	const char *type;
	int nkeys;
	struct {
		const char *key;
		char value[64];
		bool numeric;	/* compare as numbers (0x12 == 18) */
		bool present;	/* only that the key is there */
	} k[MAX_KEYS];
};

static void want(struct expect *e, const char *key, const char *value)
{
	if (e->nkeys == MAX_KEYS) {
		fprintf(stderr, "events_test: more than %d keys for ev=%s\n", MAX_KEYS, e->type);
		abort();
	}
	e->k[e->nkeys].key = key;
	snprintf(e->k[e->nkeys].value, sizeof(e->k[0].value), "%s", value);
	e->k[e->nkeys].numeric = false;
	e->k[e->nkeys].present = false;
	e->nkeys++;
}

static void want_num(struct expect *e, const char *key, uint64_t v)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, v);
	want(e, key, text);
	e->k[e->nkeys - 1].numeric = true;
}

static void want_key(struct expect *e, const char *key)
{
	want(e, key, "");
	e->k[e->nkeys - 1].present = true;
}

/* The common prefix, on every event of this process. */
static void want_prefix(struct expect *e, const char *type)
{
	e->type = type;
	want_num(e, "pid", (uint64_t)getpid());
	want_num(e, "tid", (uint64_t)syscall(SYS_gettid));
	want_key(e, "seq");
	want_key(e, "ts");
	want_key(e, "cpu");
	want_key(e, "cr3");
	want_key(e, "pgd");
}

static char *region;

static int act_mmap_anon(struct expect *e)
{
	region = mmap(NULL, 3 * GG_PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		return -1;
	want_prefix(e, "mmap");
	want_num(e, "addr", 0);
	want_num(e, "len", 3 * GG_PAGE_SIZE);
	want_num(e, "prot", PROT_READ | PROT_WRITE);
	want_num(e, "flags", MAP_PRIVATE | MAP_ANONYMOUS);
	want_num(e, "pgoff", 0);
	want_num(e, "anon", 1);
	want_num(e, "ret", (uintptr_t)region);
	return 0;
}

static int act_mmap_file(struct expect *e)
{
	int fd = memfd_create("gg-events", MFD_CLOEXEC);
	char *p;

	if (fd < 0 || ftruncate(fd, 16 * GG_PAGE_SIZE))
		return -1;
	p = mmap(NULL, GG_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 5 * GG_PAGE_SIZE);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	want_prefix(e, "mmap");
	want_num(e, "len", GG_PAGE_SIZE);
	want_num(e, "prot", PROT_READ);
	want_num(e, "flags", MAP_SHARED);
	want_num(e, "pgoff", 5);
	want_num(e, "anon", 0);
	want(e, "file", "memfd:gg-events");
	want_num(e, "ret", (uintptr_t)p);
	munmap(p, GG_PAGE_SIZE);
	return 0;
}

static int act_fault(struct expect *e)
{
	region[0] = 1;
	want_prefix(e, "fault");
	want_num(e, "addr", (uintptr_t)region);
	want_key(e, "ip");
	want(e, "access", "write");
	want(e, "origin", "user");
	want_key(e, "lock");
	want(e, "level", "pte");
	want_num(e, "old", 0);
	want(e, "old_flags", "-------");
	want_num(e, "old_pfn", 0);
	want_num(e, "new_pfn", gg_pagemap_pfn(region));
	want(e, "trans", "none->present");
	want(e, "result", "minor");
	want_key(e, "vmf");
	want_key(e, "node");
	want_key(e, "fflags");
	/* new, new_flags, ptes, ptes_start, ptes_end: the next row */
	return 0;
}

static int act_fault_entries(struct expect *e)
{
	region[GG_PAGE_SIZE] = 1;
	want_prefix(e, "fault");
	want_num(e, "addr", (uintptr_t)region + GG_PAGE_SIZE);
	want_key(e, "new");
	want(e, "new_flags", "PWUADN-");
	want_num(e, "ptes", 1);
	want_num(e, "ptes_start", (uintptr_t)region + GG_PAGE_SIZE);
	want_num(e, "ptes_end", (uintptr_t)region + 2 * GG_PAGE_SIZE);
	return 0;
}

static int act_mprotect(struct expect *e)
{
	if (mprotect(region, GG_PAGE_SIZE, PROT_READ))
		return -1;
	want_prefix(e, "mprotect");
	want_num(e, "addr", (uintptr_t)region);
	want_num(e, "len", GG_PAGE_SIZE);
	want_num(e, "prot", PROT_READ);
	want_num(e, "ret", 0);
	return 0;
}

static int act_madvise(struct expect *e)
{
	if (madvise(region + GG_PAGE_SIZE, GG_PAGE_SIZE, MADV_DONTNEED))
		return -1;
	want_prefix(e, "madvise");
	want_num(e, "addr", (uintptr_t)region + GG_PAGE_SIZE);
	want_num(e, "len", GG_PAGE_SIZE);
	want_num(e, "advice", MADV_DONTNEED);
	want_num(e, "ret", 0);
	return 0;
}

/* The flush that follows MADV_DONTNEED of a present page. */
static int act_tlb_flush(struct expect *e)
{
	region[2 * GG_PAGE_SIZE] = 1;
	if (madvise(region + 2 * GG_PAGE_SIZE, GG_PAGE_SIZE, MADV_DONTNEED))
		return -1;
	want_prefix(e, "tlb_flush");
	want_num(e, "start", (uintptr_t)region + 2 * GG_PAGE_SIZE);
	want_num(e, "end", (uintptr_t)region + 3 * GG_PAGE_SIZE);
	want_num(e, "stride", 12);
	want_num(e, "pages", 1);
	want_num(e, "freed", 0);
	return 0;
}

static int act_mremap(struct expect *e)
{
	char *moved = mremap(region, 3 * GG_PAGE_SIZE, 6 * GG_PAGE_SIZE, MREMAP_MAYMOVE);

	if (moved == MAP_FAILED)
		return -1;
	want_prefix(e, "mremap");
	want_num(e, "addr", (uintptr_t)region);
	want_num(e, "old_len", 3 * GG_PAGE_SIZE);
	want_num(e, "new_len", 6 * GG_PAGE_SIZE);
	want_num(e, "flags", MREMAP_MAYMOVE);
	want_num(e, "new_addr", 0);
	want_num(e, "ret", (uintptr_t)moved);
	region = moved;
	return 0;
}

static int act_munmap(struct expect *e)
{
	if (munmap(region, 6 * GG_PAGE_SIZE))
		return -1;
	want_prefix(e, "munmap");
	want_num(e, "addr", (uintptr_t)region);
	want_num(e, "len", 6 * GG_PAGE_SIZE);
	want_num(e, "ret", 0);
	return 0;
}

static int act_munmap_error(struct expect *e)
{
	/* An unaligned address: EINVAL, recorded as -22. */
	if (munmap((char *)GG_PAGE_SIZE + 1, GG_PAGE_SIZE) == 0 || errno != EINVAL)
		return -1;
	want_prefix(e, "munmap");
	want_num(e, "addr", GG_PAGE_SIZE + 1);
	want(e, "ret", "-22");
	return 0;
}

static int act_brk(struct expect *e)
{
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t next = (uintptr_t)syscall(SYS_brk, cur + 4 * GG_PAGE_SIZE);

	if (next != cur + 4 * GG_PAGE_SIZE)
		return -1;
	want_prefix(e, "brk");
	want_num(e, "brk", cur + 4 * GG_PAGE_SIZE);
	want_num(e, "ret", next);
	return 0;
}

static int act_fork(struct expect *e)
{
	pid_t child = fork();

	if (child < 0)
		return -1;
	if (child == 0)
		_exit(3);
	waitpid(child, NULL, 0);
	want_prefix(e, "fork");
	want_num(e, "child", (uint64_t)child);
	want_num(e, "thread", 0);
	return 0;
}

static int act_marker(struct expect *e)
{
	if (gg_marker("a marker with spaces = and more"))
		return -1;
	want_prefix(e, "marker");
	want(e, "text", "a marker with spaces = and more");
	return 0;
}

struct row {
	const char *name;
	int (*act)(struct expect *e);
};

/* In order: later rows use the region earlier ones mapped. */
static const struct row rows[] = {
	{ "mmap of anonymous memory", act_mmap_anon },
	{ "mmap of a file at a page offset", act_mmap_file },
	{ "first write fault", act_fault },
	{ "fault entries and ptes", act_fault_entries },
	{ "madvise", act_madvise },
	{ "tlb_flush of one dropped page", act_tlb_flush },
	/* before mprotect splits the region: mremap needs one VMA */
	{ "mremap that grows and moves", act_mremap },
	{ "mprotect", act_mprotect },
	{ "munmap", act_munmap },
	{ "munmap that fails", act_munmap_error },
	{ "brk", act_brk },
	{ "fork", act_fork },
	{ "marker", act_marker },
};

/* Does @line hold every key of @e with its value? The first mismatch in @why. */
static bool line_matches(const char *line, const struct expect *e, char *why, size_t size)
{
	char got[300];
	int i;

	if (!gg_line_is(line, e->type))
		return false;
	for (i = 0; i < e->nkeys; i++) {
		int64_t a;

		if (!gg_line_value(line, e->k[i].key, got, sizeof(got))) {
			snprintf(why, size, "no key %s", e->k[i].key);
			return false;
		}
		if (e->k[i].present)
			continue;
		if (e->k[i].numeric ? !gg_line_num(line, e->k[i].key, &a) ||
				      (uint64_t)a != strtoull(e->k[i].value, NULL, 10)
				    : strcmp(got, e->k[i].value) != 0) {
			snprintf(why, size, "%s=%.64s, expected %s", e->k[i].key, got,
				 e->k[i].value);
			return false;
		}
	}
	return true;
}

FIXTURE(events)
{
	struct gg_events ev;
};

FIXTURE_SETUP(events)
{
	memset(&self->ev, 0, sizeof(self->ev));
	ASSERT_EQ(0, gg_load_self());
}

FIXTURE_TEARDOWN(events)
{
	gg_events_free(&self->ev);
	gg_unload();
}

TEST_F(events, every_type_and_key)
{
	struct expect e[ARRAY_SIZE(rows)];
	char begin[64], end[64], why[200], last_why[200];
	size_t r;

	memset(e, 0, sizeof(e));
	for (r = 0; r < ARRAY_SIZE(rows); r++) {
		snprintf(begin, sizeof(begin), "row-%zu-begin", r);
		snprintf(end, sizeof(end), "row-%zu-end", r);
		ASSERT_EQ(0, gg_marker(begin));
		ASSERT_EQ(0, rows[r].act(&e[r])) TH_LOG("%s: %s", rows[r].name, strerror(errno));
		ASSERT_EQ(0, gg_marker(end));
	}
	ASSERT_TRUE(gg_events_read(&self->ev));
	for (r = 0; r < ARRAY_SIZE(rows); r++) {
		long b, z, i;
		bool found = false;

		snprintf(begin, sizeof(begin), "row-%zu-begin", r);
		snprintf(end, sizeof(end), "row-%zu-end", r);
		b = gg_events_marker(&self->ev, begin);
		z = gg_events_marker(&self->ev, end);
		ASSERT_TRUE(b >= 0 && z > b) TH_LOG("%s: markers missing", rows[r].name);
		snprintf(last_why, sizeof(last_why), "no ev=%s line", e[r].type);
		/* A marker row's own marker comes after its begin marker. */
		for (i = b + 1; i < z && !found; i++) {
			why[0] = '\0';
			found = line_matches(self->ev.line[i], &e[r], why, sizeof(why));
			if (!found && why[0])
				snprintf(last_why, sizeof(last_why), "%s", why);
		}
		EXPECT_TRUE(found) TH_LOG("%s: %s", rows[r].name, last_why);
	}
}

/* exec and exit: a process of their own. */
TEST_F(events, exec_and_exit)
{
	char params[64], why[200];
	struct expect x;
	int status, go[2];
	bool exec_found = false, exit_found = false;
	char c = 'g';
	pid_t child;
	size_t k;

	gg_unload();
	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		static char * const argv[] = { "/bin/sh", "-c", "exit 7", NULL };

		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execv(argv[0], argv);
		_exit(127);
	}
	snprintf(params, sizeof(params), "pid=%d", child);
	ASSERT_EQ(0, gg_load(params));
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	ASSERT_TRUE(gg_events_read(&self->ev));
	for (k = 0; k < self->ev.count; k++) {
		const char *line = self->ev.line[k];
		int64_t pid;

		if (!gg_line_num(line, "pid", &pid) || pid != child)
			continue;
		memset(&x, 0, sizeof(x));
		x.type = "exec";
		want(&x, "filename", "/bin/sh");
		want_key(&x, "pgd");
		exec_found |= line_matches(line, &x, why, sizeof(why));
		memset(&x, 0, sizeof(x));
		x.type = "exit";
		want_num(&x, "code", 7 << 8);
		want_num(&x, "group_dead", 1);
		exit_found |= line_matches(line, &x, why, sizeof(why));
	}
	EXPECT_TRUE(exec_found);
	EXPECT_TRUE(exit_found);
}

/* Everything events_pipe holds now, appended to @text (NUL-terminated). */
static size_t drain_pipe(char **text, size_t len)
{
	int fd = open(GG_DEBUGFS "/events_pipe", O_RDONLY | O_NONBLOCK);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return len;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *bigger = realloc(*text, len + (size_t)n + 1);

		if (!bigger)
			break;
		*text = bigger;
		memcpy(*text + len, buf, (size_t)n);
		len += (size_t)n;
		(*text)[len] = '\0';
	}
	close(fd);
	return len;
}

/*
 * lost: a child overflows a 4 KiB ring; this process, not traced, drains
 * it, then records a marker on each CPU, before which the loss pending
 * there is written. Every loss is then in the stream: the counts of the
 * lost lines sum to stats' lost.
 */
TEST_F(events, lost_record)
{
	int cpu, cpus = (int)sysconf(_SC_NPROCESSORS_ONLN), go[2], done[2];
	char params[64], why[200], c = 'g', *text = NULL, **lines;
	int64_t count, sum = 0;
	size_t len = 0, k, n;
	struct expect x;
	pid_t child;

	gg_unload();
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		gg_touch_new_pages(1000);
		if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	snprintf(params, sizeof(params), "pid=%d ring_kb=4", child);
	ASSERT_EQ(0, gg_load(params));
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, read(done[0], &c, 1));
	len = drain_pipe(&text, len);
	for (cpu = 0; cpu < cpus; cpu++) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) == 0)
			ASSERT_EQ(0, gg_marker("after the loss"));
	}
	len = drain_pipe(&text, len);
	ASSERT_NE(NULL, text);

	memset(&x, 0, sizeof(x));
	x.type = "lost";
	want_key(&x, "seq");
	want_key(&x, "ts");
	want_key(&x, "cpu");
	want_num(&x, "pid", 0);
	want_num(&x, "tid", 0);
	want_num(&x, "cr3", 0);
	want_num(&x, "pgd", 0);
	want_key(&x, "count");
	n = gg_split_lines(text, &lines);
	for (k = 0; k < n; k++)
		if (line_matches(lines[k], &x, why, sizeof(why)) &&
		    gg_line_num(lines[k], "count", &count))
			sum += count;
	free(lines);
	free(text);
	EXPECT_GT(sum, 0);
	EXPECT_EQ(gg_stat("total", "lost"), sum);
	ASSERT_EQ(1, write(go[1], &c, 1));
	waitpid(child, NULL, 0);
}

/* Lock-free, so safe in a signal handler. */
static atomic_int signals_handled;

static void count_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&signals_handled, 1);
}

/*
 * A system call's result is read on its way back to user mode, from a task
 * work (module/probes_mm.c). With a signal sent all the while, many calls
 * return with one pending, whose delivery sets up a frame and clears ax:
 * every brk event must still carry the result the call returned.
 */
TEST_F(events, syscall_results_with_signals_pending)
{
	const int calls = 3000;
	struct sigaction sa = { .sa_handler = count_signal, .sa_flags = SA_RESTART };
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	int i, brk_events = 0, wrong = 0, bad_results = 0;
	pid_t child, parent = getpid();
	long b, z, k;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		while (kill(parent, SIGUSR1) == 0)
			;
		_exit(0);
	}
	ASSERT_EQ(0, gg_marker("signals-begin"));
	for (i = 0; i < calls; i++)
		if ((uintptr_t)syscall(SYS_brk, 0) != cur)
			bad_results++;
	ASSERT_EQ(0, gg_marker("signals-end"));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	signal(SIGUSR1, SIG_DFL);
	ASSERT_EQ(0, bad_results) TH_LOG("brk(0) did not return the break every time");
	ASSERT_TRUE(gg_events_read(&self->ev));
	b = gg_events_marker(&self->ev, "signals-begin");
	z = gg_events_marker(&self->ev, "signals-end");
	ASSERT_TRUE(b >= 0 && z > b) TH_LOG("markers missing");
	for (k = b + 1; k < z; k++) {
		const char *line = self->ev.line[k];
		int64_t ret;

		if (!gg_line_is(line, "brk"))
			continue;
		brk_events++;
		if (!gg_line_num(line, "ret", &ret) || (uintptr_t)ret != cur) {
			if (!wrong)
				TH_LOG("expected ret=%#lx: %s", (unsigned long)cur, line);
			wrong++;
		}
	}
	TH_LOG("%d brk calls, %d signals handled during them", calls, atomic_load(&signals_handled));
	EXPECT_EQ(calls, brk_events);
	EXPECT_EQ(0, wrong);
	EXPECT_GT(atomic_load(&signals_handled), 0);
}

/*
 * do_mmap()'s result is taken at its return by a landing armed for each
 * call of the target (module/return_hook.c), from a pool of slots the
 * threads share. Threads that map at once, each with a length of its own,
 * must each get their own results back, in their order, none lost.
 */
#define MAP_THREADS	8
#define MAPS_PER_THREAD	150

struct mapper {
	pthread_t th;
	pid_t tid;
	size_t len;
	int failed;
	uintptr_t got[MAPS_PER_THREAD];
};

static atomic_int mappers_ready;

static void *map_loop(void *arg)
{
	struct mapper *m = arg;
	int i;

	m->tid = (pid_t)syscall(SYS_gettid);
	atomic_fetch_add(&mappers_ready, 1);
	while (atomic_load(&mappers_ready) < MAP_THREADS)
		;
	for (i = 0; i < MAPS_PER_THREAD; i++) {
		void *p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			m->failed++;
			continue;
		}
		m->got[i] = (uintptr_t)p;
		munmap(p, m->len);
	}
	return NULL;
}

TEST_F(events, mmap_results_from_concurrent_threads)
{
	static struct mapper m[MAP_THREADS];
	size_t seen[MAP_THREADS] = { 0 };
	int t, wrong = 0, strays = 0;
	long b, z, k;

	atomic_store(&mappers_ready, 0);
	ASSERT_EQ(0, gg_marker("mappers-begin"));
	for (t = 0; t < MAP_THREADS; t++) {
		memset(&m[t], 0, sizeof(m[t]));
		m[t].len = (size_t)(t + 1) * 3 * GG_PAGE_SIZE;
		ASSERT_EQ(0, pthread_create(&m[t].th, NULL, map_loop, &m[t]));
	}
	for (t = 0; t < MAP_THREADS; t++) {
		pthread_join(m[t].th, NULL);
		ASSERT_EQ(0, m[t].failed) TH_LOG("thread %d: mmap failed", t);
	}
	ASSERT_EQ(0, gg_marker("mappers-end"));
	ASSERT_TRUE(gg_events_read(&self->ev));
	b = gg_events_marker(&self->ev, "mappers-begin");
	z = gg_events_marker(&self->ev, "mappers-end");
	ASSERT_TRUE(b >= 0 && z > b) TH_LOG("markers missing");
	for (k = b + 1; k < z; k++) {
		const char *line = self->ev.line[k];
		int64_t tid, len, ret;

		if (!gg_line_is(line, "mmap"))
			continue;
		ASSERT_TRUE(gg_line_num(line, "tid", &tid) && gg_line_num(line, "len", &len) &&
			    gg_line_num(line, "ret", &ret)) TH_LOG("%s", line);
		for (t = 0; t < MAP_THREADS && m[t].tid != tid; t++)
			;
		if (t == MAP_THREADS)
			continue;	/* the main thread's: the threads' stacks */
		if ((size_t)len != m[t].len || seen[t] == MAPS_PER_THREAD) {
			if (!strays++)
				TH_LOG("not one of the threads' maps: %s", line);
			continue;
		}
		if ((uintptr_t)ret != m[t].got[seen[t]]) {
			if (!wrong++)
				TH_LOG("thread %d's map %zu returned %#lx: %s", t, seen[t],
				       (unsigned long)m[t].got[seen[t]], line);
		}
		seen[t]++;
	}
	for (t = 0; t < MAP_THREADS; t++)
		EXPECT_EQ(MAPS_PER_THREAD, seen[t]) TH_LOG("thread %d", t);
	EXPECT_EQ(0, wrong);
	EXPECT_EQ(0, strays);
}

TEST_HARNESS_MAIN
