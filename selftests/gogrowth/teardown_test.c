// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading gogrowth while it works: a target faulting on every CPU, a
 * target asleep inside a fault, and a reader blocked on the pipe. Unload
 * must finish (or refuse, while a file is open) without hanging, and the
 * target must not notice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Faults for @seconds: map, touch, unmap, over and over. */
static void fault_loop(double seconds)
{
	double end = now() + seconds;

	while (now() < end) {
		const size_t len = 64 * GG_PAGE_SIZE;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		size_t off;

		if (p == MAP_FAILED)
			_exit(2);
		for (off = 0; off < len; off += GG_PAGE_SIZE)
			p[off] = 1;
		munmap(p, len);
	}
}

static void *fault_thread(void *arg)
{
	fault_loop(*(double *)arg);
	return NULL;
}

FIXTURE(teardown)
{
	int unused;
};

FIXTURE_SETUP(teardown)
{
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
}

FIXTURE_TEARDOWN(teardown)
{
	if (gg_is_loaded())
		gg_unload();
}

/*
 * Three rounds: a target running @work on two threads, so that both CPUs
 * are in the module's hooks, is traced, then the module is unloaded under
 * it; the target must end well.
 */
static void unload_while_target_runs(struct __test_metadata *_metadata, void *(*work)(void *))
{
	double seconds = 3;
	char params[32], c = 'g';
	int status, round, go[2];
	pid_t child;

	for (round = 0; round < 3; round++) {
		ASSERT_EQ(0, pipe(go));
		child = fork();
		ASSERT_GE(child, 0);
		if (child == 0) {
			pthread_t th;

			/* Work starts once traced: a load may take seconds in a debug kernel. */
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(4);
			if (pthread_create(&th, NULL, work, &seconds))
				_exit(3);
			work(&seconds);
			pthread_join(th, NULL);
			_exit(0);
		}
		close(go[0]);
		snprintf(params, sizeof(params), "pid=%d", child);
		ASSERT_EQ(0, gg_load(params));
		ASSERT_EQ(1, write(go[1], &c, 1));
		close(go[1]);
		usleep(300000 + round * 400000);
		ASSERT_EQ(0, gg_unload());
		ASSERT_EQ(child, waitpid(child, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("target ended with status %#x", status);
	}
}

/*
 * Maps and unmaps: each of the target's do_mmap() calls returns through a
 * landing of the module (module/return_hook.c), so the unload must wait
 * for every call armed before the hook went away; freeing the text under
 * a returning call would oops, which the guest's log check reports.
 */
static void *map_thread(void *arg)
{
	double until = now() + *(double *)arg;

	while (now() < until) {
		void *p = mmap(NULL, 4 * GG_PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(5);
		munmap(p, 4 * GG_PAGE_SIZE);
	}
	return NULL;
}

TEST_F_TIMEOUT(teardown, unload_while_target_faults_on_all_cpus, 120)
{
	unload_while_target_runs(_metadata, fault_thread);
}

TEST_F_TIMEOUT(teardown, unload_while_target_maps_on_all_cpus, 120)
{
	unload_while_target_runs(_metadata, map_thread);
}

struct reader {
	int fd;
	ssize_t ret;
	int err;
	int done;	/* set by the reader thread, polled by the test */
};

static void *read_blocking(void *arg)
{
	struct reader *r = arg;
	char buf[256];

	r->ret = read(r->fd, buf, sizeof(buf));
	r->err = errno;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

TEST_F_TIMEOUT(teardown, unload_with_reader_blocked_on_pipe, 120)
{
	struct reader r = { .fd = -1 };
	struct sigaction sa = { .sa_handler = on_usr1 };
	pthread_t th;
	double start;
	int ret;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, gg_load(""));	/* idle: the reader will block */
	r.fd = open(GG_DEBUGFS "/events_pipe", O_RDONLY);
	ASSERT_GE(r.fd, 0);
	ASSERT_EQ(0, pthread_create(&th, NULL, read_blocking, &r));
	usleep(300000);
	ASSERT_FALSE(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) TH_LOG("read returned %zd at once on an idle ring", r.ret);

	start = now();
	ret = gg_unload();
	TH_LOG("unload with a blocked reader: %s after %.2f s", ret ? strerror(-ret) : "done",
	       now() - start);
	EXPECT_LT(now() - start, 10.0);
	/*
	 * What the module guarantees (guarantees.md, "Teardown"): an open
	 * debugfs file holds the module, so the unload is refused, not
	 * waited for; a signal then wakes the reader with EINTR.
	 */
	EXPECT_TRUE(ret == -EBUSY || ret == -EAGAIN) TH_LOG("unload: %d", ret);
	EXPECT_TRUE(gg_is_loaded());
	EXPECT_FALSE(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	start = now();
	pthread_kill(th, SIGUSR1);
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) && now() - start < 5)
		usleep(10000);
	ASSERT_TRUE(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	pthread_join(th, NULL);
	close(r.fd);
	if (gg_is_loaded())
		EXPECT_EQ(0, gg_unload());
	EXPECT_FALSE(gg_is_loaded());
}

TEST_F_TIMEOUT(teardown, unload_while_snapshot_reader_runs, 120)
{
	int status, round, go[2];
	pid_t child, cat;
	char params[32], c = 'g';

	for (round = 0; round < 3; round++) {
		ASSERT_EQ(0, pipe(go));
		child = fork();
		ASSERT_GE(child, 0);
		if (child == 0) {
			/* As above: the load may outlast a fault loop started at once. */
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(4);
			fault_loop(2);
			_exit(0);
		}
		close(go[0]);
		snprintf(params, sizeof(params), "pid=%d", child);
		ASSERT_EQ(0, gg_load(params));
		ASSERT_EQ(1, write(go[1], &c, 1));
		close(go[1]);
		usleep(200000);
		cat = fork();
		ASSERT_GE(cat, 0);
		if (cat == 0) {
			char buf[4096];
			int fd, i;

			for (i = 0; i < 50; i++) {
				fd = open(GG_DEBUGFS "/events", O_RDONLY);
				if (fd < 0)
					_exit(0);
				while (read(fd, buf, sizeof(buf)) > 0)
					;
				close(fd);
			}
			_exit(0);
		}
		usleep(100000);
		while (gg_is_loaded() && gg_unload() != 0)
			usleep(10000);
		EXPECT_EQ(cat, waitpid(cat, &status, 0));
		EXPECT_EQ(child, waitpid(child, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

/*
 * A target asleep in handle_mm_fault() (a userfaultfd page nobody has
 * filled yet) while the module unloads. Where the fault is a redirect, the
 * target sleeps inside the module's wrapper: the unload must wait for it
 * to come back out (module/redirect.c), and finish once the page is
 * filled; freeing the module's text under it would oops on its return,
 * which the guest's log check reports.
 */
struct uffd_target {
	int uffd;
	char *page;
	int seen_fd;	/* the handler writes a byte here on the fault */
	int fill_fd;	/* and fills the page once a byte comes here */
};

static void *uffd_handler(void *arg)
{
	struct uffd_target *t = arg;
	struct uffdio_copy copy = { 0 };
	struct uffd_msg msg;
	struct pollfd pfd = { .fd = t->uffd, .events = POLLIN };
	char *src, c = 'f';

	if (poll(&pfd, 1, 30000) != 1 || read(t->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		_exit(5);
	if (write(t->seen_fd, &c, 1) != 1 || read(t->fill_fd, &c, 1) != 1)
		_exit(6);
	src = mmap(NULL, GG_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED)
		_exit(7);
	memset(src, 0x5a, GG_PAGE_SIZE);
	copy.dst = (unsigned long)t->page;
	copy.src = (unsigned long)src;
	copy.len = GG_PAGE_SIZE;
	if (ioctl(t->uffd, UFFDIO_COPY, &copy))
		_exit(8);
	return NULL;
}

TEST_F_TIMEOUT(teardown, unload_while_target_sleeps_in_a_fault, 120)
{
	int go[2], seen[2], fill[2], status, unload_ret = 0;
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffd_target t;
	char params[32], c = 'g', *stats;
	bool redirect;
	double start;
	pid_t child, unloader;

	t.uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (t.uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	close(t.uffd);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(seen));
	ASSERT_EQ(0, pipe(fill));
	t.seen_fd = seen[1];
	t.fill_fd = fill[0];

	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		pthread_t th;

		/* Registered here: a fork leaves the child's ranges unregistered. */
		t.uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
		if (t.uffd < 0 || ioctl(t.uffd, UFFDIO_API, &api))
			_exit(10);
		t.page = mmap(NULL, GG_PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t.page == MAP_FAILED)
			_exit(11);
		reg.range.start = (unsigned long)t.page;
		reg.range.len = GG_PAGE_SIZE;
		if (ioctl(t.uffd, UFFDIO_REGISTER, &reg))
			_exit(12);
		if (read(go[0], &c, 1) != 1)
			_exit(4);
		if (pthread_create(&th, NULL, uffd_handler, &t))
			_exit(3);
		t.page[0] = 1;	/* sleeps until the handler fills the page */
		pthread_join(th, NULL);
		_exit(t.page[1] == 0x5a ? 0 : 9);
	}
	snprintf(params, sizeof(params), "pid=%d", child);
	ASSERT_EQ(0, gg_load(params));
	stats = gg_read_file("stats", NULL);
	ASSERT_NE(NULL, stats);
	redirect = strstr(stats, " handle_mm_fault redirect");
	free(stats);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, read(seen[0], &c, 1)) TH_LOG("the target's fault never reached userfaultfd");
	usleep(200000);	/* from the handler's wake-up to the target asleep */

	unloader = fork();
	ASSERT_GE(unloader, 0);
	if (unloader == 0)
		_exit(-gg_unload() & 0xff);
	usleep(1500000);
	if (redirect) {
		/* The target is inside the module's wrapper: the unload waits. */
		EXPECT_EQ(0, waitpid(unloader, &status, WNOHANG))
			TH_LOG("the unload finished with a task asleep in the redirected fault");
	}
	start = now();
	ASSERT_EQ(1, write(fill[1], &c, 1));
	ASSERT_EQ(unloader, waitpid(unloader, &status, 0));
	if (WIFEXITED(status))
		unload_ret = WEXITSTATUS(status);
	EXPECT_TRUE(WIFEXITED(status) && unload_ret == 0) TH_LOG("unload: status %#x", status);
	TH_LOG("%s: the unload ended %.2f s after the page was filled",
	       redirect ? "redirect" : "probe", now() - start);
	EXPECT_LT(now() - start, 10.0);
	EXPECT_FALSE(gg_is_loaded());
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("target ended with status %#x", status);
}

TEST_HARNESS_MAIN
