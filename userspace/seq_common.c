// SPDX-License-Identifier: GPL-2.0
/* The verdict helpers of seq.h: PASS/FAIL/INFO lines, markers. Knows no sequence. */
#include "seq.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	return event->type == GG_EV_FAULT && event->fault.trans == GG_TRANS_NONE_PRESENT;
}
