// SPDX-License-Identifier: GPL-2.0
/*
 * gogrowth under hostile input and hard targets: random and boundary writes
 * to every writable file, concurrent writers, a 64-thread target, targets
 * killed (SIGKILL, OOM) while faulting, zombies, and 10,000 retargets while
 * the target faults. After each, the counters add up and recording works.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

static const char * const writable[] = { "pid", "marker", "enable", "clear" };

/* One read of stats: every online CPU's line there and adding up, summing to the total. */
static int stats_mismatches(void)
{
	struct gg_stats st;
	char why[160];

	if (gg_stats_consistent(&st, why, sizeof(why)))
		return 0;
	fprintf(stderr, "# stats: %s\n", why);
	return 1;
}

/* The module still records the caller's faults: the proof it kept working. */
static bool still_records(void)
{
	long long before;

	if (gg_set_target(getpid()))
		return false;
	before = gg_stat("events", "fault");
	gg_touch_new_pages(8);
	return gg_stat("events", "fault") >= before + 8;
}

static int write_raw(const char *name, const void *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", GG_DEBUGFS, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n < 0 ? -errno : 0;
}

FIXTURE(robust)
{
	int unused;
};

FIXTURE_SETUP(robust)
{
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
	ASSERT_EQ(0, gg_load(""));
}

FIXTURE_TEARDOWN(robust)
{
	gg_unload();
}

TEST_F_TIMEOUT(robust, random_writes_get_documented_errors, 120)
{
	unsigned int seed = 12345;
	char buf[512];
	size_t f, i, k;

	for (f = 0; f < ARRAY_SIZE(writable); f++) {
		/* clear waits for an RCU grace period each time: fewer of those */
		size_t rounds = strcmp(writable[f], "clear") ? 1000 : 50;

		for (i = 0; i < rounds; i++) {
			size_t len = (size_t)(rand_r(&seed) % sizeof(buf));
			int ret;

			for (k = 0; k < len; k++)
				buf[k] = (char)rand_r(&seed);
			ret = write_raw(writable[f], buf, len);
			/* documented: success, or EINVAL / E2BIG / ESRCH / EPERM */
			EXPECT_TRUE(ret == 0 || ret == -EINVAL || ret == -E2BIG ||
				    ret == -ESRCH || ret == -EPERM)
				TH_LOG("%s: %zu random bytes gave %d", writable[f], len, ret);
		}
	}
	EXPECT_EQ(0, stats_mismatches());
	EXPECT_TRUE(still_records());
}

TEST_F_TIMEOUT(robust, boundary_writes, 120)
{
	static const char * const bad_pids[] = {
		"-1", "-2147483648", "2147483647", "2147483648", "4194305",
		"18446744073709551616", "+", "-", " 1", "1 ", "1\n\n", "0x1",
	};
	char *mib = malloc(1 << 20);
	size_t k;

	ASSERT_NE(NULL, mib);
	for (k = 0; k < ARRAY_SIZE(bad_pids); k++) {
		const char *bad = bad_pids[k];

		EXPECT_EQ(-EINVAL, gg_write_file("pid", bad)) TH_LOG("'%s'", bad);
	}
	memset(mib, 'm', 1 << 20);
	EXPECT_EQ(-E2BIG, write_raw("marker", mib, 1 << 20));
	EXPECT_EQ(-E2BIG, write_raw("marker", mib, 257));
	EXPECT_EQ(0, write_raw("marker", mib, 256));
	EXPECT_EQ(-EINVAL, write_raw("marker", "a\0b", 3));
	EXPECT_EQ(-EINVAL, gg_write_file("enable", "-1"));
	EXPECT_EQ(-EINVAL, gg_write_file("enable", "10"));
	EXPECT_EQ(0, gg_write_file("enable", "1\n"));
	/* a 1 MiB write to the numeric files is refused, not parsed */
	EXPECT_NE(0, write_raw("pid", mib, 1 << 20));
	EXPECT_NE(0, write_raw("enable", mib, 1 << 20));
	free(mib);
	EXPECT_TRUE(still_records());
}

struct writer_arg {
	const char *file;
	int iterations;
	pid_t pid;
};

static void *writer(void *arg)
{
	struct writer_arg *w = arg;
	char buf[64];
	int i;

	for (i = 0; i < w->iterations; i++) {
		if (!strcmp(w->file, "pid"))
			snprintf(buf, sizeof(buf), "%d", i % 2 ? w->pid : 0);
		else if (!strcmp(w->file, "enable"))
			snprintf(buf, sizeof(buf), "%d", i % 2);
		else
			snprintf(buf, sizeof(buf), "concurrent marker %d", i);
		gg_write_file(w->file, buf);
	}
	return NULL;
}

