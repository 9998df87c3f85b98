// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the input is split into lines; every line goes through the parser, every
 * parsed event through the aggregator, and the result is printed both ways. Any crash, sanitizer
 * report or leak fails the run.
 */
#include "aggregate.h"
#include "event.h"
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *null_output;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gg_aggregate aggregate;
	struct gg_event event;
	struct gg_parse_error error;

	if (!null_output)
		null_output = fopen("/dev/null", "w");
	if (gg_aggregate_init(&aggregate))
		return 0;

	const char *text = (const char *)data;
	const char *end = text + size;
	while (text < end) {
		const char *newline = memchr(text, '\n', (size_t)(end - text));
		const char *line_end = newline ? newline : end;
		if (gg_parse_line(text, (size_t)(line_end - text), &event, &error) == 0) {
			if (gg_aggregate_event(&aggregate, &event))
				break;
		} else if (memchr(error.message, '\0', sizeof(error.message)) == NULL) {
			__builtin_trap(); /* the message must always be terminated */
		}
		text = newline ? newline + 1 : end;
	}
	if (gg_aggregate_finish(&aggregate) == 0 && null_output) {
		gg_report_print(&aggregate, false, null_output);
		gg_report_print(&aggregate, true, null_output);
	}
	gg_aggregate_free(&aggregate);
	return 0;
}
