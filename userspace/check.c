// SPDX-License-Identifier: GPL-2.0
/*
 * `gogrowth check`: run each named sequence as a traced child (the same fork, gate, pid, stream
 * mechanism as `record`), then judge its events. One PASS/FAIL line per check.
 */
#include "check.h"

#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct gg_sequence *const builtin[] = {
	&gg_seq_slice_go117, &gg_seq_slice_go118, &gg_seq_map_hmap,
	&gg_seq_cow_fork,    &gg_seq_madvise_refault,
};

#define BUILTIN_COUNT (sizeof(builtin) / sizeof(builtin[0]))

/* ---- verdict helpers ---- */

void gg_check(struct gg_checker *checker, bool ok, const char *format, ...)
{
	va_list args;
	checker->checks++;
	checker->failures += !ok;
	checker->details = 0;
	fprintf(checker->out, "%s %s: ", ok ? "PASS" : "FAIL", checker->name);
	va_start(args, format);
	vfprintf(checker->out, format, args);
	va_end(args);
	fputc('\n', checker->out);
}

void gg_check_detail(struct gg_checker *checker, const char *format, ...)
{
	va_list args;
	if (checker->details++ == GG_MAX_DETAILS) {
		fputs("    ...\n", checker->out);
		return;
	}
	if (checker->details > GG_MAX_DETAILS)
		return;
	fputs("    ", checker->out);
	va_start(args, format);
	vfprintf(checker->out, format, args);
	va_end(args);
	fputc('\n', checker->out);
}

void gg_check_info(struct gg_checker *checker, const char *format, ...)
{
	va_list args;
	fprintf(checker->out, "INFO %s: ", checker->name);
	va_start(args, format);
	vfprintf(checker->out, format, args);
	va_end(args);
	fputc('\n', checker->out);
}

int gg_mark(int marker_fd, const char *format, ...)
{
	char text[257];
	va_list args;
	va_start(args, format);
	int length = vsnprintf(text, sizeof(text), format, args);
	va_end(args);
	if (length <= 0 || (size_t)length >= sizeof(text))
		return -1;
	/* One write: the module takes one write as one marker (ABI.md, `marker`). */
	return write(marker_fd, text, (size_t)length) == length ? 0 : -1;
}

size_t gg_next_marker(const struct gg_events *events, size_t from, const char *prefix)
{
	for (size_t i = from; i < events->count; i++)
		if (gg_is_marker(&events->events[i], prefix))
			return i;
	return events->count;
}

size_t *gg_find_markers(const struct gg_events *events, const char *prefix, size_t *count)
{
	size_t n = 0;
	for (size_t i = 0; i < events->count; i++)
		n += gg_is_marker(&events->events[i], prefix);
	*count = 0;
	if (n == 0)
		return NULL;
	size_t *indices = malloc(n * sizeof(*indices));
	if (!indices) {
		*count = SIZE_MAX;
		return NULL;
	}
	for (size_t i = 0; i < events->count; i++)
		if (gg_is_marker(&events->events[i], prefix))
			indices[(*count)++] = i;
	return indices;
}

bool gg_is_first_touch(const struct gg_event *event)
{
	return event->type == GG_EV_FAULT && event->fault.trans == GG_TRANS_NONE_TO_PRESENT;
}

/* ---- running ---- */

static const char usage[] =
	"usage: gogrowth check [--keep FILE] SEQUENCE...\n"
	"       gogrowth check [--keep FILE] --all\n"
	"       gogrowth check --list\n"
	"  Run each growth sequence as a traced child and check its kernel events against what the\n"
	"  sequence must produce. --keep appends every sequence's raw events to FILE.\n"
	"  Go programs are looked for in $GOGROWTH_GO_DIR, else next to this tool.\n";

struct child_call {
	const struct gg_sequence *sequence;
	int marker_fd;
};

static int run_body(void *argument)
{
	const struct child_call *call = argument;
	return call->sequence->child(call->sequence, call->marker_fd);
}

/* Run one sequence and judge it; adds to *checker's counts. 0, or 1 on a setup error. */
static int run_sequence(const struct gg_sequence *sequence, int keep_fd, FILE *out, FILE *err,
			struct gg_checker *checker)
{
	struct gg_trace trace;
	struct gg_events events = { 0 };
	int status = 0;

