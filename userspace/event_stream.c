// SPDX-License-Identifier: GPL-2.0
#include "event_stream.h"
#include "line_reader.h"
#include "recording.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

struct to_event {
	gg_event_sink sink;
	void *context;
	const char *name;
	uint64_t number;
	FILE *err;
};

static int record_to_event(const void *data, size_t size, void *context)
{
	static struct gg_record_scratch scratch;
	struct to_event *to = context;
	struct gg_parse_error error;
	struct gg_event event;

	to->number++;
	if (gg_record_to_event(data, size, &event, &scratch, &error)) {
		fprintf(to->err, "gogrowth: %s: record %" PRIu64 ": %s\n", to->name, to->number,
			error.message);
		return 1;
	}
	if (to->sink(&event, to->context)) {
		fprintf(to->err, "gogrowth: out of memory\n");
		return 1;
	}
	return 0;
}

int gg_event_stream_read(int fd, const char *name, gg_event_sink sink, void *context, FILE *err)
{
	struct gg_line_reader reader;
	struct gg_event event;
	struct gg_parse_error parse_error;
	struct gg_parser parser;
	const char *start;
	long peeked;
	int status = 0;

	gg_parser_init(&parser);
	if (gg_line_reader_init(&reader, fd)) {
		fprintf(err, "gogrowth: out of memory\n");
		return 1;
	}
	peeked = gg_line_reader_peek(&reader, GG_RECORDING_MAGIC_SIZE, &start);
	if (peeked > 0 && gg_recording_is_binary(start, (size_t)peeked)) {
		struct to_event to = { sink, context, name, 0, err };
		status = gg_recording_read(&reader, name, record_to_event, &to, err);
		gg_line_reader_free(&reader);
		return status;
	}
	for (;;) {
		const char *line;
		size_t length;
		size_t buffered = gg_line_reader_buffered(&reader, &line);

		/*
		 * Most lines are parsed where they lie, their end found by the parser; a line it
		 * declines (another layout, a bad or blank line, one the buffer holds only part
		 * of) is split off by the reader and parsed again, strictly where need be.
		 */
		if (buffered && gg_parser_next_line(&parser, line, line + buffered, &event,
						    &length) == 0 &&
		    length <= GG_MAX_LINE_LENGTH) {
			gg_line_reader_take_line(&reader, length);
			parser.fast_lines++;
		} else {
			int got = gg_line_reader_next(&reader, &line, &length);
			if (got == 0)
				break;
			if (got == -1) {
				fprintf(err, "gogrowth: %s: read error: %s\n", name,
					strerror(errno));
				status = 1;
				break;
			}
			if (got == -2) {
				fprintf(err, "gogrowth: %s:%lu: line longer than %d bytes\n", name,
					reader.line_number, GG_MAX_LINE_LENGTH);
				status = 1;
				break;
			}
			if (length == 0)
				continue; /* blank lines carry nothing; tolerate them */
			if (gg_parser_parse(&parser, line, length, &event, &parse_error)) {
				fprintf(err, "gogrowth: %s:%lu: %s\n", name, reader.line_number,
					parse_error.message);
				status = 1;
				break;
			}
		}
		if (sink(&event, context)) {
			fprintf(err, "gogrowth: out of memory\n");
			status = 1;
			break;
		}
	}
	gg_line_reader_free(&reader);
	return status;
}
