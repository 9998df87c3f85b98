// SPDX-License-Identifier: GPL-2.0
/*
 * `gogrowth record`: stream events_raw to a file while the target runs, as the module's event lines
 * (formatted here, by the module's formatter) or as a binary recording (recording.h).
 *
 * With a command, the child is forked first and held on a pipe until its pid is in the module's
 * `pid` file; only then does it exec, so the exec and everything after it is recorded. With -p,
 * the running process is attached and recording stops when it exits (the module clears `pid`
 * on the group's exit) or on SIGINT/SIGTERM (then tracing is switched off by writing 0).
 */
#include "record.h"

#include "recording.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: gogrowth record [-o FILE] [--binary] [--no-clear] -- CMD [ARGS...]\n"
	"       gogrowth record -p PID [-o FILE] [--binary] [--no-clear]\n"
	"       gogrowth record --drain [-o FILE] [--binary]\n"
	"  Trace CMD (from its exec on) or the running process PID and write the module's event\n"
	"  lines to FILE (default stdout) until it exits. Needs root and the module loaded.\n"
	"  --binary    write a binary recording (smaller, faster to read; `gogrowth print` shows\n"
	"              it as event lines) instead of event lines\n"
	"  --no-clear  keep what is in the ring (default: `echo 1 > clear` first)\n"
	"  --drain     write what the ring holds now and stop; the target is left as it is\n";

struct output {
	int fd;
	const char *name;
	FILE *err;
};

static int write_sink(void *context, const char *data, size_t length)
{
	struct output *output = context;
	while (length > 0) {
		ssize_t written = write(output->fd, data, length);
		if (written < 0) {
			if (errno == EINTR)
				continue;
			fprintf(output->err, "gogrowth: record: writing %s: %s\n", output->name,
				strerror(errno));
			return -1;
		}
		data += written;
		length -= (size_t)written;
	}
	return 0;
}

static int exec_command(void *argument)
{
	char **command = argument;
	execvp(command[0], command);
	fprintf(stderr, "gogrowth: record: cannot run '%s': %s\n", command[0], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int signo)
{
	(void)signo;
	interrupted = 1;
}

/* The traced pid the module reports now; -1 when unreadable. */
static long current_target(void)
{
	char text[32];
	if (gg_trace_read_file("pid", text, sizeof(text)))
		return -1;
	return strtol(text, NULL, 10);
}

static int attach(struct gg_trace *trace, pid_t pid, struct output *output)
{
	struct sigaction action = { .sa_handler = on_signal };
	struct sigaction old_int, old_term;

	sigemptyset(&action.sa_mask);
	if (kill(pid, 0) && errno == ESRCH) {
		fprintf(trace->err, "gogrowth: record: no such process: %ld\n", (long)pid);
		return 1;
	}
	if (gg_trace_set_pid(trace, pid))
		return 1;
	sigaction(SIGINT, &action, &old_int);
	sigaction(SIGTERM, &action, &old_term);
	int status = 0;
	while (!interrupted) {
		if (gg_trace_pump(trace, 100, write_sink, output)) {
			status = 1;
			break;
		}
		/* The module clears `pid` when the last thread exits (ABI.md, `exit`). */
		if (current_target() != (long)pid)
			break;
	}
	if (interrupted)
		gg_trace_set_pid(trace, 0);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (gg_trace_drain(trace, write_sink, output))
		status = 1;
	return status;
}

static int parse_pid(const char *text, pid_t *pid)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || end == text || *end || value <= 0 || value > 0x7fffffffL)
		return -1;
	*pid = (pid_t)value;
	return 0;
}

