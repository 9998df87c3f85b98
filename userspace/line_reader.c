// SPDX-License-Identifier: GPL-2.0
#include "line_reader.h"

#include "event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Big reads keep the syscall count per line negligible. */
#define READ_CHUNK (256 * 1024)

int gg_line_reader_init(struct gg_line_reader *reader, int fd)
{
	memset(reader, 0, sizeof(*reader));
	reader->fd = fd;
	reader->capacity = READ_CHUNK + GG_MAX_LINE_LENGTH;
	/* GG_PARSE_PADDING initialised bytes after the data, for the parser's fast path */
	reader->buffer = calloc(1, reader->capacity + GG_PARSE_PADDING);
	return reader->buffer ? 0 : -1;
}

void gg_line_reader_free(struct gg_line_reader *reader)
{
	free(reader->buffer);
	reader->buffer = NULL;
}

/* Move the unfinished line to the front and read more after it. 0 at EOF, -1 on error. */
static ssize_t refill(struct gg_line_reader *reader)
{
	size_t pending = reader->filled - reader->start;

	memmove(reader->buffer, reader->buffer + reader->start, pending);
	reader->start = 0;
	reader->filled = pending;
	for (;;) {
		ssize_t got = read(reader->fd, reader->buffer + reader->filled,
				   reader->capacity - reader->filled);
		if (got < 0 && errno == EINTR)
			continue;
		if (got > 0)
			reader->filled += (size_t)got;
		/* keep the bytes after the data defined (old data or zeros): it may have shrunk */
		memset(reader->buffer + reader->filled, 0, GG_PARSE_PADDING);
		return got;
	}
}

int gg_line_reader_next(struct gg_line_reader *reader, const char **line, size_t *length)
{
	size_t searched = 0; /* bytes after start already known to hold no '\n' */

	for (;;) {
		char *begin = reader->buffer + reader->start;
		size_t available = reader->filled - reader->start;
		char *newline = memchr(begin + searched, '\n', available - searched);

		if (newline) {
			*line = begin;
			*length = (size_t)(newline - begin);
			reader->start += *length + 1;
			reader->line_number++;
			return *length > GG_MAX_LINE_LENGTH ? -2 : 1;
		}
		if (available > GG_MAX_LINE_LENGTH) {
			reader->line_number++;
			return -2;
		}
		if (reader->at_eof) {
			if (available == 0)
				return 0;
			*line = begin;
			*length = available;
			reader->start = reader->filled;
			reader->line_number++;
			return 1;
		}
		searched = available;
		ssize_t got = refill(reader);
		if (got < 0)
			return -1;
		if (got == 0)
			reader->at_eof = 1;
	}
}

long gg_line_reader_peek(struct gg_line_reader *reader, size_t n, const char **data)
{
	if (n > GG_MAX_LINE_LENGTH)
		n = GG_MAX_LINE_LENGTH;
	while (reader->filled - reader->start < n && !reader->at_eof) {
		ssize_t got = refill(reader);
		if (got < 0)
			return -1;
		if (got == 0)
			reader->at_eof = 1;
	}
	*data = reader->buffer + reader->start;
	size_t available = reader->filled - reader->start;
	return (long)(available < n ? available : n);
}

void gg_line_reader_skip(struct gg_line_reader *reader, size_t n)
{
	size_t available = reader->filled - reader->start;
	reader->start += n < available ? n : available;
}
