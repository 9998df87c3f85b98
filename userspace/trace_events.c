// SPDX-License-Identifier: GPL-2.0
/* Recorded streams in memory: see trace_events.h. */
#include "trace_events.h"

#include "line_reader.h"
#include "recording.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int gg_events_append(void *context, const char *data, size_t length)
{
	struct gg_events *events = context;
	if (events->length + length + 1 > events->capacity) {
		size_t capacity = events->capacity ? events->capacity : 1 << 20;
		while (capacity < events->length + length + 1)
			capacity *= 2;
		char *text = realloc(events->text, capacity);
		if (!text) {
			fprintf(stderr, "gogrowth: out of memory\n");
			return -1;
		}
		events->text = text;
		events->capacity = capacity;
	}
	memcpy(events->text + events->length, data, length);
	events->length += length;
	return 0;
}

static int append_record_line(const void *data, size_t size, void *context)
{
	static char line[GG_LINE_MAX];
	int length = gg_record_format(data, size, line);

	return gg_events_append(context, line, (size_t)length);
}

int gg_events_read_file(struct gg_events *events, int fd, const char *name, FILE *err)
{
	struct gg_line_reader reader;
	const char *data;
	long got;
	int status = 0;

	if (gg_line_reader_init(&reader, fd)) {
		fputs("gogrowth: out of memory\n", err);
		return 1;
	}
	got = gg_line_reader_peek(&reader, GG_RECORDING_MAGIC_SIZE, &data);
	if (got > 0 && gg_recording_is_binary(data, (size_t)got)) {
		status = gg_recording_read(&reader, name, append_record_line, events, err);
		goto out;
	}
	/* Event lines, as they are: the reader's buffer in big pieces. */
	for (;;) {
		got = gg_line_reader_peek(&reader, GG_MAX_LINE_LENGTH, &data);
		if (got <= 0)
			break;
		if (gg_events_append(events, data, (size_t)got)) {
			status = 1;
			goto out;
		}
		gg_line_reader_skip(&reader, (size_t)got);
	}
	if (got < 0) {
		fprintf(err, "gogrowth: read '%s': %s\n", name, strerror(errno));
		status = 1;
	}
out:
	gg_line_reader_free(&reader);
	return status;
}

static int by_seq(const void *a, const void *b)
{
	const struct gg_event *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int gg_events_parse(struct gg_events *events, FILE *err)
{
	size_t lines = 0, capacity = 0;
	struct gg_parse_error error;

	for (size_t i = 0; i < events->length; i++)
		lines += events->text[i] == '\n';
	capacity = lines + 1; /* a last line without a newline */
	events->events = calloc(capacity, sizeof(*events->events));
	if (!events->events) {
		fprintf(err, "gogrowth: out of memory\n");
		return 1;
	}
	size_t start = 0, number = 0;
	while (start < events->length) {
		const char *line = events->text + start;
		const char *newline = memchr(line, '\n', events->length - start);
		size_t length = newline ? (size_t)(newline - line) : events->length - start;
		start += length + 1;
		number++;
		if (length == 0)
			continue;
		struct gg_event *event = &events->events[events->count];
		if (gg_parse_line(line, length, event, &error)) {
			fprintf(err, "gogrowth: event line %zu: %s\n", number, error.message);
			return 1;
		}
		if (event->type == GG_EV_LOST)
			events->lost += event->lost.count;
		events->count++;
	}
	/* The single seq counter is the recording order; lines are only sorted by ts. */
	qsort(events->events, events->count, sizeof(*events->events), by_seq);
	return 0;
}

void gg_events_free(struct gg_events *events)
{
	free(events->text);
	free(events->events);
	memset(events, 0, sizeof(*events));
}

bool gg_is_marker(const struct gg_event *event, const char *prefix)
{
	size_t length = strlen(prefix);
	return event->type == GG_EV_MARKER && event->marker.text.len >= length &&
	       memcmp(event->marker.text.ptr, prefix, length) == 0;
}

int gg_marker_value(const struct gg_event *event, const char *key, uint64_t *value)
{
	if (event->type != GG_EV_MARKER)
		return -1;
	const char *text = event->marker.text.ptr;
	size_t length = event->marker.text.len, key_length = strlen(key);
	for (size_t i = 0; i + key_length + 1 < length; i++) {
		if ((i > 0 && text[i - 1] != ' ') || memcmp(text + i, key, key_length) ||
		    text[i + key_length] != '=')
			continue;
		char digits[32];
		size_t n = 0, j = i + key_length + 1;
		while (j < length && text[j] != ' ' && n + 1 < sizeof(digits))
			digits[n++] = text[j++];
		digits[n] = '\0';
		if (n == 0)
			return -1;
		char *end;
		errno = 0;
		unsigned long long v = strtoull(digits, &end, 0);
		if (errno || *end)
			return -1;
		*value = v;
		return 0;
	}
	return -1;
}

bool gg_flush_covers(const struct gg_event *flush, uint64_t first, uint64_t last)
{
	if (flush->type != GG_EV_TLB_FLUSH)
		return false;
	if (flush->tlb_flush.whole_mm)
		return true;
	return flush->tlb_flush.start <= first && flush->tlb_flush.end >= last;
}