int gg_record_command(int argc, char **argv, FILE *out, FILE *err)
{
	const char *output_name = NULL;
	bool clear = true, binary = false, drain = false;
	pid_t pid = 0;
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(usage, out);
			return 0;
		}
		if (strcmp(arg, "--no-clear") == 0) {
			clear = false;
		} else if (strcmp(arg, "--binary") == 0) {
			binary = true;
		} else if (strcmp(arg, "--drain") == 0) {
			drain = true;
		} else if (strcmp(arg, "-o") == 0 && i + 1 < argc) {
			output_name = argv[++i];
		} else if (strcmp(arg, "-p") == 0 && i + 1 < argc) {
			if (parse_pid(argv[++i], &pid)) {
				fprintf(err, "gogrowth: record: bad pid '%s'\n", argv[i]);
				return 2;
			}
		} else if (arg[0] == '-') {
			fprintf(err, "gogrowth: record: unknown option '%s'\n", arg);
			fputs(usage, err);
			return 2;
		} else {
			break; /* CMD without "--" */
		}
	}
	char **command = argv + i;
	int command_count = argc - i;
	if (drain && (pid || command_count)) {
		fputs("gogrowth: record: --drain takes neither -p nor a command\n", err);
		fputs(usage, err);
		return 2;
	}
	if (drain)
		clear = false;
	else if ((pid == 0) == (command_count == 0)) {
		fputs(pid ? "gogrowth: record: -p and a command exclude each other\n"
			  : "gogrowth: record: a command or -p PID is required\n", err);
		fputs(usage, err);
		return 2;
	}

	struct gg_trace trace;
	if (gg_trace_open(&trace, "record", clear, false, err))
		return 1;
	trace.binary = binary;
	struct output output = { .fd = STDOUT_FILENO, .name = "stdout", .err = err };
	if (output_name && strcmp(output_name, "-") != 0) {
		output.fd = open(output_name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		output.name = output_name;
		if (output.fd < 0) {
			fprintf(err, "gogrowth: record: cannot open '%s': %s\n", output_name,
				strerror(errno));
			gg_trace_close(&trace);
			return 1;
		}
	} else {
		fflush(out); /* events go straight to fd 1 */
	}

	int result, exit_status = 0;
	if (binary) {
		struct gg_recording_header header;
		gg_recording_header_init(&header);
		if (write_sink(&output, (const char *)&header, sizeof(header))) {
			if (output.fd != STDOUT_FILENO)
				close(output.fd);
			gg_trace_close(&trace);
			return 1;
		}
	}
	if (drain) {
		result = gg_trace_drain(&trace, write_sink, &output);
	} else if (pid) {
		result = attach(&trace, pid, &output);
	} else {
		/* Ctrl-C is for the command: its exit ends the recording. */
		struct sigaction ignore = { .sa_handler = SIG_IGN }, old_int;
		sigemptyset(&ignore.sa_mask);
		sigaction(SIGINT, &ignore, &old_int);
		int status = 0;
		result = gg_trace_run_child(&trace, exec_command, command, write_sink, &output,
					    &status);
		sigaction(SIGINT, &old_int, NULL);
		exit_status = gg_exit_code(status);
	}
	uint64_t lost = 0, missing = 0;
	int have_lost = gg_trace_lost(&trace, &lost) == 0;
	if (result == 0) {
		if (have_lost)
			fprintf(err, "gogrowth: record: %" PRIu64 " events, %" PRIu64
				     " lost (exit status %d)\n", trace.lines, lost, exit_status);
		else
			fprintf(err, "gogrowth: record: %" PRIu64 " events, ? lost (stats "
				     "unreadable) (exit status %d)\n", trace.lines, exit_status);
		/* --drain stops while the target may still record: nothing to compare. */
		if (!drain && gg_trace_missing(&trace, &missing) == 0 && missing)
			fprintf(err, "gogrowth: record: warning: %" PRIu64 " events the module "
				     "recorded were not delivered by events_raw (they stay counted in "
				     "stats' entries; Documentation/guarantees.md, \"Known problems\")\n",
				missing);
	}
	if (output.fd != STDOUT_FILENO && close(output.fd)) {
		fprintf(err, "gogrowth: record: writing %s: %s\n", output.name, strerror(errno));
		result = 1;
	}
	gg_trace_close(&trace);
	if (result)
		return 1;
	return exit_status;
}
