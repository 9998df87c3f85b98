// SPDX-License-Identifier: GPL-2.0
/* Tracing through debugfs: see trace.h. */
#include "trace.h"

#include "recording.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)

static int write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), GG_DEBUGFS_DIR "/%s", name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t length = strlen(text);
	ssize_t written = write(fd, text, length);
	int saved = errno;
	close(fd);
	if (written != (ssize_t)length) {
		errno = written < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

int gg_trace_read_file(const char *name, char *buffer, size_t size)
{
	char path[256];
	snprintf(path, sizeof(path), GG_DEBUGFS_DIR "/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t got = read(fd, buffer, size - 1);
	close(fd);
	if (got <= 0)
		return -1;
	buffer[got] = '\0';
	return 0;
}

/* A number of stats' total line: "total generated N recorded N lost N" (ABI.md). */
static int read_total(const char *key, uint64_t *value)
{
	char buffer[4096];
	if (gg_trace_read_file("stats", buffer, sizeof(buffer)))
		return -1;
	const char *line = strstr(buffer, "\ntotal ");
	if (!line)
		return -1;
	const char *at = strstr(line, key);
	if (!at)
		return -1;
	at += strlen(key);
	char *end;
	unsigned long long number = strtoull(at, &end, 10);
	if (end == at)
		return -1;
	*value = number;
	return 0;
}

static int read_total_lost(uint64_t *lost)
{
	return read_total(" lost ", lost);
}

int gg_trace_open(struct gg_trace *trace, const char *who, bool clear, bool want_marker,
		  FILE *err)
{
	struct stat st;

	memset(trace, 0, sizeof(*trace));
	trace->pipe_fd = -1;
	trace->marker_fd = -1;
	trace->who = who;
	trace->err = err;
	/* debugfs is root-only (0700 mount point, 0600/0400 files): say so before anything else. */
	if (geteuid() != 0) {
		fprintf(err, "gogrowth: %s: must be run as root (the gogrowth debugfs files are "
			     "root-only)\n", who);
		return 1;
	}
	if (stat(GG_DEBUGFS_DIR, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(err, "gogrowth: " GG_DEBUGFS_DIR " not found: load the module "
			     "(insmod gogrowth.ko)\n");
		return 1;
	}
	if (clear && write_file("clear", "1\n")) {
		fprintf(err, "gogrowth: %s: cannot clear the ring: %s\n", who, strerror(errno));
		return 1;
	}
	if (read_total_lost(&trace->lost_before))
		trace->lost_before = 0;
	if (read_total(" recorded ", &trace->recorded_before))
		trace->recorded_before = 0;
	if (read_total(" undelivered ", &trace->undelivered_before))
		trace->undelivered_before = 0;
	trace->pipe_fd = open(GG_DEBUGFS_DIR "/events_raw", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (trace->pipe_fd < 0) {
		fprintf(err, "gogrowth: %s: cannot open " GG_DEBUGFS_DIR "/events_raw: %s%s\n", who,
			strerror(errno),
			errno == ENOENT ? " (a module older than this tool: load this one)" : "");
		return 1;
	}
	if (want_marker) {
		/* Not O_CLOEXEC: children that label steps inherit it. */
		trace->marker_fd = open(GG_DEBUGFS_DIR "/marker", O_WRONLY);
		if (trace->marker_fd < 0) {
			fprintf(err, "gogrowth: %s: cannot open " GG_DEBUGFS_DIR "/marker: %s\n",
				who, strerror(errno));
			gg_trace_close(trace);
			return 1;
		}
	}
	return 0;
}

void gg_trace_close(struct gg_trace *trace)
{
	if (trace->pipe_fd >= 0)
		close(trace->pipe_fd);
	if (trace->marker_fd >= 0)
		close(trace->marker_fd);
	trace->pipe_fd = trace->marker_fd = -1;
}

int gg_trace_set_pid(struct gg_trace *trace, pid_t pid)
{
	char text[32];
	snprintf(text, sizeof(text), "%ld\n", (long)pid);
	if (write_file("pid", text) == 0)
		return 0;
	if (errno == ESRCH)
		fprintf(trace->err, "gogrowth: %s: no such process: %ld\n", trace->who, (long)pid);
	else
		fprintf(trace->err, "gogrowth: %s: cannot write %ld to " GG_DEBUGFS_DIR "/pid: %s\n",
			trace->who, (long)pid, strerror(errno));
	return 1;
}

int gg_trace_lost(const struct gg_trace *trace, uint64_t *lost)
{
	uint64_t total;
	if (read_total_lost(&total))
		return -1;
	*lost = total >= trace->lost_before ? total - trace->lost_before : total;
	return 0;
}

int gg_trace_undelivered(const struct gg_trace *trace, uint64_t *undelivered)
{
	uint64_t total;
	if (read_total(" undelivered ", &total))
		return -1;
	*undelivered = total >= trace->undelivered_before ? total - trace->undelivered_before : total;
	return 0;
}

int gg_trace_missing(const struct gg_trace *trace, uint64_t *missing)
{
	uint64_t recorded;
	if (read_total(" recorded ", &recorded))
		return -1;
	recorded = recorded >= trace->recorded_before ? recorded - trace->recorded_before : recorded;
	uint64_t streamed = trace->lines - trace->lost_records;
	*missing = recorded > streamed ? recorded - streamed : 0;
	return 0;
}

/*
 * Hand the complete records of @data to the sink: as they are (binary), or as the module's event
 * lines, formatted here by the module's own formatter. Returns the bytes used (a record cut at the
 * end of the read stays for the next), or -1 (message printed).
 */
static long deliver(struct gg_trace *trace, const char *data, size_t length, gg_trace_sink sink,
		    void *context)
{
	static char lines[READ_CHUNK + GG_LINE_MAX];
	size_t used = 0, text = 0;
	long size;

	while ((size = gg_record_size(data + used, length - used)) > 0) {
		if (!trace->binary) {
			text += (size_t)gg_record_format(data + used, (size_t)size, lines + text);
			if (text > READ_CHUNK) {
				if (sink(context, lines, text))
					return -1;
				text = 0;
			}
		}
		uint16_t type;
		memcpy(&type, data + used + offsetof(struct gg_hdr, type), sizeof(type));
		trace->lost_records += type == GG_EV_LOST;
		used += (size_t)size;
		trace->lines++;
	}
	if (size < 0) {
		fprintf(trace->err, "gogrowth: %s: events_raw: a corrupt record (payload longer "
				    "than %d bytes)\n", trace->who, GG_RECORD_MAX_PAYLOAD);
		return -1;
	}
	if (trace->binary ? used && sink(context, data, used) : text && sink(context, lines, text))
		return -1;
	return (long)used;
}

/* Read what is there now. 1: got data, 0: empty (EAGAIN), -1: error (message printed). */
static int read_available(struct gg_trace *trace, gg_trace_sink sink, void *context)
{
	/* A record the last read cut short is kept at the front. */
	static char buffer[READ_CHUNK + GG_RECORD_SIZE(GG_RECORD_MAX_PAYLOAD)];
	size_t kept = trace->kept;
	ssize_t got = read(trace->pipe_fd, buffer + kept, READ_CHUNK);
	if (got < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		fprintf(trace->err, "gogrowth: %s: reading events_raw: %s\n", trace->who,
			strerror(errno));
		return -1;
	}
	if (got == 0)
		return 0;
	trace->bytes += (uint64_t)got;
	size_t length = kept + (size_t)got;
	long used = deliver(trace, buffer, length, sink, context);
	if (used < 0)
		return -1;
	trace->kept = length - (size_t)used;
	memmove(buffer, buffer + used, trace->kept);
	return 1;
}

int gg_trace_drain(struct gg_trace *trace, gg_trace_sink sink, void *context)
{
	int got;
	while ((got = read_available(trace, sink, context)) > 0)
		;
	return got < 0 ? 1 : 0;
}

int gg_trace_pump(struct gg_trace *trace, int timeout_ms, gg_trace_sink sink, void *context)
{
	struct pollfd pfd = { .fd = trace->pipe_fd, .events = POLLIN };
	int ready = poll(&pfd, 1, timeout_ms);
	if (ready < 0 && errno != EINTR) {
		fprintf(trace->err, "gogrowth: %s: poll events_raw: %s\n", trace->who,
			strerror(errno));
		return 1;
	}
	if (ready <= 0)
		return 0;
	return gg_trace_drain(trace, sink, context);
}

int gg_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int gg_trace_run_child(struct gg_trace *trace, int (*body)(void *argument), void *argument,
		       gg_trace_sink sink, void *context, int *status)
{
	int gate[2];

	/* The child blocks on the gate until it is the target: then none of its events is missed. */
	if (pipe2(gate, O_CLOEXEC)) {
		fprintf(trace->err, "gogrowth: %s: pipe: %s\n", trace->who, strerror(errno));
		return 1;
	}
	fflush(NULL); /* or the child's exit path could repeat buffered output */
	pid_t child = fork();
	if (child < 0) {
		fprintf(trace->err, "gogrowth: %s: fork: %s\n", trace->who, strerror(errno));
		close(gate[0]);
		close(gate[1]);
		return 1;
	}
	if (child == 0) {
		char go;
		close(gate[1]);
		close(trace->pipe_fd);
		signal(SIGINT, SIG_DFL);
		ssize_t got;
		do
			got = read(gate[0], &go, 1);
		while (got < 0 && errno == EINTR);
		close(gate[0]);
		if (got != 1)
			_exit(126); /* the parent gave up: run nothing */
		_exit(body(argument));
	}
	close(gate[0]);
	if (gg_trace_set_pid(trace, child)) {
		close(gate[1]); /* the child reads EOF and exits without running */
		waitpid(child, status, 0);
		return 1;
	}
	if (write(gate[1], "g", 1) != 1) {
		fprintf(trace->err, "gogrowth: %s: releasing the child: %s\n", trace->who,
			strerror(errno));
		close(gate[1]);
		kill(child, SIGKILL);
		waitpid(child, status, 0);
		return 1;
	}
	close(gate[1]);
	for (;;) {
		if (gg_trace_pump(trace, 100, sink, context)) {
			kill(child, SIGKILL);
			waitpid(child, status, 0);
			return 1;
		}
		pid_t done = waitpid(child, status, WNOHANG);
		if (done == child)
			break;
		if (done < 0 && errno != EINTR) {
			fprintf(trace->err, "gogrowth: %s: waitpid: %s\n", trace->who,
				strerror(errno));
			return 1;
		}
	}
	/* Its exit (exit_mmap, the exit event) happened before waitpid saw it: all is in the ring. */
	return gg_trace_drain(trace, sink, context);
}
