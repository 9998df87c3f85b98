// SPDX-License-Identifier: GPL-2.0
/*
 * fault_burst THREADS MIB: THREADS threads fault MIB MiB between them, page
 * by page, as fast as they can, then exit 0. record_test.sh records it: two
 * CPUs writing the ring at once while a reader keeps up is what makes the
 * kernel's ring buffer drop entries a consumer never gets
 * (Documentation/guarantees.md, "Known problems").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t bytes_per_thread;

static void *fault_pages(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p;
	size_t off;

	(void)arg;
	p = mmap(NULL, bytes_per_thread, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (void *)1;
	/* One fault per page: no huge page may cover many of them. */
	madvise(p, bytes_per_thread, MADV_NOHUGEPAGE);
	for (off = 0; off < bytes_per_thread; off += (size_t)page)
		p[off] = 1;
	munmap(p, bytes_per_thread);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t threads[64];
	long nthreads, mib;
	void *ret;
	int i, bad = 0;

	nthreads = argc == 3 ? strtol(argv[1], NULL, 10) : 0;
	mib = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	if (nthreads < 1 || nthreads > 64 || mib < 1 || mib > 4096) {
		fprintf(stderr, "usage: fault_burst THREADS(1-64) MIB(1-4096)\n");
		return 2;
	}
	bytes_per_thread = (size_t)mib * 1024 * 1024 / (size_t)nthreads;
	for (i = 0; i < nthreads; i++) {
		errno = pthread_create(&threads[i], NULL, fault_pages, NULL);
		if (errno) {
			perror("fault_burst: pthread_create");
			return 1;
		}
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(threads[i], &ret);
		bad |= ret != NULL;
	}
	if (bad)
		fprintf(stderr, "fault_burst: mmap: %s\n", strerror(ENOMEM));
	return bad;
}
