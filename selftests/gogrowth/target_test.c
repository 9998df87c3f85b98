// SPDX-License-Identifier: GPL-2.0
/*
 * Which tasks gogrowth traces: every thread of the target, no other
 * process, a new target as soon as the pid file says so, and never a
 * process that merely reuses an exited target's pid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

#define THREADS 4
#define PAGES 16
#define LEN (PAGES * GG_PAGE_SIZE)

static char *map_and_touch(void)
{
	char *p = gg_map_anon(PAGES);

	if (p)
		gg_touch(p, PAGES, 1);
	return p;
}

/* Events on lines of process @pid; of those, faults in [p, p + LEN) by @tid. */
static size_t count_lines(const struct gg_events *ev, pid_t pid, pid_t tid,
			  const char *p, size_t *faults_in_region)
{
	size_t k, n = 0;

	*faults_in_region = 0;
	for (k = 0; k < ev->count; k++) {
		int64_t lp, lt, addr;

		if (!gg_line_num(ev->line[k], "pid", &lp) || lp != pid)
			continue;
		n++;
		if (p && gg_line_is(ev->line[k], "fault") && !gg_fault_is_retry(ev->line[k]) &&
		    gg_line_num(ev->line[k], "tid", &lt) &&
		    (tid == 0 || lt == tid) && gg_line_num(ev->line[k], "addr", &addr) &&
		    (uintptr_t)addr >= (uintptr_t)p && (uintptr_t)addr < (uintptr_t)p + LEN)
			(*faults_in_region)++;
	}
	return n;
}

/* A child that does the same work as the target each time it is told to. */
struct worker {
	pid_t pid;
	int cmd, reply;
};

static int worker_start(struct worker *w)
{
	int to_child[2], from_child[2];

	if (pipe(to_child) || pipe(from_child))
		return -1;
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (w->pid == 0) {
		char c;

		close(to_child[1]);
		close(from_child[0]);
		while (read(to_child[0], &c, 1) == 1) {
			char *p = map_and_touch();

			if (write(from_child[1], &p, sizeof(p)) != sizeof(p))
				_exit(1);
		}
		_exit(0);
	}
	close(to_child[0]);
	close(from_child[1]);
	w->cmd = to_child[1];
	w->reply = from_child[0];
	return 0;
}

static char *worker_work(struct worker *w)
{
	char *p = NULL;

	if (write(w->cmd, "w", 1) != 1 || read(w->reply, &p, sizeof(p)) != sizeof(p))
		return NULL;
	return p;
}

static int worker_stop(struct worker *w)
{
	int status = -1;

	close(w->cmd);
	close(w->reply);
	waitpid(w->pid, &status, 0);
	return status;
}

FIXTURE(target)
{
	struct gg_events ev;
};

FIXTURE_SETUP(target)
{
	memset(&self->ev, 0, sizeof(self->ev));
	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
	ASSERT_EQ(0, gg_load(""));
}

FIXTURE_TEARDOWN(target)
{
	gg_events_free(&self->ev);
	gg_unload();
}

struct thread_work {
	pid_t tid;
	char *p;
};

static void *thread_main(void *arg)
{
	struct thread_work *tw = arg;

	tw->tid = (pid_t)syscall(SYS_gettid);
	tw->p = map_and_touch();
	return NULL;
}

TEST_F(target, all_threads_are_traced)
{
	struct thread_work tw[THREADS];
	pthread_t th[THREADS];
	size_t faults;
	int i;

	ASSERT_EQ(0, gg_set_target(getpid()));
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, thread_main, &tw[i]));
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	ASSERT_TRUE(gg_events_read(&self->ev));
	for (i = 0; i < THREADS; i++) {
		ASSERT_NE(NULL, tw[i].p);
		count_lines(&self->ev, getpid(), tw[i].tid, tw[i].p, &faults);
		EXPECT_EQ(PAGES, faults) TH_LOG("thread %d (tid %d)", i, tw[i].tid);
		munmap(tw[i].p, LEN);
	}
}

