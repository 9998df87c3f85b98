// SPDX-License-Identifier: GPL-2.0
/*
 * ggwork: the workloads of `make bench` (scripts/bench.sh), run in the guest.
 * Static (the guest has no C library): gcc -static -O2 -o ggwork ggwork.c
 *
 *   ggwork fault MIB [RATE [THREADS]]
 *                             map MIB MiB of fresh anonymous memory (THP off:
 *                             MADV_NOHUGEPAGE) and write one byte per 4 KiB
 *                             page: one fault per page. RATE > 0 throttles to
 *                             RATE faults per second in all (absolute
 *                             nanosleep); THREADS threads (default 1) each
 *                             touch their own slice, at RATE / THREADS.
 *   ggwork mmap N             N cycles of mmap(4 KiB anonymous), write one
 *                             byte (one fault), munmap (one TLB flush).
 *   ggwork drained            only the plugin's "drained" marker: the job runs
 *                             it once a run's reader has emptied the ring.
 *
 * Only the loop is timed (CLOCK_MONOTONIC, inside the process); the last line
 * printed is "RESULT ns=<elapsed> ops=<faults or cycles> rate=<ops per s>".
 *
 * The timed loop is also a window for bench/qemu-icount.c, the QEMU plugin
 * that counts guest instructions: it begins with nopl 0x47474747(%rax) and
 * ends with nopl 0x47474748(%rax) (`ggwork drained`: nopl 0x47474749(%rax)),
 * no-ops on any x86-64 (including under QEMU without the plugin). Every run
 * that prints RESULT has executed exactly one window; a run that fails inside
 * its loop ends its window before returning.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000ULL, .tv_nsec = t % 1000000000ULL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* The plugin's window markers (see the top). */
static inline void mark_begin(void)
{
	__asm__ volatile(".byte 0x0f,0x1f,0x80,0x47,0x47,0x47,0x47" ::: "memory");
}

static inline void mark_end(void)
{
	__asm__ volatile(".byte 0x0f,0x1f,0x80,0x48,0x47,0x47,0x47" ::: "memory");
}

static inline void mark_drained(void)
{
	__asm__ volatile(".byte 0x0f,0x1f,0x80,0x49,0x47,0x47,0x47" ::: "memory");
}

static void result(uint64_t ns, uint64_t ops)
{
	printf("RESULT ns=%llu ops=%llu rate=%llu\n", (unsigned long long)ns,
	       (unsigned long long)ops,
	       (unsigned long long)(ns ? ops * 1000000000ULL / ns : 0));
}

struct slice {
	char *p;
	size_t pages;
	unsigned long rate;	/* faults per second for this thread, 0 = as fast as it can */
	uint64_t t0;
};

static void *touch(void *arg)
{
	struct slice *s = arg;
	size_t i;

	for (i = 0; i < s->pages; i++) {
		/* Throttled: page i is due at t0 + i / rate, checked every 8 pages. */
		if (s->rate && (i & 7) == 0) {
			uint64_t due = s->t0 + (uint64_t)i * 1000000000ULL / s->rate;

			if (now_ns() < due)
				sleep_until(due);
		}
		((volatile char *)s->p)[i * PAGE] = 1;
	}
	return NULL;
}

static int do_fault(unsigned long mib, unsigned long rate, unsigned long threads)
{
	size_t len = mib << 20, pages = len / PAGE, per;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct slice s[64];
	pthread_t tid[64];
	unsigned long t;
	uint64_t t0, t1;

	if (p == MAP_FAILED) {
		perror("ggwork: mmap");
		return 1;
	}
	if (madvise(p, len, MADV_NOHUGEPAGE))
		perror("ggwork: madvise(MADV_NOHUGEPAGE)");
	if (threads < 1 || threads > 64)
		threads = 1;
	per = pages / threads;
	t0 = now_ns();
	mark_begin();
	for (t = 0; t < threads; t++) {
		s[t].p = p + t * per * PAGE;
		s[t].pages = t == threads - 1 ? pages - t * per : per;
		s[t].rate = rate / threads;
		s[t].t0 = t0;
	}
	for (t = 1; t < threads; t++) {
		if (pthread_create(&tid[t], NULL, touch, &s[t])) {
			mark_end();
			fprintf(stderr, "ggwork: pthread_create failed\n");
			return 1;
		}
	}
	touch(&s[0]);
	for (t = 1; t < threads; t++)
		pthread_join(tid[t], NULL);
	mark_end();
	t1 = now_ns();
	result(t1 - t0, pages);
	munmap(p, len);
	return 0;
}

static int do_mmap(unsigned long n)
{
	unsigned long i;
	uint64_t t0, t1;

	t0 = now_ns();
	mark_begin();
	for (i = 0; i < n; i++) {
		char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			mark_end();
			perror("ggwork: mmap");
			return 1;
		}
		*(volatile char *)p = 1;
		if (munmap(p, PAGE)) {
			mark_end();
			perror("ggwork: munmap");
			return 1;
		}
	}
	mark_end();
	t1 = now_ns();
	result(t1 - t0, n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "fault"))
		return do_fault(strtoul(argv[2], NULL, 0),
				argc > 3 ? strtoul(argv[3], NULL, 0) : 0,
				argc > 4 ? strtoul(argv[4], NULL, 0) : 1);
	if (argc == 3 && !strcmp(argv[1], "mmap"))
		return do_mmap(strtoul(argv[2], NULL, 0));
	if (argc == 2 && !strcmp(argv[1], "drained")) {
		mark_drained();
		return 0;
	}
	fprintf(stderr, "usage: ggwork fault MIB [RATE [THREADS]] | ggwork mmap N | ggwork drained\n");
	return 2;
}
