// SPDX-License-Identifier: GPL-2.0
/*
 * `gogrowth print`: a binary recording (recording.h) as the module's event lines, written by the
 * module's own formatter (module/format.c), so they are the bytes `events` shows for the same
 * records.
 */
#include "print.h"

#include "line_reader.h"
#include "recording.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: gogrowth print [FILE]\n"
	"  Print a binary recording (`gogrowth record --binary`) from FILE (default stdin) as the\n"
	"  module's event lines, the same bytes `cat /sys/kernel/debug/gogrowth/events` shows.\n";

struct printer {
	FILE *out;
	char line[GG_LINE_MAX];
};

static int print_record(const void *data, size_t size, void *context)
{
	struct printer *printer = context;
	int length = gg_record_format(data, size, printer->line);

	return fwrite(printer->line, 1, (size_t)length, printer->out) == (size_t)length ? 0 : 1;
}

int gg_print_command(int argc, char **argv, FILE *out, FILE *err)
{
	static struct printer printer;
	struct gg_line_reader reader;
	const char *name = "stdin", *start;
	int fd = STDIN_FILENO, status;
	long peeked;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, out);
		return 0;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fputs(usage, err);
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0) {
		name = argv[1];
		fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(err, "gogrowth: print: cannot open '%s': %s\n", name, strerror(errno));
			return 1;
		}
	}
	if (gg_line_reader_init(&reader, fd)) {
		fprintf(err, "gogrowth: out of memory\n");
		status = 1;
		goto out;
	}
	peeked = gg_line_reader_peek(&reader, GG_RECORDING_MAGIC_SIZE, &start);
	if (peeked < 0) {
		fprintf(err, "gogrowth: print: %s: %s\n", name, strerror(errno));
		status = 1;
	} else if (!gg_recording_is_binary(start, (size_t)peeked)) {
		fprintf(err, "gogrowth: print: %s is not a binary recording (no \"%s\" at its start)%s\n",
			name, GG_RECORDING_MAGIC,
			peeked && start[0] == 's' ? ": it holds event lines already" : "");
		status = 1;
	} else {
		printer.out = out;
		status = gg_recording_read(&reader, name, print_record, &printer, err);
		if (fflush(out) || ferror(out)) {
			fprintf(err, "gogrowth: print: writing the lines: %s\n", strerror(errno));
			status = 1;
		}
	}
	gg_line_reader_free(&reader);
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return status;
}
