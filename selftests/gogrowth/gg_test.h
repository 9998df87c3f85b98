/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the gogrowth selftests: loading the module, the debugfs
 * files, and reading event lines back.
 */
#ifndef GG_TEST_H
#define GG_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GG_DEBUGFS "/sys/kernel/debug/gogrowth"

/* Path of gogrowth.ko: $GOGROWTH_KO, else next to the test binary. */
const char *gg_module_path(void);

/* finit_module() with @params; 0 or -errno. */
int gg_load(const char *params);
/* delete_module(), retrying while the module is busy; 0 or -errno. */
int gg_unload(void);
bool gg_is_loaded(void);
/* A fresh load (unloading first if needed) tracing the calling process; 0 or -errno. */
int gg_load_self(void);

/* Reads a debugfs file (relative to GG_DEBUGFS) into a malloc'd string. */
char *gg_read_file(const char *name, size_t *len);
/* Writes @text to a debugfs file in one write(); 0 or -errno. */
int gg_write_file(const char *name, const char *text);

/*
 * Value of @key in an event line, copied into @buf; false when the line
 * has no such key. "text" (marker) takes the rest of the line.
 */
bool gg_line_value(const char *line, const char *key, char *buf, size_t size);
/* Numeric value of @key (hex with 0x, or decimal, possibly negative). */
bool gg_line_num(const char *line, const char *key, int64_t *val);
/* True when the line's ev= is @type. */
bool gg_line_is(const char *line, const char *type);

/*
 * True for a fault line that is the first half of a retried fault: on 6.4+
 * a fault first tried under the per-VMA lock and retried under mmap_lock is
 * recorded twice, and only the second entry completes it.
 */
bool gg_fault_is_retry(const char *line);

/* Splits @buf (modified in place) into lines; returns the count. */
size_t gg_split_lines(char *buf, char ***lines);

/* A snapshot of the events file, split into lines. */
struct gg_events {
	char *buf;
	char **line;
	size_t count;
};

/* Reads "events" (or @file, e.g. a pipe drained elsewhere); false on error. */
bool gg_events_read(struct gg_events *ev);
void gg_events_free(struct gg_events *ev);
/* Index of the first line after @from that is ev=@type; -1 if none. */
long gg_events_find(const struct gg_events *ev, long from, const char *type);
/* Index of the marker line whose text is @text; -1 if none. */
long gg_events_marker(const struct gg_events *ev, const char *text);

/* Writes @text to the marker file; 0 or -errno. */
int gg_marker(const char *text);
/* Writes a decimal pid to the pid file; 0 or -errno. */
int gg_set_target(int pid);

/*
 * A counter from the stats file: the value after @word on the line that
 * starts with @line_key (e.g. "total", "generated"); -1 if absent.
 */
long long gg_stat(const char *line_key, const char *word);

/* Counters of one `stats` read. */
struct gg_stats {
	long long generated, recorded, lost;	/* the "total" line */
	int cpus;				/* cpuN lines seen */
};

/*
 * Reads `stats` once and checks it adds up: a cpuN line for every online
 * CPU, generated == recorded + lost on each, and the lines sum to the total
 * line. False, with the reason in @why, when any of that fails.
 */
bool gg_stats_consistent(struct gg_stats *st, char *why, size_t size);

/* The PFN /proc/self/pagemap reports for @addr (0 when not present). */
uint64_t gg_pagemap_pfn(const void *addr);

#define GG_PAGE_SIZE 4096UL

/*
 * A fresh private anonymous mapping of @pages, with transparent huge pages
 * off so that every 4 KiB page faults on its own; NULL on failure.
 */
char *gg_map_anon(size_t pages);
/* Writes @val to the first byte of each of @pages pages at @p. */
void gg_touch(char *p, size_t pages, char val);
/* gg_map_anon(), every page written once, and unmapped: @pages faults. */
void gg_touch_new_pages(size_t pages);

#endif /* GG_TEST_H */
