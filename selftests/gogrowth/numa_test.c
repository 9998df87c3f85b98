// SPDX-License-Identifier: GPL-2.0
/*
 * The node= key of fault events, on a machine (the test guest) with two NUMA
 * nodes: for every page a traced thread faults in, the node the event names
 * must be the node the kernel reports for that page afterwards (move_pages(2),
 * get_mempolicy(2)). A thread on each node's CPU, under the default (local)
 * policy, puts its pages on its own node, so both node values are exercised;
 * a thread on the first node bound to the second by a memory policy puts its
 * pages on the second.
 *
 * Raw system calls: no libnuma. Skips where fewer than two nodes have a CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/mempolicy.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

#define PAGES 64
#define LEN (PAGES * GG_PAGE_SIZE)
#define SYSFS_NODE "/sys/devices/system/node"
#define NUMA_BALANCING "/proc/sys/kernel/numa_balancing"

/* Parses a kernel list ("0-1,4") into @out; returns the count kept. */
static int parse_list(const char *s, int *out, int max)
{
	int n = 0;
	char *end;

	while (*s >= '0' && *s <= '9') {
		long lo = strtol(s, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (; lo <= hi && n < max; lo++)
			out[n++] = (int)lo;
		if (*end != ',')
			break;
		s = end + 1;
	}
	return n;
}

/* Reads a small sysfs or procfs file; "" on error. */
static void read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
}

/* Writes @text to a procfs file; 0 or -errno. */
static int write_small(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

/* The first CPU of node @node; -1 if it has none. */
static int node_first_cpu(int node)
{
	char path[128], buf[256];
	int cpu;

	snprintf(path, sizeof(path), SYSFS_NODE "/node%d/cpulist", node);
	read_small(path, buf, sizeof(buf));
	return parse_list(buf, &cpu, 1) == 1 ? cpu : -1;
}

/* The first two online nodes that have a CPU, and a CPU of each. */
struct numa_pair {
	int count;		/* nodes with a CPU found, at most 2 */
	int node[2], cpu[2];
};

static void find_nodes(struct numa_pair *np)
{
	int online[64], n, k;
	char buf[256];

	memset(np, 0, sizeof(*np));
	read_small(SYSFS_NODE "/online", buf, sizeof(buf));
	n = parse_list(buf, online, 64);
	for (k = 0; k < n && np->count < 2; k++) {
		int cpu = node_first_cpu(online[k]);

		/* a CPU to run on; a node number that fits a one-word mask */
		if (cpu < 0 || online[k] >= (int)(8 * sizeof(unsigned long)))
			continue;
		np->node[np->count] = online[k];
		np->cpu[np->count] = cpu;
		np->count++;
	}
}

/*
 * A thread that pins itself to @cpu, optionally binds its memory to
 * @bind_node (set_mempolicy, MPOL_BIND), and writes each page of @p once.
 */
struct toucher {
	int cpu, bind_node;
	char *p;
	pid_t tid;
	unsigned int cpu_before, node_before, cpu_after, node_after;
	const char *failed;	/* the step that failed, NULL if none */
	int err;
};

static void *toucher_run(void *arg)
{
	struct toucher *t = arg;
	cpu_set_t one;

	t->tid = (pid_t)syscall(SYS_gettid);
	CPU_ZERO(&one);
	CPU_SET(t->cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one)) {
		t->failed = "sched_setaffinity";
		t->err = errno;
		return NULL;
	}
	if (t->bind_node >= 0) {
		unsigned long mask = 1UL << t->bind_node;

		if (syscall(SYS_set_mempolicy, MPOL_BIND, &mask, 8 * sizeof(mask))) {
			t->failed = "set_mempolicy";
			t->err = errno;
			return NULL;
		}
	}
	if (syscall(SYS_getcpu, &t->cpu_before, &t->node_before, NULL)) {
		t->failed = "getcpu";
		t->err = errno;
		return NULL;
	}
	gg_touch(t->p, PAGES, 1);
	if (syscall(SYS_getcpu, &t->cpu_after, &t->node_after, NULL)) {
		t->failed = "getcpu";
		t->err = errno;
	}
	return NULL;
}

/*
 * What the events between lines @begin and @end say about the pages of
 * [p, p + LEN): the number of completed faults of each page, the node= and
 * tid= of the last one (-2: no fault), and the line of the last one.
 */
struct page_faults {
	int faults[PAGES];
	int node[PAGES];
	pid_t tid[PAGES];
	long line[PAGES];
};

static void collect_faults(const struct gg_events *ev, long begin, long end,
			   const char *p, struct page_faults *pf)
{
	long i;
	int k;

	for (k = 0; k < PAGES; k++) {
		pf->faults[k] = 0;
		pf->node[k] = -2;
		pf->tid[k] = 0;
		pf->line[k] = -1;
	}
	for (i = begin + 1; i < end; i++) {
		const char *line = ev->line[i];
		int64_t addr, node, tid;

		if (!gg_line_is(line, "fault") || gg_fault_is_retry(line) ||
		    !gg_line_num(line, "addr", &addr) ||
		    (uintptr_t)addr < (uintptr_t)p || (uintptr_t)addr >= (uintptr_t)p + LEN)
			continue;
		k = (int)(((uintptr_t)addr - (uintptr_t)p) / GG_PAGE_SIZE);
		pf->faults[k]++;
		pf->node[k] = gg_line_num(line, "node", &node) ? (int)node : -3;
		pf->tid[k] = gg_line_num(line, "tid", &tid) ? (pid_t)tid : 0;
		pf->line[k] = i;
	}
}

