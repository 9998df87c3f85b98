// SPDX-License-Identifier: GPL-2.0
/*
 * trace_workload: one run of every kind of event gogrowth records, for
 * trace_tools_test.sh, which holds what trace-cmd, perf, the tracefs files
 * and bpftrace see of it against the module's debugfs ring.
 *
 * Started without arguments, it makes itself the traced process (writes
 * its pid to gogrowth's pid file), turns address-space randomisation off
 * and executes itself again with "run": an exec event, and the same layout
 * in every run, so that two runs give the same events. Then:
 *   - a marker;
 *   - 64 anonymous pages mapped and written, one fault each;
 *   - mprotect of the first 16 read-only;
 *   - madvise(MADV_DONTNEED) of the next 16, written again;
 *   - mremap of the other 48 (now a mapping of their own) to 96 pages (may
 *     move), 8 of the new pages written;
 *   - the break moved up 16 pages (brk), each written;
 *   - this program's own file mapped and read (a file mmap, fault-around);
 *   - a fork whose child waits on a pipe while the parent writes 16 of
 *     the pages (copy on write; the parent runs alone until it waits, so
 *     that it copies the same pages every run), then every other anonymous
 *     page it has (so that none is left shared when the child is gone),
 *     then exits;
 *   - a thread that maps, writes and unmaps 8 pages, and exits (waited
 *     for until it has left the thread group);
 *   - everything unmapped, a marker, exit(0).
 * The debugfs directory is $GG_DEBUGFS, by default /sys/kernel/debug/gogrowth.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NPAGES 64

static long pg;

static void die(const char *what)
{
	fprintf(stderr, "trace_workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_file(const char *name, const char *text)
{
	const char *dir = getenv("GG_DEBUGFS");
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s",
		 dir ? dir : "/sys/kernel/debug/gogrowth", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die(path);
	n = write(fd, text, strlen(text));
	if (n != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

static void touch(char *p, long pages)
{
	long i;

	for (i = 0; i < pages; i++)
		p[i * pg] = (char)i;
}

/*
 * The anonymous pages present in the writable private mappings, listed
 * before the fork. After it, a write to one of them copies it (and flushes
 * its TLB entry) while the child's mm still maps it, and reuses it in
 * place once that mm is gone, which may be later than the child's exit: a
 * tool reading /proc, or memory reclaim walking page tables, holds the mm
 * a while. The parent writes all of them while the child surely lives, so
 * that every run copies the same pages. File pages are left out: a write
 * copies those from the page cache whoever else maps them.
 */
#define PM_PRESENT	(1ULL << 63)
#define PM_FILE		(1ULL << 61)
#define MAX_ANON_PAGES	4096
static unsigned long anon_page[MAX_ANON_PAGES];
static long nanon;

static void list_anon_pages(void)
{
	unsigned long start, end, a;
	char line[512], perms[5];
	uint64_t entry;
	FILE *maps;
	int pagemap;

	maps = fopen("/proc/self/maps", "r");
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (!maps || pagemap < 0)
		die("/proc/self/maps or pagemap");
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3 ||
		    perms[1] != 'w' || perms[3] != 'p')
			continue;
		for (a = start; a < end && nanon < MAX_ANON_PAGES; a += pg) {
			if (pread(pagemap, &entry, sizeof(entry),
				  (off_t)(a / pg * sizeof(entry))) != sizeof(entry))
				die("pagemap");
			if ((entry & PM_PRESENT) && !(entry & PM_FILE))
				anon_page[nanon++] = a;
		}
	}
	fclose(maps);
	close(pagemap);
}

static void write_anon_pages(void)
{
	long i;

	/* Atomic accesses: a store of the value just read is not optimised away. */
	for (i = 0; i < nanon; i++) {
		char *c = (char *)anon_page[i];

		__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	}
}

static void *thread_fn(void *arg)
{
	char *p;

	(void)arg;
	p = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("thread mmap");
	touch(p, 8);
	if (munmap(p, 8 * pg))
		die("thread munmap");
	return NULL;
}

/*
 * pthread_join() returns when the kernel clears the thread's tid, in
 * exit_mm(), before the thread's exit event (sched_process_exit): wait
 * until the thread has left /proc/self/task (release_task(), after the
 * event), or its exit event may come after the process's and be dropped,
 * the target gone. getdents64 into the stack: no allocation, the same
 * events however many rounds it takes.
 */
