// SPDX-License-Identifier: GPL-2.0
/*
 * `gogrowth check`: run each named sequence as a traced child (the same fork, gate, pid, stream
 * mechanism as `record`), then judge its events. One PASS/FAIL line per check.
 */
#include "check.h"

#include "seq_registry.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>



/* ---- running ---- */

static const char usage[] =
	"usage: gogrowth check [--keep FILE] SEQUENCE...\n"
	"       gogrowth check [--keep FILE] --all\n"
	"       gogrowth check --events FILE SEQUENCE\n"
	"       gogrowth check --list\n"
	"  Run each growth sequence as a traced child and check its kernel events against what the\n"
	"  sequence must produce. --keep appends every sequence's raw events to FILE.\n"
	"  --events judges the events recorded in FILE (a --keep file of that one sequence)\n"
	"  instead of running it: no module needed.\n"
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

/*
 * Runs of a sequence whose only losses are entries the kernel's ring buffer never handed out
 * (guarantees.md, "Known problems") are run again, up to this many runs in all: their counts
 * say nothing about the sequence. Any other loss is judged at once.
 */
#define RUNS_FOR_UNDELIVERED 3

/* Run one sequence and judge it; adds to *checker's counts. 0, or 1 on a setup error. */
static int run_sequence(const struct gg_sequence *sequence, int keep_fd, FILE *out, FILE *err,
			struct gg_checker *checker)
{
	struct gg_trace trace;
	struct gg_events events = { 0 };
	int status = 0, result, have_lost, have_missing;
	uint64_t lost, missing, undelivered;

	checker->name = sequence->name;
	if (sequence->missing[0]) {
		/* A sequence that cannot run here is a failure, never a silent skip. */
		gg_check(checker, false, "cannot run: %s", sequence->missing);
		return 0;
	}
	for (int run = 1;; run++) {
		if (gg_trace_open(&trace, "check", true, true, err))
			return 1;
		struct child_call call = { sequence, trace.marker_fd };
		result = gg_trace_run_child(&trace, run_body, &call, gg_events_append, &events,
					    &status);
		lost = missing = undelivered = 0;
		have_lost = gg_trace_lost(&trace, &lost) == 0;
		have_missing = gg_trace_missing(&trace, &missing) == 0;
		bool only_undelivered = gg_trace_undelivered(&trace, &undelivered) == 0 &&
					have_lost && lost == undelivered && have_missing &&
					lost + missing > 0;
		gg_trace_close(&trace);
		if (result || !only_undelivered || run == RUNS_FOR_UNDELIVERED)
			break;
		fprintf(err, "gogrowth: check: %s: run %d lost %" PRIu64 " events the kernel's ring "
			     "buffer never handed out (stats' undelivered %" PRIu64 ", %" PRIu64
			     " more not delivered; guarantees.md, \"Known problems\"): running it "
			     "again\n", sequence->name, run, lost, undelivered, missing);
		gg_events_free(&events);
		status = 0;
	}
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
	bool ok = have_lost && lost == 0 && events.lost == 0 && have_missing && missing == 0 &&
		  WIFEXITED(status) && WEXITSTATUS(status) == 0;
	gg_check(checker, ok, "traced child: %zu events, %s%" PRIu64 " lost, exit status %d",
		 events.count, have_lost ? "" : "? (stats unreadable) ", lost + events.lost,
		 gg_exit_code(status));
	if (!ok && (lost || events.lost))
		gg_check_detail(checker, "the ring lost events (stats total lost %" PRIu64
			       ", lost events in the stream %" PRIu64 "): counts are incomplete",
			       lost, events.lost);
	if (!ok && missing)
		gg_check_detail(checker, "%" PRIu64 " events the module recorded were not delivered "
			       "by events_raw (guarantees.md, \"Known problems\"): counts are "
			       "incomplete", missing);
	if (!ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		gg_check_detail(checker, "the sequence's child failed (exit status %d): its steps "
			       "did not all run", gg_exit_code(status));
	sequence->verify(sequence, &events, checker);
	fflush(out);
	gg_events_free(&events);
	return 0;
}

/* --events FILE: judge a recorded stream. 0, or 1 when FILE cannot be read. */
static int judge_file(const struct gg_sequence *sequence, const char *path, FILE *out, FILE *err,
		      struct gg_checker *checker)
{
	struct gg_events events = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(err, "gogrowth: check: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	int status = gg_events_read_file(&events, fd, path, err);
	close(fd);
	if (status) {
		gg_events_free(&events);
		return 1;
	}
	checker->name = sequence->name;
	if (gg_events_parse(&events, err)) {
		gg_check(checker, false, "%s does not parse (see above)", path);
		gg_events_free(&events);
		return 0;
	}
	gg_check(checker, events.lost == 0 && events.count > 0, "recorded events: %zu in %s, %"
		 PRIu64 " lost", events.count, path, events.lost);
	sequence->verify(sequence, &events, checker);
	fflush(out);
	gg_events_free(&events);
	return 0;
}

int gg_check_command(int argc, char **argv, FILE *out, FILE *err)
{
	const char *events_file = NULL;
	const char *keep = NULL;
	bool all = false;
	size_t named = 0;
	int status = 0;
	struct gg_sequence *sequences = NULL;
	char **all_names = NULL;
	size_t all_count = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, out);
			return 0;
		}
		if (strcmp(argv[i], "--list") == 0) {
			gg_sequence_list(out);
			return 0;
		}
		if (strcmp(argv[i], "--all") == 0) {
			all = true;
		} else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc) {
			keep = argv[++i];
		} else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
			events_file = argv[++i];
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

	if (events_file && (all || named != 1 || keep)) {
		fputs("gogrowth: check: --events FILE takes one sequence name\n", err);
		fputs(usage, err);
		return 2;
	}
	/* Resolve every name before running anything: an unknown name is a usage error. */
	if (all) {
		all_count = gg_sequence_all(&all_names);
		if (all_count == SIZE_MAX) {
			all_count = 0;
			fputs("gogrowth: out of memory\n", err);
			status = 1;
			goto out;
		}
	}
	size_t total = all ? all_count : named;
	sequences = calloc(total ? total : 1, sizeof(*sequences));
	if (!sequences) {
		fputs("gogrowth: out of memory\n", err);
		status = 1;
		goto out;
	}
	for (size_t i = 0; i < total; i++) {
		const char *name = all ? all_names[i] : argv[i + 1];
		int found = gg_sequence_resolve(name, &sequences[i], err);
		if (found == 1)
			fprintf(err, "gogrowth: check: unknown sequence '%s' (gogrowth check --list)\n",
				name);
		if (found) {
			status = 2;
			goto out;
		}
	}

	struct gg_checker checker = { .out = out };
	if (events_file) {
		/* the program need not be here: only its verdicts are */
		status = judge_file(&sequences[0], events_file, out, err, &checker);
		if (status == 0) {
			fprintf(out, "gogrowth: check: %u checks, %u failed\n", checker.checks,
				checker.failures);
			status = checker.failures ? 1 : 0;
		}
		goto out;
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
	for (size_t i = 0; i < all_count; i++)
		free(all_names[i]);
	free(all_names);
	free(sequences);
	return status;
}
