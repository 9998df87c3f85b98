// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the input is split into lines; every line goes through the parser, every
 * parsed event through the aggregator, and the result is printed all three ways. Any crash,
 * sanitizer report or leak fails the run. Each line also goes through the fast path (event.h),
 * in a buffer with exactly GG_PARSE_PADDING bytes after it so ASan sees any read beyond; when
 * the fast path accepts a line, the strict parser must accept it too, with the same values.
 * The stream's form of the fast path (gg_parser_next_line(), which finds each line's end
 * itself) runs over the whole input the same way: a line it takes must be the line up to the
 * next '\n', accepted by the strict parser with the same values, its marker text as plain as
 * gg_plain_prefix() says.
 */
#include "aggregate.h"
#include "event.h"
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *null_output;

static void check_same(const struct gg_event *fast, const struct gg_event *slow,
		       const char *fast_line, const char *slow_line)
{
	bool same = fast->seq == slow->seq && fast->ts == slow->ts && fast->cpu == slow->cpu &&
		    fast->pid == slow->pid && fast->tid == slow->tid && fast->cr3 == slow->cr3 &&
		    fast->pgd == slow->pgd && fast->type == slow->type &&
		    fast->type_name.len == slow->type_name.len &&
		    fast->type_name.ptr - fast_line == slow->type_name.ptr - slow_line;
	if (same && slow->type == GG_EV_FAULT) {
		const struct gg_fault *f = &fast->fault, *g = &slow->fault;
		same = f->addr == g->addr && f->ip == g->ip && f->access == g->access &&
		       f->origin == g->origin && f->lock == g->lock && f->level == g->level &&
		       f->old_entry == g->old_entry && f->new_entry == g->new_entry &&
		       f->old_flags == g->old_flags && f->new_flags == g->new_flags &&
		       f->old_pfn == g->old_pfn && f->new_pfn == g->new_pfn &&
		       f->trans == g->trans && f->result == g->result && f->vmf == g->vmf &&
		       f->node == g->node && f->fflags == g->fflags && f->has_ptes == g->has_ptes &&
		       f->ptes == g->ptes && f->ptes_start == g->ptes_start &&
		       f->ptes_end == g->ptes_end;
	} else if (same && slow->type == GG_EV_TLB_FLUSH) {
		same = fast->tlb_flush.start == slow->tlb_flush.start &&
		       fast->tlb_flush.end == slow->tlb_flush.end &&
		       fast->tlb_flush.stride == slow->tlb_flush.stride &&
		       fast->tlb_flush.pages == slow->tlb_flush.pages &&
		       fast->tlb_flush.whole_mm == slow->tlb_flush.whole_mm &&
		       fast->tlb_flush.freed == slow->tlb_flush.freed;
	} else if (same && slow->type == GG_EV_MMAP) {
		/* an anonymous mapping's file is an empty span, wherever it points */
		same = fast->mmap.addr == slow->mmap.addr && fast->mmap.len == slow->mmap.len &&
		       fast->mmap.prot == slow->mmap.prot && fast->mmap.flags == slow->mmap.flags &&
		       fast->mmap.pgoff == slow->mmap.pgoff && fast->mmap.anon == slow->mmap.anon &&
		       fast->mmap.file.len == slow->mmap.file.len &&
		       (slow->mmap.anon ||
			fast->mmap.file.ptr - fast_line == slow->mmap.file.ptr - slow_line) &&
		       fast->mmap.ret.failed == slow->mmap.ret.failed &&
		       fast->mmap.ret.value == slow->mmap.ret.value;
	} else if (same && slow->type == GG_EV_MARKER) {
		same = fast->marker.text.len == slow->marker.text.len &&
		       fast->marker.text.ptr - fast_line == slow->marker.text.ptr - slow_line;
	} else if (same && slow->type == GG_EV_FORK) {
		same = fast->fork.child == slow->fork.child && fast->fork.thread == slow->fork.thread;
	} else if (same && slow->type == GG_EV_EXIT) {
		same = fast->exit.code == slow->exit.code &&
		       fast->exit.group_dead == slow->exit.group_dead;
	} else if (same && slow->type == GG_EV_MADVISE) {
		same = fast->madvise.addr == slow->madvise.addr &&
		       fast->madvise.len == slow->madvise.len &&
		       fast->madvise.advice == slow->madvise.advice &&
		       fast->madvise.ret.failed == slow->madvise.ret.failed &&
		       fast->madvise.ret.value == slow->madvise.ret.value;
	} else if (same) {
		same = false; /* the fast path handles no other type */
	}
	if (!same)
		__builtin_trap();
}

