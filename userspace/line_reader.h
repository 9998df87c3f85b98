/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buffered line reader over a file descriptor: hands out each line in place (no copy, no
 * per-line allocation), without its '\n'. A last line without '\n' is still a line.
 * At least GG_PARSE_PADDING (event.h) initialised bytes follow every line handed out, so it can
 * go to gg_parser_parse().
 */
#ifndef GOGROWTH_LINE_READER_H
#define GOGROWTH_LINE_READER_H

#include <stddef.h>

/* Longest line accepted; event lines are well under 2 KiB (marker text <= 256 bytes). */
#define GG_MAX_LINE_LENGTH (64 * 1024)

struct gg_line_reader {
	int fd;
	char *buffer;
	size_t capacity;
	size_t start;       /* first byte not yet handed out */
	size_t filled;      /* bytes of valid data in buffer */
	int at_eof;
	unsigned long line_number; /* of the line last returned, from 1 */
};

/* 0 on success, -1 (errno set) if the buffer cannot be allocated. */
int gg_line_reader_init(struct gg_line_reader *reader, int fd);
void gg_line_reader_free(struct gg_line_reader *reader);

/*
 * 1: *line and *length hold the next line (valid until the next call); 0: end of input;
 * -1: read error (errno set); -2: a line longer than GG_MAX_LINE_LENGTH.
 */
int gg_line_reader_next(struct gg_line_reader *reader, const char **line, size_t *length);

/*
 * For binary input: make @n (at most GG_MAX_LINE_LENGTH) bytes available at *data without
 * consuming them. Returns how many are available, fewer than @n only at the end of input, or -1
 * on a read error (errno set). gg_line_reader_skip() then consumes what was used.
 */
long gg_line_reader_peek(struct gg_line_reader *reader, size_t n, const char **data);
void gg_line_reader_skip(struct gg_line_reader *reader, size_t n);

/*
 * For a parser that finds a line's end itself (gg_parser_next_line()): the bytes buffered from
 * the next line on, without reading more (GG_PARSE_PADDING initialised bytes follow them), and
 * the line of @length bytes and its '\n' it found there taken as the next line.
 * gg_line_reader_next() reads on where the buffer holds no whole line.
 */
static inline size_t gg_line_reader_buffered(const struct gg_line_reader *reader,
					     const char **data)
{
	*data = reader->buffer + reader->start;
	return reader->filled - reader->start;
}

static inline void gg_line_reader_take_line(struct gg_line_reader *reader, size_t length)
{
	reader->start += length + 1;
	reader->line_number++;
}

#endif /* GOGROWTH_LINE_READER_H */