TEST_F(target, other_process_adds_nothing)
{
	struct worker w;
	size_t faults, lines;
	char *theirs, *mine;

	ASSERT_EQ(0, worker_start(&w));
	ASSERT_EQ(0, gg_set_target(getpid()));
	mine = map_and_touch();
	theirs = worker_work(&w);
	ASSERT_NE(NULL, theirs);
	ASSERT_NE(NULL, mine);
	ASSERT_TRUE(gg_events_read(&self->ev));
	lines = count_lines(&self->ev, w.pid, 0, theirs, &faults);
	EXPECT_EQ(0, lines);
	count_lines(&self->ev, getpid(), 0, mine, &faults);
	EXPECT_EQ(PAGES, faults);
	EXPECT_EQ(0, worker_stop(&w));
}

TEST_F(target, retarget_switches_cleanly)
{
	struct worker w;
	size_t faults, lines;
	char *round1, *round2, *mine, *pid_text;

	ASSERT_EQ(0, worker_start(&w));
	ASSERT_EQ(0, gg_set_target(w.pid));
	pid_text = gg_read_file("pid", NULL);
	ASSERT_NE(NULL, pid_text);
	EXPECT_EQ(w.pid, atoi(pid_text));
	free(pid_text);

	mine = map_and_touch();		/* not the target now */
	round1 = worker_work(&w);	/* the target */
	ASSERT_EQ(0, gg_set_target(getpid()));
	round2 = worker_work(&w);	/* no longer the target */
	ASSERT_NE(NULL, round1);
	ASSERT_NE(NULL, round2);
	ASSERT_NE(NULL, mine);

	ASSERT_TRUE(gg_events_read(&self->ev));
	count_lines(&self->ev, w.pid, 0, round1, &faults);
	EXPECT_EQ(PAGES, faults);
	count_lines(&self->ev, w.pid, 0, round2, &faults);
	EXPECT_EQ(0, faults);
	count_lines(&self->ev, getpid(), 0, mine, &faults);
	EXPECT_EQ(0, faults);
	lines = count_lines(&self->ev, w.pid, 0, NULL, &faults);
	EXPECT_GT(lines, PAGES);
	EXPECT_EQ(0, worker_stop(&w));
}

/* Makes the next fork get pid @want; returns the child's pid. */
static pid_t fork_with_pid(pid_t want, int *go_fd)
{
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
	int go[2];
	char buf[32];
	pid_t child;

	if (fd < 0 || pipe(go))
		return -1;
	snprintf(buf, sizeof(buf), "%d", want - 1);
	if (write(fd, buf, strlen(buf)) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	child = fork();
	if (child == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) == 1)
			map_and_touch();
		_exit(0);
	}
	close(go[0]);
	*go_fd = go[1];
	return child;
}

/* Line of the exit event that ended process @pid; -1 if none. */
static long group_exit_line(const struct gg_events *ev, pid_t pid)
{
	long i = -1;

	while ((i = gg_events_find(ev, i, "exit")) >= 0) {
		int64_t p, dead;

		if (gg_line_num(ev->line[i], "pid", &p) && p == pid &&
		    gg_line_num(ev->line[i], "group_dead", &dead) && dead == 1)
			return i;
	}
	return -1;
}

/* A target that exits: its group_dead exit is recorded and pid reads 0. */
static void target_exits(struct __test_metadata *_metadata, struct gg_events *ev,
			 struct worker *w)
{
	char *pid_text;

	ASSERT_EQ(0, worker_start(w));
	ASSERT_EQ(0, gg_set_target(w->pid));
	ASSERT_NE(NULL, worker_work(w));
	ASSERT_EQ(0, worker_stop(w));

	ASSERT_TRUE(gg_events_read(ev));
	EXPECT_GE(group_exit_line(ev, w->pid), 0)
		TH_LOG("no exit event with group_dead=1 for %d", w->pid);
	gg_events_free(ev);
	pid_text = gg_read_file("pid", NULL);
	ASSERT_NE(NULL, pid_text);
	EXPECT_EQ(0, atoi(pid_text));
	free(pid_text);
}

/* Checked on every run, whether or not the pid can be reused after. */
TEST_F(target, exit_is_recorded_and_clears_pid)
{
	struct worker w;

	target_exits(_metadata, &self->ev, &w);
}

