// SPDX-License-Identifier: GPL-2.0
/*
 * The races of the target's lifetime, each provoked on purpose: a target
 * that dies while the module loads or while its pid is written, a group
 * whose leader has gone, threads of an exit_group() dying together, and a
 * fault in another process's memory whose handler drops the lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

static int pid_file_value(void)
{
	char *buf = gg_read_file("pid", NULL);
	int v = buf ? atoi(buf) : -1;

	free(buf);
	return v;
}

/* The module is loaded and unloaded by each test itself. */
FIXTURE(race)
{
};

FIXTURE_SETUP(race)
{
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
}

FIXTURE_TEARDOWN(race)
{
	if (gg_is_loaded())
		gg_unload();
}

/*
 * The window between the module taking a process's mm and publishing it
 * as the target is microseconds wide. The module's set_delay_ms widens it
 * to SET_DELAY_MS, so that a child that exits SET_DELAY_MS / 2 after the
 * set began is alive when its mm is taken and gone before it is published:
 * every round puts the exit inside the window.
 */
#define SET_DELAY_MS	300
#define WINDOW_ROUNDS	4
#define SET_DELAY_PARAM	"/sys/module/gogrowth/parameters/set_delay_ms"

static unsigned int usecs_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (unsigned int)((t1.tv_sec - t0->tv_sec) * 1000000 +
			      (t1.tv_nsec - t0->tv_nsec) / 1000);
}

/* A child that exits @us microseconds after it was forked. */
static pid_t child_exiting_after(unsigned int us)
{
	pid_t pid = fork();

	if (pid == 0) {
		usleep(us);
		_exit(0);
	}
	return pid;
}

static int set_delay(unsigned int ms)
{
	char buf[16];
	int fd = open(SET_DELAY_PARAM, O_WRONLY | O_CLOEXEC);
	int len = snprintf(buf, sizeof(buf), "%u\n", ms);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* Nothing at all is recorded while processes other than the test map, fault and unmap. */
static unsigned int events_of_others(pid_t target)
{
	struct gg_events ev = { 0 };
	char own[32];
	unsigned int n = 0;
	size_t j;
	int i;

	for (i = 0; i < 8; i++) {
		pid_t p = fork();

		if (p == 0) {
			char *m = gg_map_anon(16);

			if (m) {
				gg_touch(m, 16, 1);
				munmap(m, 16 * GG_PAGE_SIZE);
			}
			_exit(0);
		}
		if (p > 0)
			waitpid(p, NULL, 0);
	}
	if (!gg_events_read(&ev))
		return UINT_MAX;
	/*
	 * The target's own events (its exit, its teardown's flush) are not
	 * others': on a loaded host the set can end before the child exits.
	 */
	snprintf(own, sizeof(own), " pid=%d ", target);
	for (j = 0; j < ev.count; j++) {
		if (strstr(ev.line[j], own))
			continue;
		if (n++ < 3)
			printf("# another process's event: %.160s\n", ev.line[j]);
	}
	gg_events_free(&ev);
	return n;
}

/*
 * Loading with pid= of a process that exits after its mm was taken and
 * before it was published: the load must fail with -ESRCH, not trace a
 * dead tgid (which `pid` would read forever: the exit tracepoint had
 * already been passed) nor keep its mm as a cookie.
 */
TEST_F_TIMEOUT(race, load_while_target_exits, 240)
{
	unsigned int i, in_window = 0, stale = 0, load_us, took_us;
	struct timespec t0;

	/* How long a load takes before it sets the target. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, gg_load(""));
	load_us = usecs_since(&t0);
	ASSERT_EQ(0, gg_unload());
	TH_LOG("a load takes %u us; target set delayed %d ms", load_us, SET_DELAY_MS);
	for (i = 0; i < WINDOW_ROUNDS; i++) {
		pid_t child = child_exiting_after(load_us + SET_DELAY_MS * 1000 / 2);
		char params[64];
		int ret, v;

		ASSERT_GT(child, 0);
		snprintf(params, sizeof(params), "pid=%d set_delay_ms=%d", child, SET_DELAY_MS);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ret = gg_load(params);
		took_us = usecs_since(&t0);
		ASSERT_EQ(child, waitpid(child, NULL, 0));
		/* Only a set that took the mm sleeps: a load this long had the child alive then. */
		if (took_us >= SET_DELAY_MS * 1000)
			in_window++;
		if (ret == -ESRCH)
			continue;
		ASSERT_EQ(0, ret);
		v = pid_file_value();
		if (v != 0 && stale++ < 3)
			TH_LOG("round %u: loaded, pid reads %d after %d was reaped", i, v, child);
		EXPECT_EQ(0, events_of_others(child));
		ASSERT_EQ(0, gg_unload());
	}
	TH_LOG("%u of %u loads took the child's mm before it exited", in_window, WINDOW_ROUNDS);
	EXPECT_EQ(0, stale);
	EXPECT_GT(in_window, 0);
}

