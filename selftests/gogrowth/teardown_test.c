// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading gogrowth while it works: a target faulting on every CPU, and a
 * reader blocked on the pipe. Unload must finish (or refuse, while a file is
 * open) without hanging, and the target must not notice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

TEST_F_TIMEOUT(teardown, unload_while_target_faults_on_all_cpus, 120)
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

			/* Faulting starts once traced: a load may take seconds in a debug kernel. */
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(4);
			/* a second thread, so both CPUs fault at once */
			if (pthread_create(&th, NULL, fault_thread, &seconds))
				_exit(3);
			fault_loop(seconds);
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

TEST_HARNESS_MAIN