TEST_F(target, reused_pid_is_not_traced)
{
	char pgd[32], old_pgd[32];
	struct worker w;
	size_t faults;
	int go, status;
	long exit_line, i;
	pid_t again;

	/* Its checks may be hidden by the SKIP below: exit_is_recorded_and_clears_pid has them. */
	target_exits(_metadata, &self->ev, &w);

	/* A new process with the old target's pid number does the same work. */
	again = fork_with_pid(w.pid, &go);
	ASSERT_GT(again, 0);
	if (again != w.pid) {
		close(go);
		waitpid(again, &status, 0);
		SKIP(return, "could not reuse pid %d (got %d)", w.pid, again);
	}
	ASSERT_EQ(1, write(go, "g", 1));
	close(go);
	ASSERT_EQ(again, waitpid(again, &status, 0));

	ASSERT_TRUE(gg_events_read(&self->ev));
	exit_line = group_exit_line(&self->ev, w.pid);
	ASSERT_GE(exit_line, 0);
	EXPECT_GT(count_lines(&self->ev, w.pid, 0, NULL, &faults), PAGES);
	/*
	 * After its exit, only the teardown of its own address space may
	 * still carry its pid: TLB flushes of the mm the exit names (on 6.16+
	 * the dying task tears it down after the exit tracepoint).
	 */
	ASSERT_TRUE(gg_line_value(self->ev.line[exit_line], "pgd", old_pgd, sizeof(old_pgd)));
	for (i = exit_line + 1; i < (long)self->ev.count; i++) {
		int64_t p;

		if (!gg_line_num(self->ev.line[i], "pid", &p) || p != w.pid)
			continue;
		EXPECT_TRUE(gg_line_is(self->ev.line[i], "tlb_flush") &&
			    gg_line_value(self->ev.line[i], "pgd", pgd, sizeof(pgd)) &&
			    !strcmp(pgd, old_pgd))
			TH_LOG("after the exit: %s", self->ev.line[i]);
	}
}

TEST_F(target, exec_is_recorded_and_followed)
{
	int go[2], status;
	long exec_line, i;
	size_t after = 0, bad_cr3 = 0;
	int64_t pgd_before = -1, pgd_after = -1;
	char filename[64];
	pid_t child;

	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		char c;

		close(go[1]);
		map_and_touch();
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/busybox", "busybox", "true", (char *)NULL);
		_exit(2);
	}
	close(go[0]);
	ASSERT_EQ(0, gg_set_target(child));
	ASSERT_EQ(1, write(go[1], "x", 1));
	close(go[1]);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	ASSERT_TRUE(gg_events_read(&self->ev));
	exec_line = gg_events_find(&self->ev, -1, "exec");
	ASSERT_GE(exec_line, 0);
	ASSERT_TRUE(gg_line_value(self->ev.line[exec_line], "filename", filename,
				  sizeof(filename)));
	EXPECT_STREQ("/bin/busybox", filename);
	for (i = 0; i < (long)self->ev.count; i++) {
		int64_t p, pgd, cr3;

		if (!gg_line_num(self->ev.line[i], "pid", &p) || p != child ||
		    gg_line_is(self->ev.line[i], "exit") ||
		    !gg_line_num(self->ev.line[i], "pgd", &pgd) ||
		    !gg_line_num(self->ev.line[i], "cr3", &cr3))
			continue;
		if (pgd_before < 0) {
			pgd_before = pgd;
		} else if (i > exec_line) {
			pgd_after = pgd;
			after++;
		}
		/*
		 * Documented exceptions: exec copies the arguments into the new
		 * mm through get_user_pages while running on the old one, and
		 * tears the old one down (tlb_flush) on the new one.
		 */
		if (gg_line_is(self->ev.line[i], "tlb_flush") ||
		    strstr(self->ev.line[i], " origin=gup "))
			continue;
		if (((uint64_t)cr3 & 0x000ffffffffff000ULL) != (uint64_t)pgd) {
			bad_cr3++;
			TH_LOG("%s", self->ev.line[i]);
		}
	}
	/* the new program's own faults are traced, on its new page tables */
	EXPECT_GT(after, 5);
	EXPECT_NE(pgd_before, pgd_after);
	EXPECT_EQ(0, bad_cr3);
}

TEST_F(target, kernel_thread_is_refused)
{
	char *pid_text;

	/* pid 2 is kthreadd: no user address space to trace */
	EXPECT_EQ(-EPERM, gg_set_target(2));
	pid_text = gg_read_file("pid", NULL);
	ASSERT_NE(NULL, pid_text);
	EXPECT_EQ(0, atoi(pid_text));
	free(pid_text);
}

TEST_HARNESS_MAIN