/*
 * The same with a pid write into a loaded module: the write fails with
 * -ESRCH, `pid` reads 0 at once (`gogrowth record -p` waits for that), and
 * nothing of another process is recorded afterwards.
 */
TEST_F_TIMEOUT(race, pid_write_racing_exit, 240)
{
	unsigned int i, in_window = 0, stale = 0, took_us;
	struct timespec t0;
	char buf[32];

	ASSERT_EQ(0, gg_load(""));
	ASSERT_EQ(0, set_delay(SET_DELAY_MS));
	for (i = 0; i < WINDOW_ROUNDS; i++) {
		pid_t child = child_exiting_after(SET_DELAY_MS * 1000 / 2);
		int ret, v;

		ASSERT_GT(child, 0);
		snprintf(buf, sizeof(buf), "%d\n", child);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ret = gg_write_file("pid", buf);
		took_us = usecs_since(&t0);
		ASSERT_TRUE(ret == 0 || ret == -ESRCH) TH_LOG("pid write: %d", ret);
		ASSERT_EQ(child, waitpid(child, NULL, 0));
		in_window += took_us >= SET_DELAY_MS * 1000;
		v = pid_file_value();
		if (v != 0 && stale++ < 3)
			TH_LOG("round %u: write returned %d, pid reads %d after %d was reaped",
			       i, ret, v, child);
		ASSERT_EQ(0, gg_write_file("clear", "1"));
		EXPECT_EQ(0, events_of_others(child));
		ASSERT_EQ(0, gg_set_target(0));
	}
	ASSERT_EQ(0, set_delay(0));
	TH_LOG("%u of %u writes took the child's mm before it exited", in_window, WINDOW_ROUNDS);
	EXPECT_EQ(0, stale);
	EXPECT_GT(in_window, 0);

	/* And without the delay, racing at random, as a user's script would. */
	for (i = 0, stale = 0; i < 300; i++) {
		pid_t child = fork();
		unsigned int seed = i;
		int ret;

		if (child == 0) {
			usleep(rand_r(&seed) % 3000);
			_exit(0);
		}
		ASSERT_GT(child, 0);
		snprintf(buf, sizeof(buf), "%d\n", child);
		ret = gg_write_file("pid", buf);
		ASSERT_TRUE(ret == 0 || ret == -ESRCH) TH_LOG("pid write: %d", ret);
		ASSERT_EQ(child, waitpid(child, NULL, 0));
		stale += pid_file_value() != 0;
		ASSERT_EQ(0, gg_set_target(0));
	}
	EXPECT_EQ(0, stale);
	gg_unload();
}