/* The input as a stream, in one buffer with GG_PARSE_PADDING zeros after it, as the reader has. */
static void check_next_line(const uint8_t *data, size_t size)
{
	struct gg_parser parser;
	char *buffer = malloc(size + GG_PARSE_PADDING);
	if (!buffer)
		return;
	memcpy(buffer, data, size);
	memset(buffer + size, 0, GG_PARSE_PADDING);
	gg_parser_init(&parser);

	const char *text = buffer, *end = buffer + size;
	while (text < end) {
		const char *newline = memchr(text, '\n', (size_t)(end - text));
		struct gg_event fast, slow;
		struct gg_parse_error error;
		size_t length;
		if (gg_parser_next_line(&parser, text, end, &fast, &length) == 0) {
			if (!newline || length != (size_t)(newline - text))
				__builtin_trap(); /* it took something else than the line */
			if (gg_parse_line(text, length, &slow, &error) != 0)
				__builtin_trap(); /* it took a line the parser rejects */
			check_same(&fast, &slow, text, text);
			if (slow.type == GG_EV_MARKER && fast.marker.text_plain != slow.marker.text_plain)
				__builtin_trap();
		}
		text = newline ? newline + 1 : end;
	}
	free(buffer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_next_line(data, size);

	struct gg_aggregate aggregate;
	struct gg_event event;
	struct gg_parse_error error;

	if (!null_output)
		null_output = fopen("/dev/null", "w");
	if (gg_aggregate_init(&aggregate))
		return 0;

	struct gg_parser parser;
	char *padded = malloc(size + GG_PARSE_PADDING);
	if (!padded) {
		gg_aggregate_free(&aggregate);
		return 0;
	}
	gg_parser_init(&parser);

	const char *text = (const char *)data;
	const char *end = text + size;
	while (text < end) {
		const char *newline = memchr(text, '\n', (size_t)(end - text));
		const char *line_end = newline ? newline : end;
		size_t length = (size_t)(line_end - text);
		struct gg_event fast;
		/* the line, then padding: the byte after it is the input's next byte, or 0 */
		char *copy = padded + size - length;
		memcpy(copy, text, length);
		memset(copy + length, 0, GG_PARSE_PADDING);
		if (newline)
			copy[length] = '\n';
		int fast_result = gg_parser_try_fast(&parser, copy, length, &fast);
		int slow_result = gg_parse_line(text, length, &event, &error);
		if (fast_result == 0) {
			if (slow_result != 0)
				__builtin_trap(); /* the fast path took a line the parser rejects */
			check_same(&fast, &event, copy, text);
		}
		if (slow_result == 0) {
			if (gg_aggregate_event(&aggregate, &event))
				break;
		} else if (memchr(error.message, '\0', sizeof(error.message)) == NULL) {
			__builtin_trap(); /* the message must always be terminated */
		}
		text = newline ? newline + 1 : end;
	}
	if (gg_aggregate_finish(&aggregate) == 0 && null_output) {
		gg_report_print(&aggregate, GG_REPORT_TABLE, null_output);
		gg_report_print(&aggregate, GG_REPORT_WIDE, null_output);
		gg_report_print(&aggregate, GG_REPORT_CSV, null_output);
	}
	gg_aggregate_free(&aggregate);
	free(padded);
	return 0;
}
