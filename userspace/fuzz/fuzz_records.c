// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for binary records: the input is a stream of records as events_raw delivers
 * them (recording.h). Each record is sized, printed as its event line and read as an event; any
 * crash, sanitizer report or leak fails the run. A record the binary reader accepts must print a
 * line that the text parser reads back as the same event, and it is aggregated and reported.
 */
#include "../tests/event_compare.h"
#include "aggregate.h"
#include "event.h"
#include "recording.h"
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *null_output;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gg_record_scratch scratch;
	static char line[GG_LINE_MAX];
	struct gg_aggregate aggregate;
	struct gg_parse_error error;
	struct gg_event binary, text;
	size_t offset = 0;
	long record_size;

	if (!null_output)
		null_output = fopen("/dev/null", "w");
	if (gg_aggregate_init(&aggregate))
		return 0;
	while ((record_size = gg_record_size(data + offset, size - offset)) > 0) {
		/* A copy of exactly the record's bytes, so ASan sees any read beyond it. */
		uint8_t *record = malloc((size_t)record_size);
		if (!record)
			break;
		memcpy(record, data + offset, (size_t)record_size);
		int length = gg_record_format(record, (size_t)record_size, line);
		if (length <= 0 || line[length - 1] != '\n')
			__builtin_trap();
		if (gg_record_to_event(record, (size_t)record_size, &binary, &scratch, &error) == 0) {
			if (gg_parse_line(line, (size_t)length - 1, &text, &error) ||
			    !same_event(&binary, &text)) {
				fprintf(stderr, "binary record read, its line not the same: %s\n%s",
					error.message, line);
				__builtin_trap();
			}
			if (gg_aggregate_event(&aggregate, &binary)) {
				free(record);
				break;
			}
		}
		free(record);
		offset += (size_t)record_size;
	}
	if (gg_aggregate_finish(&aggregate) == 0 && null_output) {
		gg_report_print(&aggregate, GG_REPORT_TABLE, null_output);
		gg_report_print(&aggregate, GG_REPORT_CSV, null_output);
	}
	gg_aggregate_free(&aggregate);
	return 0;
}