static void *touch_on_command(void *arg)
{
	int *fds = arg;
	char c;

	while (read(fds[0], &c, 1) == 1) {
		if (c == 't')
			gg_touch_new_pages(8);
		if (write(fds[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

/*
 * A group whose leader called pthread_exit() is alive in its other
 * threads: it can be traced, and their faults are recorded.
 */
TEST_F(race, leader_gone_group_is_traced)
{
	int cmd[2], reply[2], fds[2];
	struct gg_events ev = { 0 };
	char c = 't', path[64], stat[256];
	size_t k, faults = 0;
	pid_t child;
	int i;

	ASSERT_EQ(0, pipe(cmd));
	ASSERT_EQ(0, pipe(reply));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		pthread_t th;

		fds[0] = cmd[0];
		fds[1] = reply[1];
		if (pthread_create(&th, NULL, touch_on_command, fds))
			_exit(1);
		pthread_exit(NULL);
	}
	/* Wait for the leader to be a zombie with its thread still running. */
	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	for (i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		char *state = NULL;

		if (f && fgets(stat, sizeof(stat), f))
			state = strrchr(stat, ')');
		if (f)
			fclose(f);
		if (state && state[2] == 'Z')
			break;
		usleep(2000);
	}
	ASSERT_LT(i, 500) TH_LOG("the leader never became a zombie");

	ASSERT_EQ(0, gg_load(""));
	ASSERT_EQ(0, gg_set_target(child));
	EXPECT_EQ(child, pid_file_value());
	ASSERT_EQ(1, write(cmd[1], &c, 1));
	ASSERT_EQ(1, read(reply[0], &c, 1));
	ASSERT_TRUE(gg_events_read(&ev));
	for (k = 0; k < ev.count; k++) {
		int64_t pid;

		if (gg_line_is(ev.line[k], "fault") && !gg_fault_is_retry(ev.line[k]) &&
		    gg_line_num(ev.line[k], "pid", &pid) && pid == child)
			faults++;
	}
	EXPECT_GE(faults, 8);
	gg_events_free(&ev);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	EXPECT_EQ(0, pid_file_value());
	gg_unload();
}

#define GROUP_THREADS 16

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		sched_yield();
	return NULL;
}

/*
 * exit_group() with many threads: exactly one exit event says the group
 * died, and the teardown of the address space (exit_mmap()'s whole-mm
 * flush) is still recorded: the ring is large enough for a round, so
 * nothing may be lost.
 */
TEST_F_TIMEOUT(race, exit_group_with_threads, 120)
{
	unsigned int round, bad_exits = 0, no_teardown = 0;

	ASSERT_EQ(0, gg_load(""));
	for (round = 0; round < 10; round++) {
		struct gg_events ev = { 0 };
		int go[2], ready[2];
		int64_t pid, val, lost = 0;
		unsigned int dead = 0, teardown = 0;
		char c = 'g', pgd[32] = "", v[32];
		size_t k;
		pid_t child;

		ASSERT_EQ(0, gg_write_file("clear", "1"));
		ASSERT_EQ(0, pipe(go));
		ASSERT_EQ(0, pipe(ready));
		child = fork();
		ASSERT_GE(child, 0);
		if (child == 0) {
			pthread_t th;
			int t;

			for (t = 0; t < GROUP_THREADS; t++)
				if (pthread_create(&th, NULL, spin, NULL))
					_exit(1);
			if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
				_exit(1);
			/* One fault, so that the events name this mm's pgd. */
			gg_touch_new_pages(1);
			exit(0);
		}
		ASSERT_EQ(1, read(ready[0], &c, 1));
		ASSERT_EQ(0, gg_set_target(child));
		ASSERT_EQ(1, write(go[1], &c, 1));
		ASSERT_EQ(child, waitpid(child, NULL, 0));
		close(go[0]);
		close(go[1]);
		close(ready[0]);
		close(ready[1]);

		ASSERT_TRUE(gg_events_read(&ev));
		for (k = 0; k < ev.count; k++) {
			const char *line = ev.line[k];

			if (gg_line_is(line, "lost") && gg_line_num(line, "count", &val))
				lost += val;
			if (!gg_line_num(line, "pid", &pid) || pid != child)
				continue;
			if (gg_line_is(line, "fault"))
				gg_line_value(line, "pgd", pgd, sizeof(pgd));
			if (gg_line_is(line, "exit") && gg_line_num(line, "group_dead", &val))
				dead += val == 1;
		}
		/* The teardown's flush of the whole mm, done by whichever task drops it last. */
		for (k = 0; k < ev.count; k++)
			if (gg_line_is(ev.line[k], "tlb_flush") &&
			    gg_line_value(ev.line[k], "pgd", v, sizeof(v)) && !strcmp(v, pgd) &&
			    gg_line_value(ev.line[k], "pages", v, sizeof(v)) && !strcmp(v, "all"))
				teardown++;
		if (dead != 1 && bad_exits++ < 3)
			TH_LOG("round %u: %u exit events with group_dead=1", round, dead);
		if (!pgd[0])
			TH_LOG("round %u: no fault of the child recorded", round);
		/* The ring holds far more than one round: nothing may be lost here. */
		if ((!teardown || lost) && no_teardown++ < 3)
			TH_LOG("round %u: %u whole-mm flushes of pgd %s, %lld lost",
			       round, teardown, pgd, (long long)lost);
		gg_events_free(&ev);
		EXPECT_EQ(0, pid_file_value());
	}
	EXPECT_EQ(0, bad_exits);
	EXPECT_EQ(0, no_teardown);
	gg_unload();
}

/* ---- a fault in another process's memory that drops the lock ---- */

struct uffd_victim {
	pid_t pid;
	uintptr_t region;
	int to_parent[2], from_parent[2];
};

#define VICTIM_PAGES 4

static void *resolve_faults(void *arg)
{
	/* UFFDIO_COPY wants a page-aligned source. */
	char *page = mmap(NULL, GG_PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int uffd = *(int *)arg;

	if (page == MAP_FAILED)
		return NULL;
	memset(page, 0x5a, GG_PAGE_SIZE);
	for (;;) {
		struct uffd_msg msg;
		struct uffdio_copy copy;
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };

		if (poll(&pfd, 1, -1) < 0 || read(uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		/* Keep the remote fault waiting, so that it surely drops the lock. */
		usleep(20000);
		copy.dst = msg.arg.pagefault.address & ~(GG_PAGE_SIZE - 1);
		copy.src = (uintptr_t)page;
		copy.len = GG_PAGE_SIZE;
		copy.mode = 0;
		ioctl(uffd, UFFDIO_COPY, &copy);
	}
	return NULL;
}

/* A child whose region is served by userfaultfd; says where it is. */
static int start_victim(struct uffd_victim *v)
{
	if (pipe(v->to_parent) || pipe(v->from_parent))
		return -1;
	v->pid = fork();
	if (v->pid < 0)
		return -1;
	if (v->pid == 0) {
		struct uffdio_api api = { .api = UFFD_API };
		struct uffdio_register reg;
		static int uffd;
		pthread_t th;
		uintptr_t addr;
		char *p;
		char c;

		uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
		p = mmap(NULL, VICTIM_PAGES * GG_PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		addr = p == MAP_FAILED || uffd < 0 ? 0 : (uintptr_t)p;
		reg.range.start = addr;
		reg.range.len = VICTIM_PAGES * GG_PAGE_SIZE;
		reg.mode = UFFDIO_REGISTER_MODE_MISSING;
		if (addr && (ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg) ||
			     pthread_create(&th, NULL, resolve_faults, &uffd)))
			addr = 0;
		if (write(v->to_parent[1], &addr, sizeof(addr)) != sizeof(addr))
			_exit(1);
		/* Until the parent is done. */
		if (read(v->from_parent[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	if (read(v->to_parent[0], &v->region, sizeof(v->region)) != sizeof(v->region))
		return -1;
	return v->region ? 0 : -1;
}

/*
 * The target writes into a child's userfaultfd region with
 * process_vm_writev(): each remote fault waits for the child's handler,
 * dropping the lock, and returns RETRY. Its page tables are not the
 * target's, so the module must not walk them then: the after-state is
 * "unknown". (GUP then finds the page the handler installed without
 * faulting again.)
 */
TEST_F(race, remote_fault_with_lock_dropped_is_not_walked)
{
	static char buf[VICTIM_PAGES * 4096];
	struct uffd_victim v;
	struct gg_events ev = { 0 };
	struct iovec local, remote;
	unsigned int dropped = 0, walked_dropped = 0;
	char params[32], level[16], result[16];
	size_t k;
	char c = 'x';

	ASSERT_EQ(0, start_victim(&v)) TH_LOG("userfaultfd region in the child: %s",
					      strerror(errno));
	snprintf(params, sizeof(params), "pid=%d", getpid());
	ASSERT_EQ(0, gg_load(params));
	memset(buf, 1, sizeof(buf));
	local.iov_base = buf;
	local.iov_len = sizeof(buf);
	remote.iov_base = (void *)v.region;
	remote.iov_len = sizeof(buf);
	ASSERT_EQ((ssize_t)sizeof(buf), process_vm_writev(v.pid, &local, 1, &remote, 1, 0));

	ASSERT_TRUE(gg_events_read(&ev));
	for (k = 0; k < ev.count; k++) {
		const char *line = ev.line[k];
		int64_t addr, vmf;

		if (!gg_line_is(line, "fault") || !gg_line_num(line, "addr", &addr) ||
		    (uintptr_t)addr < v.region ||
		    (uintptr_t)addr >= v.region + VICTIM_PAGES * GG_PAGE_SIZE)
			continue;
		ASSERT_TRUE(gg_line_value(line, "level", level, sizeof(level)));
		ASSERT_TRUE(gg_line_value(line, "result", result, sizeof(result)));
		ASSERT_TRUE(gg_line_num(line, "vmf", &vmf));
		/* VM_FAULT_RETRY 0x400, VM_FAULT_COMPLETED 0x4000 */
		if (vmf & (0x400 | 0x4000)) {
			dropped++;
			if (strcmp(level, "unknown") && walked_dropped++ < 3)
				TH_LOG("walked after the lock was dropped: %s", line);
		}
	}
	TH_LOG("%u remote faults dropped the lock", dropped);
	EXPECT_GE(dropped, VICTIM_PAGES);
	EXPECT_EQ(0, walked_dropped);
	gg_events_free(&ev);
	ASSERT_EQ(1, write(v.from_parent[1], &c, 1));
	waitpid(v.pid, NULL, 0);
	gg_unload();
}

TEST_HARNESS_MAIN
