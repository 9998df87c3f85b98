// SPDX-License-Identifier: GPL-2.0
/*
 * A real recording repeated to exactly N events, for `make bench-reader`: the cost per event of
 * `gogrowth report` on a recording of a few hundred events is lost in the start-up and the
 * final table, repeated it is the cost of reading its mix of events.
 * Usage: repeat_events N < RECORDING > STREAM
 *   event lines: the lines, again and again, until N are written;
 *   a binary recording (recording.h): its header once, then its records again and again.
 * The events' seq and ts repeat too; `report` does not mind.
 */
#include <linux/gogrowth.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "GGRECORD"
#define MAGIC_SIZE 8
#define HEADER_SIZE_OFFSET 12 /* struct gg_recording_header.header_size (recording.h) */

static int fail(const char *message)
{
	fprintf(stderr, "repeat_events: %s\n", message);
	return 1;
}

/* The whole of stdin; NULL when empty or out of memory. */
static char *read_all(size_t *size)
{
	size_t capacity = 1 << 20, used = 0;
	char *data = malloc(capacity);
	while (data) {
		used += fread(data + used, 1, capacity - used, stdin);
		if (used < capacity)
			break;
		char *grown = realloc(data, capacity * 2);
		if (!grown) {
			free(data);
			return NULL;
		}
		data = grown;
		capacity *= 2;
	}
	*size = used;
	return data;
}

/* Records from data[start, size): writes them in turn until `wanted` are out. */
static int repeat_records(const char *data, size_t start, size_t size, uint64_t wanted)
{
	uint64_t written = 0;
	while (written < wanted) {
		size_t offset = start;
		uint64_t before = written;
		while (offset < size && written < wanted) {
			struct gg_hdr header;
			if (size - offset < sizeof(header))
				return fail("a record cut short");
			memcpy(&header, data + offset, sizeof(header));
			size_t record = GG_RECORD_SIZE(header.len);
			if (record > size - offset)
				return fail("a record cut short");
			fwrite(data + offset, 1, record, stdout);
			offset += record;
			written++;
		}
		if (written == before)
			return fail("no record to repeat");
	}
	return 0;
}

/* Lines of data[0, size) in turn until `wanted` are out; a last line gets its '\n'. */
static int repeat_lines(const char *data, size_t size, uint64_t wanted)
{
	uint64_t written = 0;
	while (written < wanted) {
		const char *line = data, *end = data + size;
		uint64_t before = written;
		while (line < end && written < wanted) {
			const char *newline = memchr(line, '\n', (size_t)(end - line));
			size_t length = newline ? (size_t)(newline - line) : (size_t)(end - line);
			if (length) { /* blank lines are not events */
				fwrite(line, 1, length, stdout);
				fputc('\n', stdout);
				written++;
			}
			line += length + 1;
		}
		if (written == before)
			return fail("no line to repeat");
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2 || strtoull(argv[1], NULL, 10) == 0) {
		fprintf(stderr, "usage: repeat_events N < RECORDING > STREAM\n");
		return 2;
	}
	uint64_t wanted = strtoull(argv[1], NULL, 10);
	size_t size;
	char *data = read_all(&size);
	int status;
	if (!data)
		return fail("out of memory");
	if (size >= HEADER_SIZE_OFFSET + 4 && memcmp(data, MAGIC, MAGIC_SIZE) == 0) {
		uint32_t header_size;
		memcpy(&header_size, data + HEADER_SIZE_OFFSET, sizeof(header_size));
		if (header_size > size) {
			status = fail("a header longer than the recording");
		} else {
			fwrite(data, 1, header_size, stdout);
			status = repeat_records(data, header_size, size, wanted);
		}
	} else {
		status = repeat_lines(data, size, wanted);
	}
	free(data);
	if (status == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		status = fail("write error");
	return status;
}