static void wait_single_thread(void)
{
	char buf[1024];
	int i, fd, entries;
	long nread, off;

	for (i = 0; i < 10000; i++) {
		fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			die("/proc/self/task");
		entries = 0;
		while ((nread = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (off = 0; off < nread;) {
				unsigned short reclen;
				const char *name;

				memcpy(&reclen, buf + off + 16, sizeof(reclen));
				name = buf + off + 19;
				if (name[0] != '.')
					entries++;
				off += reclen;
			}
		}
		close(fd);
		if (nread < 0)
			die("getdents64 /proc/self/task");
		if (entries == 1)
			return;
		usleep(1000);
	}
	errno = EBUSY;
	die("the thread did not go away");
}

static void pin_fifo(int on)
{
	static cpu_set_t saved;
	struct sched_param sp = { .sched_priority = on ? 1 : 0 };
	cpu_set_t one;

	if (on) {
		if (sched_getaffinity(0, sizeof(saved), &saved))
			die("sched_getaffinity");
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			die("sched_setaffinity");
		if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp))
			die("sched_setscheduler SCHED_FIFO");
	} else {
		if (sched_setscheduler(0, SCHED_OTHER, &sp))
			die("sched_setscheduler SCHED_OTHER");
		if (sched_setaffinity(0, sizeof(saved), &saved))
			die("sched_setaffinity");
	}
}

static int run(void)
{
	char *p, *q, *brk0, *f;
	pthread_t thread;
	int pipefd[2];
	unsigned int sum = 0;
	pid_t child;
	int fd, status;
	char c;

	/* Executed as /proc/self/exe: its name, not "exe", in the tools' lines. */
	if (prctl(PR_SET_NAME, "trace_workload"))
		die("prctl PR_SET_NAME");
	write_file("marker", "trace_workload begin");

	p = mmap(NULL, NPAGES * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	touch(p, NPAGES);
	if (mprotect(p, 16 * pg, PROT_READ))
		die("mprotect");
	if (madvise(p + 16 * pg, 16 * pg, MADV_DONTNEED))
		die("madvise");
	touch(p + 16 * pg, 16);
	/* The read-only 16 are a mapping of their own now: grow the other 48. */
	q = mremap(p + 16 * pg, 48 * pg, 96 * pg, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		die("mremap");
	touch(q + 48 * pg, 8);

	brk0 = sbrk(16 * pg);
	if (brk0 == (void *)-1)
		die("sbrk");
	touch(brk0, 16);

	fd = open("/proc/self/exe", O_RDONLY);
	if (fd < 0)
		die("/proc/self/exe");
	f = mmap(NULL, 4 * pg, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f == MAP_FAILED)
		die("file mmap");
	close(fd);
	sum += (unsigned char)f[0];

	/*
	 * The child keeps the pages shared until the parent has written them.
	 * Both write right after fork() (glibc's fork handlers, the stack): the
	 * first to write a shared page copies it, so that the other reuses it,
	 * without a TLB flush. For the same copies every run, the parent runs
	 * alone until it waits: both on one CPU, the parent SCHED_FIFO, the
	 * child not (SCHED_RESET_ON_FORK).
	 */
	pin_fifo(1);
	if (pipe(pipefd))
		die("pipe");
	list_anon_pages();
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(pipefd[0]);
	touch(q, 16);
	write_anon_pages();
	close(pipefd[1]);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		die("child");
	pin_fifo(0);

	errno = pthread_create(&thread, NULL, thread_fn, NULL);
	if (errno)
		die("pthread_create");
	errno = pthread_join(thread, NULL);
	if (errno)
		die("pthread_join");
	wait_single_thread();

	if (munmap(f, 4 * pg))
		die("file munmap");
	if (munmap(q, 96 * pg))
		die("munmap");
	if (munmap(p, 16 * pg))
		die("munmap");
	write_file("marker", "trace_workload end");
	return sum == 0x7f ? 0 : 1;	/* f[0] is the ELF magic */
}

int main(int argc, char **argv)
{
	char pid[32];

	pg = sysconf(_SC_PAGESIZE);
	if (argc > 1 && !strcmp(argv[1], "run"))
		return run();

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file("pid", pid);
	if (personality(personality(0xffffffff) | ADDR_NO_RANDOMIZE) < 0)
		die("personality");
	execl("/proc/self/exe", argv[0], "run", (char *)NULL);
	die("exec /proc/self/exe");
	return 1;
}