/* move_pages(2) without moving: the node of each page of @p, or -errno. */
static int pages_nodes_move_pages(char *p, int *status)
{
	void *pages[PAGES];
	int k;

	for (k = 0; k < PAGES; k++)
		pages[k] = p + k * GG_PAGE_SIZE;
	return (int)syscall(SYS_move_pages, 0, (unsigned long)PAGES, pages, NULL, status, 0);
}

/* get_mempolicy(2) with MPOL_F_NODE | MPOL_F_ADDR: the node of each page of @p. */
static int pages_nodes_get_mempolicy(char *p, int *status)
{
	int k;

	for (k = 0; k < PAGES; k++) {
		int node = -1;

		if (syscall(SYS_get_mempolicy, &node, NULL, 0UL, p + k * GG_PAGE_SIZE,
			    MPOL_F_NODE | MPOL_F_ADDR))
			status[k] = -errno;
		else
			status[k] = node;
	}
	return 0;
}

FIXTURE(numa)
{
	struct numa_pair np;
	struct gg_events ev;
	char *p[2];
	char balancing[16];	/* numa_balancing's value to restore, "" if none */
};

FIXTURE_SETUP(numa)
{
	char params[32];

	memset(&self->ev, 0, sizeof(self->ev));
	self->p[0] = self->p[1] = NULL;
	self->balancing[0] = '\0';
	find_nodes(&self->np);
	if (self->np.count < 2)
		return;	/* each test skips */

	self->p[0] = gg_map_anon(PAGES);
	self->p[1] = gg_map_anon(PAGES);
	ASSERT_NE(NULL, self->p[0]);
	ASSERT_NE(NULL, self->p[1]);
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
	snprintf(params, sizeof(params), "pid=%d", getpid());
	ASSERT_EQ(0, gg_load(params));

	/*
	 * NUMA balancing unmaps pages to take hinting faults on them and
	 * migrates them: it would add faults and move pages between the fault
	 * and the check. The test runner boots with it off; elsewhere, turn it
	 * off for the test and back on after (last: a setup that fails
	 * does not get its teardown).
	 */
	read_small(NUMA_BALANCING, self->balancing, sizeof(self->balancing));
	if (self->balancing[0] && self->balancing[0] != '0') {
		TH_LOG("numa_balancing is %c: off during the test", self->balancing[0]);
		ASSERT_EQ(0, write_small(NUMA_BALANCING, "0"));
	} else {
		self->balancing[0] = '\0';
	}
}

FIXTURE_TEARDOWN(numa)
{
	int k;

	gg_events_free(&self->ev);
	if (self->np.count >= 2)
		gg_unload();
	for (k = 0; k < 2; k++)
		if (self->p[k])
			munmap(self->p[k], LEN);
	if (self->balancing[0]) {
		self->balancing[strcspn(self->balancing, "\n")] = '\0';
		write_small(NUMA_BALANCING, self->balancing);
	}
}

#define NO_TWO_NODES \
	"fewer than two NUMA nodes with a CPU (%d): boot with two (scripts/vm-run.sh --numa 2)"

/*
 * Checks each page of @p against the events: one completed fault, by
 * @t's thread, whose node= is what @where says (move_pages or
 * get_mempolicy) and is @want. Returns the number of pages that fail.
 */
static int check_pages(struct __test_metadata *_metadata, const struct gg_events *ev,
		       long begin, long end, const struct toucher *t, const int *where,
		       const char *where_name, int want)
{
	struct page_faults pf;
	int k, bad = 0, logged = 0, on_want = 0;

	collect_faults(ev, begin, end, t->p, &pf);
	for (k = 0; k < PAGES; k++) {
		bool ok = pf.faults[k] == 1 && pf.tid[k] == t->tid &&
			  pf.node[k] == where[k] && where[k] == want;

		on_want += pf.node[k] == want;
		if (ok)
			continue;
		bad++;
		if (logged++ < 4)
			TH_LOG("page %d at %p: %d fault(s), tid %d (want %d), node=%d, %s says %d, want %d%s%s",
			       k, t->p + k * GG_PAGE_SIZE, pf.faults[k], pf.tid[k], t->tid,
			       pf.node[k], where_name, where[k], want,
			       pf.line[k] >= 0 ? ": " : "",
			       pf.line[k] >= 0 ? ev->line[pf.line[k]] : "");
	}
	TH_LOG("thread %d on cpu %u (node %u): %d of %d pages node=%d by the events, %d agree with %s",
	       t->tid, t->cpu_after, t->node_after, on_want, PAGES, want, PAGES - bad, where_name);
	return bad;
}