	checker->name = sequence->name;
	if (gg_trace_open(&trace, "check", true, true, err))
		return 1;
	struct child_call call = { sequence, trace.marker_fd };
	int result = gg_trace_run_child(&trace, run_body, &call, gg_events_append, &events,
					&status);
	uint64_t lost = 0;
	int have_lost = gg_trace_lost(&trace, &lost) == 0;
	gg_trace_close(&trace);
	if (result) {
		gg_events_free(&events);
		return 1;
	}
	if (keep_fd >= 0 && events.length &&
	    write(keep_fd, events.text, events.length) != (ssize_t)events.length)
		fprintf(err, "gogrowth: check: --keep: write: %s\n", strerror(errno));
	if (gg_events_parse(&events, err)) {
		gg_check(checker, false, "the module's event stream does not parse (see above)");
		gg_events_free(&events);
		return 0;
	}
	/* Every expectation below counts events: a lost one makes the figures meaningless. */
	bool ok = have_lost && lost == 0 && events.lost == 0 && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 0;
	gg_check(checker, ok, "traced child: %zu events, %s%" PRIu64 " lost, exit status %d",
		 events.count, have_lost ? "" : "? (stats unreadable) ", lost + events.lost,
		 gg_exit_code(status));
	if (!ok && (lost || events.lost))
		gg_check_detail(checker, "the ring lost events (stats total lost %" PRIu64
			       ", lost events in the stream %" PRIu64 "): counts are incomplete",
			       lost, events.lost);
	if (!ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		gg_check_detail(checker, "the sequence's child failed (exit status %d): its steps "
			       "did not all run", gg_exit_code(status));
	sequence->verify(sequence, &events, checker);
	fflush(out);
	gg_events_free(&events);
	return 0;
}

static void list_sequences(FILE *out)
{
	for (size_t i = 0; i < BUILTIN_COUNT; i++)
		fprintf(out, "%-16s %s\n", builtin[i]->name, builtin[i]->summary);
	char **names;
	size_t count = gg_go_sequences_available(&names);
	fprintf(out, "%-16s %s\n", "go-slice", "the go-slice program of the newest Go found");
	fprintf(out, "%-16s %s\n", "go-map", "the go-map program of the newest Go found");
	for (size_t i = 0; i < count; i++) {
		fprintf(out, "%-16s (found)\n", names[i]);
		free(names[i]);
	}
	free(names);
}

/* Resolve one name into *sequence. 0, or 2 after a message (unknown, or missing program). */
static int resolve(const char *name, struct gg_sequence *sequence, FILE *err)
{
	for (size_t i = 0; i < BUILTIN_COUNT; i++) {
		if (strcmp(name, builtin[i]->name) == 0) {
			*sequence = *builtin[i];
			return 0;
		}
	}
	int found = gg_go_sequence(name, sequence, err);
	if (found == 0)
		return 0;
	if (found == 1)
		fprintf(err, "gogrowth: check: unknown sequence '%s' (gogrowth check --list)\n",
			name);
	return 2;
}

int gg_check_command(int argc, char **argv, FILE *out, FILE *err)
{
	const char *keep = NULL;
	bool all = false;
	size_t named = 0;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, out);
			return 0;
		}
		if (strcmp(argv[i], "--list") == 0) {
			list_sequences(out);
			return 0;
		}
		if (strcmp(argv[i], "--all") == 0) {
			all = true;
		} else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc) {
			keep = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(err, "gogrowth: check: unknown option '%s'\n", argv[i]);
			fputs(usage, err);
			return 2;
		} else {
			argv[named++ + 1] = argv[i]; /* compact the names into argv[1..] */
		}
	}
	if (all == (named > 0)) {
		fputs(all ? "gogrowth: check: --all and sequence names exclude each other\n"
			  : "gogrowth: check: name a sequence or --all\n", err);
		fputs(usage, err);
		return 2;
	}

	/* Resolve every name before running anything: an unknown name is a usage error. */
	char **go_names = NULL;
	size_t go_count = 0;
	if (all)
		go_count = gg_go_sequences_available(&go_names);
	size_t total = all ? BUILTIN_COUNT + go_count : named;
	struct gg_sequence *sequences = calloc(total ? total : 1, sizeof(*sequences));
	if (!sequences) {
		fputs("gogrowth: out of memory\n", err);
		status = 1;
		goto out;
	}
	for (size_t i = 0; i < total; i++) {
		const char *name = !all ? argv[i + 1]
			     : i < BUILTIN_COUNT ? builtin[i]->name : go_names[i - BUILTIN_COUNT];
		if (resolve(name, &sequences[i], err)) {
			status = 2;
			goto out;
		}
	}

	int keep_fd = -1;
	if (keep) {
		keep_fd = open(keep, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (keep_fd < 0) {
			fprintf(err, "gogrowth: check: cannot open '%s': %s\n", keep,
				strerror(errno));
			status = 1;
			goto out;
		}
	}
	struct gg_checker checker = { .out = out };
	for (size_t i = 0; i < total; i++) {
		if (run_sequence(&sequences[i], keep_fd, out, err, &checker)) {
			status = 1;
			break;
		}
	}
	if (keep_fd >= 0)
		close(keep_fd);
	if (status == 0) {
		fprintf(out, "gogrowth: check: %zu sequences, %u checks, %u failed\n", total,
			checker.checks, checker.failures);
		status = checker.failures ? 1 : 0;
	}
out:
	for (size_t i = 0; i < go_count; i++)
		free(go_names[i]);
	free(go_names);
	free(sequences);
	return status;
}