TEST_F_TIMEOUT(robust, concurrent_writers, 120)
{
	struct writer_arg args[] = {
		{ "pid", 2000, getpid() }, { "pid", 2000, getpid() },
		{ "marker", 2000, 0 }, { "marker", 2000, 0 },
		{ "enable", 2000, 0 }, { "clear", 50, 0 },
	};
	pthread_t th[ARRAY_SIZE(args)];
	size_t k;

	for (k = 0; k < ARRAY_SIZE(args); k++)
		ASSERT_EQ(0, pthread_create(&th[k], NULL, writer, &args[k]));
	gg_touch_new_pages(256);
	for (k = 0; k < ARRAY_SIZE(args); k++)
		pthread_join(th[k], NULL);
	ASSERT_EQ(0, gg_write_file("enable", "1"));
	EXPECT_EQ(0, stats_mismatches());
	EXPECT_TRUE(still_records());
}

static void *fault_forever(void *arg)
{
	(void)arg;
	for (;;)
		gg_touch_new_pages(16);
	return NULL;
}

TEST_F_TIMEOUT(robust, target_with_64_threads, 120)
{
	int go[2], status, k;
	long long faults;
	char *text;
	pid_t child;

	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		pthread_t th;
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		for (k = 0; k < 63; k++)
			if (pthread_create(&th, NULL, fault_forever, NULL))
				_exit(2);
		fault_forever(NULL);
	}
	close(go[0]);
	ASSERT_EQ(0, gg_set_target(child));
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	sleep(2);
	kill(child, SIGKILL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	faults = gg_stat("events", "fault");
	TH_LOG("64 threads for 2 s: %lld fault events, %lld lost", faults,
	       gg_stat("total", "lost"));
	EXPECT_GT(faults, 64);
	EXPECT_EQ(0, stats_mismatches());
	text = gg_read_file("pid", NULL);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, atoi(text)) TH_LOG("the killed target is still the target");
	free(text);
	EXPECT_TRUE(still_records());
}

TEST_F_TIMEOUT(robust, target_killed_by_oom_while_faulting, 120)
{
	int status;
	pid_t child = fork();

	ASSERT_GE(child, 0);
	if (child == 0) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY);

		/* be the OOM killer's first choice, then eat memory until killed */
		if (fd < 0 || write(fd, "1000", 4) != 4)
			_exit(3);
		close(fd);
		for (;;) {
			char *p = mmap(NULL, 64UL << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			size_t off;

			if (p == MAP_FAILED)
				continue;
			for (off = 0; off < (64UL << 20); off += GG_PAGE_SIZE)
				p[off] = 1;
		}
	}
	ASSERT_EQ(0, gg_set_target(child));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("status %#x", status);
	TH_LOG("OOM target: %lld fault events, %lld lost", gg_stat("events", "fault"),
	       gg_stat("total", "lost"));
	EXPECT_GT(gg_stat("events", "exit"), 0);
	EXPECT_EQ(0, stats_mismatches());
	EXPECT_TRUE(still_records());
}

TEST_F_TIMEOUT(robust, zombie_and_init_targets, 120)
{
	pid_t zombie = fork();
	char *text;

	ASSERT_GE(zombie, 0);
	if (zombie == 0)
		_exit(0);
	usleep(200000);	/* exited, not reaped: a zombie with no mm */
	EXPECT_EQ(-ESRCH, gg_set_target(zombie));
	waitpid(zombie, NULL, 0);
	/* pid 1 is a user process like any other: it may be traced */
	EXPECT_EQ(0, gg_set_target(1));
	text = gg_read_file("pid", NULL);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, atoi(text));
	free(text);
	EXPECT_EQ(0, gg_set_target(0));
	EXPECT_TRUE(still_records());
}

TEST_F_TIMEOUT(robust, retarget_10000_times_while_target_faults, 120)
{
	char self_pid[16], child_pid[16];
	int status, i;
	pid_t child = fork();

	ASSERT_GE(child, 0);
	if (child == 0)
		fault_forever(NULL);
	snprintf(self_pid, sizeof(self_pid), "%d", getpid());
	snprintf(child_pid, sizeof(child_pid), "%d", child);
	for (i = 0; i < 10000; i++)
		ASSERT_EQ(0, gg_write_file("pid", i % 3 == 0 ? "0" : i % 3 == 1 ?
					   child_pid : self_pid)) TH_LOG("write %d", i);
	kill(child, SIGKILL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	TH_LOG("after 10000 retargets: %lld events generated, %lld lost",
	       gg_stat("total", "generated"), gg_stat("total", "lost"));
	EXPECT_EQ(0, stats_mismatches());
	EXPECT_TRUE(still_records());
}

TEST_HARNESS_MAIN