static void start_toucher(struct __test_metadata *_metadata, pthread_t *th,
			  struct toucher *t, int cpu, int bind_node, char *p)
{
	memset(t, 0, sizeof(*t));
	t->cpu = cpu;
	t->bind_node = bind_node;
	t->p = p;
	ASSERT_EQ(0, pthread_create(th, NULL, toucher_run, t));
}

static void join_toucher(struct __test_metadata *_metadata, pthread_t th,
			 const struct toucher *t, int want_cpu_node)
{
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(NULL, t->failed) TH_LOG("%s: %s", t->failed, strerror(t->err));
	/* It ran where it was pinned, on that node, throughout. */
	EXPECT_EQ((unsigned int)t->cpu, t->cpu_before);
	EXPECT_EQ((unsigned int)t->cpu, t->cpu_after);
	EXPECT_EQ((unsigned int)want_cpu_node, t->node_before);
	EXPECT_EQ((unsigned int)want_cpu_node, t->node_after);
}

/* Default policy: each thread's pages on its own CPU's node. */
TEST_F_TIMEOUT(numa, local_pages_on_each_node, 120)
{
	struct toucher t[2];
	pthread_t th[2];
	int status[2][PAGES];
	long begin, end;
	int k;

	if (self->np.count < 2)
		SKIP(return, NO_TWO_NODES, self->np.count);
	ASSERT_EQ(0, gg_marker("numa-local-begin"));
	for (k = 0; k < 2; k++)
		start_toucher(_metadata, &th[k], &t[k], self->np.cpu[k], -1, self->p[k]);
	for (k = 0; k < 2; k++)
		join_toucher(_metadata, th[k], &t[k], self->np.node[k]);
	ASSERT_EQ(0, gg_marker("numa-local-end"));

	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, pages_nodes_move_pages(self->p[k], status[k]))
			TH_LOG("move_pages: %s", strerror(errno));
	}
	ASSERT_TRUE(gg_events_read(&self->ev));
	begin = gg_events_marker(&self->ev, "numa-local-begin");
	end = gg_events_marker(&self->ev, "numa-local-end");
	ASSERT_GE(begin, 0);
	ASSERT_GT(end, begin);
	for (k = 0; k < 2; k++)
		EXPECT_EQ(0, check_pages(_metadata, &self->ev, begin, end, &t[k], status[k],
					 "move_pages", self->np.node[k]));
}

/* MPOL_BIND to the second node, set by the thread on the first node's CPU. */
TEST_F_TIMEOUT(numa, task_policy_binds_to_other_node, 120)
{
	int status[PAGES];
	struct toucher t;
	pthread_t th;
	long begin, end;

	if (self->np.count < 2)
		SKIP(return, NO_TWO_NODES, self->np.count);
	ASSERT_EQ(0, gg_marker("numa-bind-begin"));
	start_toucher(_metadata, &th, &t, self->np.cpu[0], self->np.node[1], self->p[0]);
	join_toucher(_metadata, th, &t, self->np.node[0]);
	ASSERT_EQ(0, gg_marker("numa-bind-end"));

	ASSERT_EQ(0, pages_nodes_get_mempolicy(self->p[0], status));
	ASSERT_TRUE(gg_events_read(&self->ev));
	begin = gg_events_marker(&self->ev, "numa-bind-begin");
	end = gg_events_marker(&self->ev, "numa-bind-end");
	ASSERT_GE(begin, 0);
	ASSERT_GT(end, begin);
	EXPECT_EQ(0, check_pages(_metadata, &self->ev, begin, end, &t, status,
				 "get_mempolicy", self->np.node[1]));
}

/* The same with mbind(2) on the region: a VMA policy, not the task's. */
TEST_F_TIMEOUT(numa, vma_policy_binds_to_other_node, 120)
{
	unsigned long mask;
	int status[PAGES];
	struct toucher t;
	pthread_t th;
	long begin, end;

	if (self->np.count < 2)
		SKIP(return, NO_TWO_NODES, self->np.count);
	mask = 1UL << self->np.node[1];
	ASSERT_EQ(0, syscall(SYS_mbind, self->p[0], LEN, MPOL_BIND, &mask, 8 * sizeof(mask), 0))
		TH_LOG("mbind: %s", strerror(errno));
	ASSERT_EQ(0, gg_marker("numa-mbind-begin"));
	start_toucher(_metadata, &th, &t, self->np.cpu[0], -1, self->p[0]);
	join_toucher(_metadata, th, &t, self->np.node[0]);
	ASSERT_EQ(0, gg_marker("numa-mbind-end"));

	ASSERT_EQ(0, pages_nodes_get_mempolicy(self->p[0], status));
	ASSERT_TRUE(gg_events_read(&self->ev));
	begin = gg_events_marker(&self->ev, "numa-mbind-begin");
	end = gg_events_marker(&self->ev, "numa-mbind-end");
	ASSERT_GE(begin, 0);
	ASSERT_GT(end, begin);
	EXPECT_EQ(0, check_pages(_metadata, &self->ev, begin, end, &t, status,
				 "get_mempolicy", self->np.node[1]));
}

TEST_HARNESS_MAIN
