// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "gg_test.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *gg_module_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("GOGROWTH_KO");
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n < 0)
		return "gogrowth.ko";
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return "gogrowth.ko";
	snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "gogrowth.ko");
	return path;
}

/* GG_LOAD_PARAMS: more module parameters for every load (fallback_hooks_test.sh). */
int gg_load(const char *params)
{
	int fd = open(gg_module_path(), O_RDONLY | O_CLOEXEC);
	const char *more = getenv("GG_LOAD_PARAMS");
	char all[256];
	int ret;

	if (fd < 0)
		return -errno;
	if ((size_t)snprintf(all, sizeof(all), "%s %s", params ? params : "",
			     more ? more : "") >= sizeof(all)) {
		close(fd);
		return -E2BIG;
	}
	ret = syscall(SYS_finit_module, fd, all, 0);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int gg_unload(void)
{
	int tries;

	for (tries = 0; tries < 500; tries++) {
		if (syscall(SYS_delete_module, "gogrowth", O_NONBLOCK) == 0)
			return 0;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			return -errno;
		usleep(10000);
	}
	return -EBUSY;
}

int gg_load_self(void)
{
	char params[32];
	int ret;

	if (gg_is_loaded()) {
		ret = gg_unload();
		if (ret)
			return ret;
	}
	snprintf(params, sizeof(params), "pid=%d", getpid());
	return gg_load(params);
}

bool gg_is_loaded(void)
{
	struct stat st;

	return stat("/sys/module/gogrowth", &st) == 0;
}

char *gg_read_file(const char *name, size_t *len)
{
	char path[PATH_MAX];
	size_t cap = 65536, used = 0;
	char *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", GG_DEBUGFS, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(cap + 1);
	while (buf) {
		ssize_t n;

		if (used == cap) {
			char *bigger = realloc(buf, cap * 2 + 1);

			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (buf) {
		buf[used] = '\0';
		if (len)
			*len = used;
	}
	return buf;
}

int gg_write_file(const char *name, const char *text)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", GG_DEBUGFS, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(text))
		ret = -EIO;
	close(fd);
	return ret;
}

bool gg_line_value(const char *line, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = line;

	while (p && *p) {
		if ((p == line || p[-1] == ' ') && !strncmp(p, key, klen) && p[klen] == '=') {
			const char *v = p + klen + 1;
			bool rest_of_line = !strcmp(key, "text");
			size_t n = 0;

			while (v[n] && v[n] != '\n' && (rest_of_line || v[n] != ' '))
				n++;

			if (n >= size)
				n = size - 1;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return true;
		}
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return false;
}

bool gg_line_num(const char *line, const char *key, int64_t *val)
{
	char buf[64], *end;

	if (!gg_line_value(line, key, buf, sizeof(buf)) || !buf[0])
		return false;
	errno = 0;
	if (buf[0] == '-')
		*val = strtoll(buf, &end, 0);
	else
		*val = (int64_t)strtoull(buf, &end, 0);
	return errno == 0 && *end == '\0';
}

bool gg_line_is(const char *line, const char *type)
{
	char ev[32];

	return gg_line_value(line, "ev", ev, sizeof(ev)) && !strcmp(ev, type);
}

bool gg_fault_is_retry(const char *line)
{
	char result[16];

	return gg_line_value(line, "result", result, sizeof(result)) && !strcmp(result, "retry");
}

size_t gg_split_lines(char *buf, char ***lines)
{
	size_t n = 0, cap = 0;
	char *save = NULL, *line;

	*lines = NULL;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			char **bigger;

			cap = cap ? cap * 2 : 1024;
			bigger = realloc(*lines, cap * sizeof(**lines));
			if (!bigger)
				break;
			*lines = bigger;
		}
		(*lines)[n++] = line;
	}
	return n;
}

bool gg_events_read(struct gg_events *ev)
{
	ev->buf = gg_read_file("events", NULL);
	ev->line = NULL;
	ev->count = 0;
	if (!ev->buf)
		return false;
	ev->count = gg_split_lines(ev->buf, &ev->line);
	return true;
}

void gg_events_free(struct gg_events *ev)
{
	free(ev->line);
	free(ev->buf);
	ev->line = NULL;
	ev->buf = NULL;
	ev->count = 0;
}

long gg_events_find(const struct gg_events *ev, long from, const char *type)
{
	size_t i;

	for (i = from < 0 ? 0 : (size_t)from + 1; i < ev->count; i++)
		if (gg_line_is(ev->line[i], type))
			return (long)i;
	return -1;
}

long gg_events_marker(const struct gg_events *ev, const char *text)
{
	char got[300];
	long i = -1;

	while ((i = gg_events_find(ev, i, "marker")) >= 0)
		if (gg_line_value(ev->line[i], "text", got, sizeof(got)) && !strcmp(got, text))
			return i;
	return -1;
}

int gg_marker(const char *text)
{
	return gg_write_file("marker", text);
}

int gg_set_target(int pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d\n", pid);
	return gg_write_file("pid", buf);
}

long long gg_stat(const char *line_key, const char *word)
{
	char *stats = gg_read_file("stats", NULL), *save = NULL, *line;
	long long val = -1;

	if (!stats)
		return -1;
	for (line = strtok_r(stats, "\n", &save); line && val < 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tok, *tsave = NULL;

		tok = strtok_r(line, " ", &tsave);
		if (!tok || strcmp(tok, line_key))
			continue;
		while ((tok = strtok_r(NULL, " ", &tsave))) {
			if (!strcmp(tok, word)) {
				tok = strtok_r(NULL, " ", &tsave);
				if (tok)
					val = strtoll(tok, NULL, 0);
				break;
			}
		}
	}
	free(stats);
	return val;
}

bool gg_stats_consistent(struct gg_stats *st, char *why, size_t size)
{
	long long sum_g = 0, sum_r = 0, sum_l = 0;
	int online = (int)sysconf(_SC_NPROCESSORS_ONLN), cpu, k;
	char *text = gg_read_file("stats", NULL), *save = NULL, *line;
	bool ok = true, total = false, seen[1024] = { false };

	memset(st, 0, sizeof(*st));
	if (!text) {
		snprintf(why, size, "stats cannot be read: %s", strerror(errno));
		return false;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long long g, r, l;

		if (sscanf(line, "cpu%d generated %lld recorded %lld lost %lld", &cpu, &g, &r,
			   &l) == 4) {
			if (cpu >= 0 && cpu < 1024)
				seen[cpu] = true;
			st->cpus++;
			sum_g += g;
			sum_r += r;
			sum_l += l;
			if (g != r + l && ok) {
				snprintf(why, size, "cpu%d: generated %lld != recorded %lld + lost %lld",
					 cpu, g, r, l);
				ok = false;
			}
		} else if (sscanf(line, "total generated %lld recorded %lld lost %lld",
				  &st->generated, &st->recorded, &st->lost) == 3) {
			total = true;
		}
	}
	free(text);
	for (k = 0; k < online && k < 1024 && ok; k++) {
		if (!seen[k]) {
			snprintf(why, size, "no cpu%d line for an online CPU", k);
			ok = false;
		}
	}
	if (ok && !total) {
		snprintf(why, size, "no total line");
		ok = false;
	}
	if (ok && (sum_g != st->generated || sum_r != st->recorded || sum_l != st->lost)) {
		snprintf(why, size, "the CPU lines sum to %lld/%lld/%lld, the total says %lld/%lld/%lld",
			 sum_g, sum_r, sum_l, st->generated, st->recorded, st->lost);
		ok = false;
	}
	return ok;
}

uint64_t gg_pagemap_pfn(const void *addr)
{
	uint64_t entry = 0;
	off_t off = (off_t)((uintptr_t)addr / GG_PAGE_SIZE * sizeof(entry));
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), off) != sizeof(entry))
		entry = 0;
	close(fd);
	/* bit 63: present; bits 0-54: PFN (zero without CAP_SYS_ADMIN) */
	return (entry >> 63) ? entry & ((1ULL << 55) - 1) : 0;
}

char *gg_map_anon(size_t pages)
{
	size_t len = pages * GG_PAGE_SIZE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, len, MADV_NOHUGEPAGE)) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

void gg_touch(char *p, size_t pages, char val)
{
	size_t k;

	for (k = 0; k < pages; k++)
		p[k * GG_PAGE_SIZE] = val;
}

void gg_touch_new_pages(size_t pages)
{
	char *p = gg_map_anon(pages);

	if (!p)
		return;
	gg_touch(p, pages, 1);
	munmap(p, pages * GG_PAGE_SIZE);
}
