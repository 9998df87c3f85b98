// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading gogrowth: the module comes up with its debugfs
 * directory, refuses bad parameters, and goes away cleanly, many times over.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

FIXTURE(module)
{
	int unused;
};

FIXTURE_SETUP(module)
{
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
}

FIXTURE_TEARDOWN(module)
{
	if (gg_is_loaded())
		gg_unload();
}

TEST_F(module, load_idle_creates_debugfs_dir)
{
	ASSERT_EQ(0, gg_load(""));
	EXPECT_TRUE(gg_is_loaded());
	EXPECT_TRUE(is_dir(GG_DEBUGFS));
	ASSERT_EQ(0, gg_unload());
	EXPECT_FALSE(gg_is_loaded());
	EXPECT_FALSE(is_dir(GG_DEBUGFS));
}

TEST_F(module, load_with_pid)
{
	char params[32];

	snprintf(params, sizeof(params), "pid=%d", getpid());
	ASSERT_EQ(0, gg_load(params));
	EXPECT_TRUE(is_dir(GG_DEBUGFS));
	ASSERT_EQ(0, gg_unload());
}

TEST_F(module, negative_pid_is_refused)
{
	EXPECT_EQ(-EINVAL, gg_load("pid=-1"));
	EXPECT_FALSE(gg_is_loaded());
	EXPECT_FALSE(is_dir(GG_DEBUGFS));
}

TEST_F(module, non_numeric_pid_is_refused)
{
	EXPECT_EQ(-EINVAL, gg_load("pid=abc"));
	EXPECT_FALSE(gg_is_loaded());
}

TEST_F_TIMEOUT(module, load_unload_50_times, 120)
{
	struct timespec start, end;
	double seconds;
	int i;

	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &start));
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, gg_load("")) TH_LOG("load %d failed", i);
		ASSERT_TRUE(is_dir(GG_DEBUGFS)) TH_LOG("no debugfs dir after load %d", i);
		ASSERT_EQ(0, gg_unload()) TH_LOG("unload %d failed", i);
		ASSERT_FALSE(is_dir(GG_DEBUGFS)) TH_LOG("debugfs dir left after unload %d", i);
	}
	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &end));
	/* For the log, not judged: every test pays a load and an unload. */
	seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	TH_LOG("50 loads and unloads in %.1f s, %.0f ms each", seconds, seconds * 20);
}

TEST_HARNESS_MAIN
