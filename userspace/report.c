// SPDX-License-Identifier: GPL-2.0
/* `gogrowth report`: event stream in, per-step per-mapping summary out. */
#include "report.h"
#include "event_stream.h"
#include "report_records.h"

#include "escape_text.h"
#include "event.h"
#include "line_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

/* ---- reading ---- */

static int aggregate_sink(const struct gg_event *event, void *context)
{
	return gg_aggregate_event(context, event);
}

int gg_report_read(int fd, const char *name, struct gg_aggregate *aggregate, FILE *err)
{
	int status = gg_report_records_apply(fd)
			     ? gg_report_read_records(fd, name, aggregate, err)
			     : gg_event_stream_read(fd, name, aggregate_sink, aggregate, err);

	if (status == 0 && gg_aggregate_finish(aggregate)) {
		fprintf(err, "gogrowth: out of memory\n");
		status = 1;
	}
	return status;
}

/* ---- columns ---- */

enum column_align { ALIGN_LEFT, ALIGN_RIGHT };

struct column {
	const char *human_header; /* ABI spellings where there is one */
	const char *csv_header;   /* identifiers a script can use */
	size_t counts_offset;     /* into struct gg_counts; SIZE_MAX for a text column */
};

#define COUNT_COLUMN(human, csv, member) { human, csv, offsetof(struct gg_counts, member) }
#define TEXT_COLUMN(human, csv) { human, csv, SIZE_MAX }

enum { COLUMN_MAPPING, COLUMN_NAME, COLUMN_PROT, FIRST_COUNT_COLUMN };

static const struct column columns[] = {
	TEXT_COLUMN("mapping", "mapping"),
	TEXT_COLUMN("name", "name"),
	TEXT_COLUMN("prot", "prot"),
	COUNT_COLUMN("mmaps", "mmaps", mmaps),
	COUNT_COLUMN("mmap_bytes", "mmap_bytes", mmap_bytes),
	COUNT_COLUMN("mmap_failed", "mmap_failed", mmap_failed),
	COUNT_COLUMN("faults", "faults", faults),
	COUNT_COLUMN("none->present", "trans_none_present", faults_by_trans[GG_TRANS_NONE_PRESENT]),
	COUNT_COLUMN("ro->rw-cow", "trans_ro_rw_cow", faults_by_trans[GG_TRANS_RO_RW_COW]),
	COUNT_COLUMN("ro->rw", "trans_ro_rw", faults_by_trans[GG_TRANS_RO_RW]),
	COUNT_COLUMN("present->present", "trans_present_present",
		     faults_by_trans[GG_TRANS_PRESENT]),
	COUNT_COLUMN("present->none", "trans_present_none", faults_by_trans[GG_TRANS_PRESENT_NONE]),
	COUNT_COLUMN("none->none", "trans_none_none", faults_by_trans[GG_TRANS_NONE_NONE]),
	COUNT_COLUMN("present->present-newpfn", "trans_present_present_newpfn",
		     faults_by_trans[GG_TRANS_NEWPFN]),
	COUNT_COLUMN("unknown", "trans_unknown", faults_by_trans[GG_TRANS_UNKNOWN]),
	COUNT_COLUMN("pte", "level_pte", faults_by_level[GG_LVL_PTE]),
	COUNT_COLUMN("pmd", "level_pmd", faults_by_level[GG_LVL_PMD]),
	COUNT_COLUMN("pud", "level_pud", faults_by_level[GG_LVL_PUD]),
	COUNT_COLUMN("level_none", "level_none", faults_by_level[GG_LVL_NONE]),
	COUNT_COLUMN("level_unknown", "level_unknown", faults_by_level[GG_LVL_UNKNOWN]),
	COUNT_COLUMN("pages", "pages_faulted", pages_faulted),
	COUNT_COLUMN("tlb_flushes", "tlb_flushes", tlb_flushes),
	COUNT_COLUMN("tlb_pages", "tlb_pages", tlb_pages),
	COUNT_COLUMN("tlb_whole_mm", "tlb_whole_mm", tlb_whole_mm),
	COUNT_COLUMN("lost", "lost", lost),
};

#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))

static uint64_t count_value(const struct gg_counts *counts, const struct column *column)
{
	uint64_t value;
	memcpy(&value, (const char *)counts + column->counts_offset, sizeof(value));
	return value;
}

static void format_prot(char out[4], uint64_t prot)
{
	/* PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4 */
	out[0] = prot & 1 ? 'r' : '-';
	out[1] = prot & 2 ? 'w' : '-';
	out[2] = prot & 4 ? 'x' : '-';
	out[3] = '\0';
}

/* Text of cell (row, column) into buffer; returns its length. */
static size_t format_cell(const struct gg_aggregate *aggregate, const struct gg_row *row,
			  size_t column, char *buffer, size_t size)
{
	const struct gg_mapping *mapping =
		row->mapping == GG_NO_MAPPING ? NULL : &aggregate->mappings[row->mapping];
	int length;

	switch (column) {
	case COLUMN_MAPPING:
		if (!mapping)
			length = snprintf(buffer, size, "(other)");
		else
			length = snprintf(buffer, size, "0x%" PRIx64 "-0x%" PRIx64, mapping->start,
					  mapping->end);
		break;
	case COLUMN_NAME:
		length = snprintf(buffer, size, "%s", mapping ? mapping->name : "-");
		break;
	case COLUMN_PROT:
		if (mapping) {
			format_prot(buffer, mapping->prot);
			length = 3;
		} else {
			length = snprintf(buffer, size, "-");
		}
		break;
	default:
		length = snprintf(buffer, size, "%" PRIu64, count_value(&row->counts, &columns[column]));
		break;
	}
	return length < 0 ? 0 : (size_t)length;
}

/* ---- output ---- */

/*
 * The tables are assembled in one buffer and written with one fwrite() per OUTPUT_BUFFER_SIZE
 * bytes: a step of a real recording is often one header line, and stdio's per-call cost
 * (fprintf's format parsing, fputc's locking) was most of the report's time. Numbers are
 * formatted by hand, exactly as %PRIu64 and 0x%PRIx64 print them.
 */
#define OUTPUT_BUFFER_SIZE (64 * 1024)
/* Padding is written in runs of at most this many spaces. */
#define OUTPUT_PIECE_MAX 512

struct output {
	FILE *file;
	size_t used;
	char *data; /* OUTPUT_BUFFER_SIZE bytes */
};

static int output_open(struct output *o, FILE *file)
{
	o->file = file;
	o->used = 0;
	o->data = malloc(OUTPUT_BUFFER_SIZE);
	return o->data ? 0 : -1;
}

static void output_flush(struct output *o)
{
	if (o->used)
		fwrite(o->data, 1, o->used, o->file); /* errors: ferror(), checked by the caller */
	o->used = 0;
}

static void output_close(struct output *o)
{
	output_flush(o);
	free(o->data);
	o->data = NULL;
}

/* Room for n <= OUTPUT_BUFFER_SIZE bytes at the end of the buffer. */
static inline char *out_reserve(struct output *o, size_t n)
{
	if (OUTPUT_BUFFER_SIZE - o->used < n)
		output_flush(o);
	return o->data + o->used;
}

/* out_bytes() when the buffer has no room: flush, or write a piece too long to buffer. */
static void out_bytes_flushing(struct output *o, const char *bytes, size_t n)
{
	output_flush(o);
	if (n > OUTPUT_BUFFER_SIZE) {
		fwrite(bytes, 1, n, o->file);
		return;
	}
	memcpy(o->data, bytes, n);
	o->used = n;
}

/* Inline: most pieces are literals, whose copy the compiler turns into a few moves. */
static inline void out_bytes(struct output *o, const char *bytes, size_t n)
{
	if (__builtin_expect(OUTPUT_BUFFER_SIZE - o->used < n, 0)) {
		out_bytes_flushing(o, bytes, n);
		return;
	}
	memcpy(o->data + o->used, bytes, n);
	o->used += n;
}

#define OUT_LITERAL(o, s) out_bytes((o), (s), sizeof(s) - 1)

static void out_char(struct output *o, char c)
{
	*out_reserve(o, 1) = c;
	o->used++;
}

static void out_spaces(struct output *o, size_t n)
{
	while (n) {
		size_t piece = n < OUTPUT_PIECE_MAX ? n : OUTPUT_PIECE_MAX;
		memset(out_reserve(o, piece), ' ', piece);
		o->used += piece;
		n -= piece;
	}
}

/* Digits of %PRIu64. */
static inline size_t decimal_length(uint64_t value)
{
	size_t length = 1;
	while (value >= 10000) {
		value /= 10000;
		length += 4;
	}
	return length + (value >= 10) + (value >= 100) + (value >= 1000);
}

/* "00" .. "99": two digits per division. */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* %PRIu64 at p, which has room for 20 bytes; returns the end. */
static inline char *put_u64(char *p, uint64_t value)
{
	if (value < 10) { /* most counts in a step header (events, lost) */
		*p = (char)('0' + value);
		return p + 1;
	}
	char *end = p + decimal_length(value), *q = end;
	while (value >= 100) {
		unsigned pair = (unsigned)(value % 100);
		value /= 100;
		q -= 2;
		memcpy(q, digit_pairs + 2 * pair, 2);
	}
	if (value >= 10) {
		q -= 2;
		memcpy(q, digit_pairs + 2 * value, 2);
	} else {
		*--q = (char)('0' + value);
	}
	return end;
}

/* %PRIu64, right-aligned in width (0: no padding). */
static void out_u64_padded(struct output *o, uint64_t value, size_t width)
{
	size_t length = decimal_length(value);
	if (width > length)
		out_spaces(o, width - length);
	o->used = (size_t)(put_u64(out_reserve(o, length), value) - o->data);
}

static void out_u64(struct output *o, uint64_t value)
{
	out_u64_padded(o, value, 0);
}

/* Digits of %PRIx64. */
static size_t hex_length(uint64_t value)
{
	return value ? (size_t)(64 - __builtin_clzll(value) + 3) / 4 : 1;
}

/* 0x%PRIx64 into buffer (at least 18 bytes); returns its length. */
static size_t format_hex(char *buffer, uint64_t value)
{
	static const char digits[] = "0123456789abcdef";
	size_t length = hex_length(value);
	buffer[0] = '0';
	buffer[1] = 'x';
	for (size_t i = length; i > 0; i--, value >>= 4)
		buffer[1 + i] = digits[value & 15];
	return 2 + length;
}

/* ---- human table ---- */

#define CELL_SIZE 96

static void print_table_line(struct output *o, const size_t *widths, char cells[][CELL_SIZE])
{
	for (size_t c = 0; c < COLUMN_COUNT; c++) {
		size_t length = strlen(cells[c]);
		size_t pad = widths[c] > length ? widths[c] - length : 0;
		if (c)
			OUT_LITERAL(o, "  ");
		if (columns[c].counts_offset != SIZE_MAX) /* text left, numbers right */
			out_spaces(o, pad);
		out_bytes(o, cells[c], length);
		if (columns[c].counts_offset == SIZE_MAX)
			out_spaces(o, pad);
	}
	out_char(o, '\n');
}

#define PUT_LITERAL(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

/*
 * The number of the step whose header was printed last, as text: the next one is nearly always
 * one more, which is counted up in the digits rather than formatted again.
 */
struct step_number {
	uint64_t value; /* 0: none yet */
	size_t length;
	char digits[24];
};

static const char *step_number_text(struct step_number *number, uint64_t value, size_t *length)
{
	if (number->value != 0 && value == number->value + 1 && value < UINT64_C(1) << 32) {
		size_t i = number->length;
		while (i > 0 && number->digits[i - 1] == '9')
			number->digits[--i] = '0';
		if (i > 0) {
			number->digits[i - 1]++;
		} else { /* 99..9 + 1: one more digit */
			memmove(number->digits + 1, number->digits, number->length);
			number->digits[0] = '1';
			number->length++;
		}
	} else {
		number->length = (size_t)(put_u64(number->digits, value) - number->digits);
	}
	number->value = value;
	*length = number->length;
	return number->digits;
}

/* print_step_header() of a marker of more than 16 KiB, in pieces. */
static __attribute__((noinline)) void print_long_step_header(struct output *o,
							     const struct gg_aggregate *aggregate,
							     uint32_t index)
{
	const struct gg_step *step = &aggregate->steps[index];
	size_t name_length;
	const char *name = gg_step_name(aggregate, step, &name_length);
	char prefix[24];

	out_bytes(o, prefix, (size_t)(put_u64(PUT_LITERAL(prefix, "step "), (uint64_t)index + 1) - prefix));
	OUT_LITERAL(o, ": ");
	for (size_t done = 0; done < name_length; done += 1024) {
		size_t piece = name_length - done < 1024 ? name_length - done : 1024;
		char *end = gg_put_escaped(out_reserve(o, 4 * piece), name + done, piece);
		o->used = (size_t)(end - o->data);
	}
	char tail[64], *t = PUT_LITERAL(tail, "  (events ");
	t = PUT_LITERAL(put_u64(t, step->events), ", lost ");
	t = PUT_LITERAL(put_u64(t, step->lost), ")\n");
	out_bytes(o, tail, (size_t)(t - tail));
}

/*
 * "step N: <marker text>  (events E, lost L)" above a step's rows: in a marker-heavy recording
 * (a Swiss map labels every growth step) most steps are only this line, so it is written with
 * one reservation and no per-piece checks (the rare long marker apart, not to burden this with
 * its registers).
 */
static void print_step_header(struct output *o, const struct gg_aggregate *aggregate,
			      uint32_t index, struct step_number *number)
{
	const struct gg_step *step = &aggregate->steps[index];
	size_t name_length;
	const char *name;
	/* "step " 10 ": " + escaped "  (events " 20 ", lost " 20 ")\n"; a kept name's limit */
	size_t longest = 5 + 10 + 2 + 4 * step->name_length + 10 + 20 + 7 + 20 + 2;

	if (longest > OUTPUT_BUFFER_SIZE - o->used)
		output_flush(o);
	if (__builtin_expect(longest > OUTPUT_BUFFER_SIZE, 0)) {
		print_long_step_header(o, aggregate, index);
		return;
	}
	char *p = o->data + o->used;
	size_t number_length;
	const char *number_text = step_number_text(number, (uint64_t)index + 1, &number_length);
	p = PUT_LITERAL(p, "step ");
	memcpy(p, number_text, 16); /* at most 10 digits; the rest is overwritten next */
	p += number_length;
	p = PUT_LITERAL(p, ": ");
	if (step->name_kept) { /* never seen by the reader: measured and checked as it is copied */
		p = gg_put_escaped_to_nul(p, step->kept_name, step->name_length);
	} else if (step->name_plain) { /* the reader saw every byte: copied, not checked again */
		name = gg_step_name(aggregate, step, &name_length);
		memcpy(p, name, name_length);
		p += name_length;
	} else {
		name = gg_step_name(aggregate, step, &name_length);
		p = gg_put_escaped(p, name, name_length);
	}
	p = PUT_LITERAL(p, "  (events ");
	p = put_u64(p, step->events);
	p = PUT_LITERAL(p, ", lost ");
	p = put_u64(p, step->lost);
	p = PUT_LITERAL(p, ")\n");
	o->used = (size_t)(p - o->data);
}

/*
 * The rows of step @step, which start at *@next (then moved past them). A step with nothing
 * counted has none (aggregate.h): it has its all-zero "(other)" row, made in @none.
 */
static inline const struct gg_row *rows_of_step(const struct gg_aggregate *aggregate,
						uint32_t step, size_t *next, size_t *count,
						struct gg_row *none)
{
	size_t first = *next;

	while (*next < aggregate->row_count && aggregate->rows[*next].step == step)
		++*next;
	*count = *next - first;
	if (*count)
		return &aggregate->rows[first];
	none->step = step;
	none->mapping = GG_NO_MAPPING;
	memset(&none->counts, 0, sizeof(none->counts));
	*count = 1;
	return none;
}

static int print_wide(const struct gg_aggregate *aggregate, FILE *out)
{
	size_t widths[COLUMN_COUNT];
	char cells[COLUMN_COUNT][CELL_SIZE];
	struct output o;

	if (output_open(&o, out))
		return -1;
	for (size_t c = 0; c < COLUMN_COUNT; c++)
		widths[c] = strlen(columns[c].human_header);
	for (size_t r = 0; r < aggregate->row_count; r++) {
		for (size_t c = 0; c < COLUMN_COUNT; c++) {
			size_t length = format_cell(aggregate, &aggregate->rows[r], c, cells[c],
						    CELL_SIZE);
			if (length > widths[c])
				widths[c] = length;
		}
	}

	for (size_t c = 0; c < COLUMN_COUNT; c++)
		snprintf(cells[c], CELL_SIZE, "%s", columns[c].human_header);
	print_table_line(&o, widths, cells);

	/* (a step's all-zero "(other)" row widens no column: its cells are no longer than the
	 * headers) */
	struct step_number number = { 0, 0, { 0 } };
	size_t next = 0;
	for (uint32_t step = 0; step < aggregate->step_count; step++) {
		struct gg_row none;
		size_t count;
		const struct gg_row *rows = rows_of_step(aggregate, step, &next, &count, &none);
		print_step_header(&o, aggregate, step, &number);
		for (size_t r = 0; r < count; r++) {
			for (size_t c = 0; c < COLUMN_COUNT; c++)
				format_cell(aggregate, &rows[r], c, cells[c], CELL_SIZE);
			print_table_line(&o, widths, cells);
		}
	}
	output_close(&o);
	fprintf(out, "total: %" PRIu64 " events, %zu steps, %zu mappings, %" PRIu64 " lost\n",
		aggregate->event_count, aggregate->step_count, aggregate->mapping_count,
		aggregate->lost_total);
	return 0;
}

/* ---- compact table (the default) ---- */

_Static_assert(sizeof(struct gg_counts) % sizeof(uint64_t) == 0, "gg_counts is all uint64_t");
#define COUNTS_WORDS (sizeof(struct gg_counts) / sizeof(uint64_t))

static void add_counts(struct gg_counts *sum, const struct gg_counts *counts)
{
	/* word by word in place (each memcpy is one load or store): no copies of the two structs */
	for (size_t i = 0; i < COUNTS_WORDS; i++) {
		uint64_t word, more;
		memcpy(&word, (char *)sum + i * sizeof(word), sizeof(word));
		memcpy(&more, (const char *)counts + i * sizeof(more), sizeof(more));
		word += more;
		memcpy((char *)sum + i * sizeof(word), &word, sizeof(word));
	}
}

/*
 * Whether a row says anything beyond what the step header says (events, lost). Such a row
 * holds no other non-zero counter either: bytes, pages and the breakdowns only grow with
 * mmaps, faults and flushes.
 */
static bool counts_empty(const struct gg_counts *c)
{
	return c->mmaps == 0 && c->mmap_failed == 0 && c->faults == 0 && c->tlb_flushes == 0;
}

/* 4096 -> "4 KiB", 68624 -> "67.0 KiB", 100 -> "100 B" */
static int format_size(char *buffer, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	if (bytes < 1024)
		return snprintf(buffer, size, "%" PRIu64 " B", bytes);
	unsigned unit = 0;
	uint64_t scale = 1024;
	while (unit + 1 < sizeof(units) / sizeof(units[0]) && bytes / scale >= 1024) {
		scale *= 1024;
		unit++;
	}
	if (bytes % scale == 0)
		return snprintf(buffer, size, "%" PRIu64 " %s", bytes / scale, units[unit]);
	return snprintf(buffer, size, "%.1f %s", (double)bytes / (double)scale, units[unit]);
}

/*
 * Padding written 16 spaces at a time: up to 15 bytes past the end, in room the caller has
 * reserved (PAD_SLACK) and that what follows overwrites.
 */
#define PAD_SLACK 16

static inline char *put_spaces(char *p, size_t n)
{
	static const char spaces[16] = "                ";
	for (size_t i = 0; i < n; i += 16)
		memcpy(p + i, spaces, 16);
	return p + n;
}

/* Spaces that pad @length bytes to @width, if any. */
static inline char *put_padding(char *p, size_t width, size_t length)
{
	return width > length ? put_spaces(p, width - length) : p;
}

/* %PRIu64 right-aligned in width, with PAD_SLACK bytes of room beyond it. */
static inline char *put_u64_right(char *p, uint64_t value, size_t width)
{
	return put_u64(put_padding(p, width, decimal_length(value)), value);
}

static inline char *put_text(char *p, const char *text, size_t length)
{
	memcpy(p, text, length);
	return p + length;
}

/* The breakdown's names with their lengths, in display order, looked up once rather than per row. */
struct breakdown_names {
	bool ready;
	const char *trans[GG_TRANS_NR], *level[GG_LEVEL_SHOWN_COUNT];
	size_t trans_length[GG_TRANS_NR], level_length[GG_LEVEL_SHOWN_COUNT];
	/* the display order, as indexes into the counts */
	unsigned trans_index[GG_TRANS_NR], level_index[GG_LEVEL_SHOWN_COUNT];
	size_t longest_breakdown; /* bytes of a breakdown with every part, with the largest counts */
};

static const struct breakdown_names *breakdown_names(void)
{
	static struct breakdown_names names;
	if (names.ready)
		return &names;
	size_t longest = 0;
	for (unsigned i = 0; i < GG_TRANS_NR; i++) {
		names.trans_index[i] = (unsigned)gg_trans_display_order[i];
		names.trans[i] = gg_trans_name(gg_trans_display_order[i]);
		names.trans_length[i] = strlen(names.trans[i]);
		longest += 2 + names.trans_length[i] + 1 + 20;
	}
	for (unsigned i = 0; i < GG_LEVEL_SHOWN_COUNT; i++) {
		names.level_index[i] = (unsigned)gg_level_display_order[i];
		names.level[i] = gg_level_name(gg_level_display_order[i]);
		names.level_length[i] = strlen(names.level[i]);
		longest += 2 + names.level_length[i] + 1 + 20;
	}
	names.longest_breakdown = longest + 2 + sizeof("mmap failed ") + 20;
	names.ready = true;
	return &names;
}

/* What goes before a part: nothing before the first, ", " inside a group, "; " between groups. */
static inline char *put_separator(char *p, char separator)
{
	if (separator) {
		p[0] = separator;
		p[1] = ' ';
		p += 2;
	}
	return p;
}

/* One group: "name count" for each non-zero count, then ';' as the next group's separator. */
static inline char *put_named_counts(char *p, char *separator, const uint64_t *counts,
				     const unsigned *order, const char *const *names,
				     const size_t *lengths, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t count = counts[order[i]];
		if (count) {
			p = put_separator(p, *separator);
			p = put_text(p, names[i], lengths[i]);
			*p++ = ' ';
			p = put_u64(p, count);
			*separator = ',';
		}
	}
	if (*separator)
		*separator = ';';
	return p;
}

/* "none->present 120, ro->rw-cow 3; pte 121, pmd 2; mmap failed 1" (only non-zero parts) */
static void print_breakdown(struct output *o, const struct gg_counts *c)
{
	const struct breakdown_names *names = breakdown_names();
	char *start = out_reserve(o, names->longest_breakdown), *p = start;
	char separator = '\0';
	p = put_named_counts(p, &separator, c->faults_by_trans, names->trans_index, names->trans,
			     names->trans_length, GG_TRANS_NR);
	p = put_named_counts(p, &separator, c->faults_by_level, names->level_index, names->level,
			     names->level_length, GG_LEVEL_SHOWN_COUNT);
	if (c->mmap_failed) {
		p = put_separator(p, separator);
		p = PUT_LITERAL(p, "mmap failed ");
		p = put_u64(p, c->mmap_failed);
		separator = ';';
	}
	if (!separator) /* no part at all */
		*p++ = '-';
	o->used += (size_t)(p - start);
}

enum compact_column {
	C_MAPPING, C_NAME, C_PROT, C_MMAPS, C_SIZE, C_FAULTS, C_PAGES, C_FLUSHES, C_FLUSHED,
	C_BREAKDOWN, C_COUNT
};

static const char *const compact_headers[C_COUNT] = {
	"mapping", "name", "prot", "mmaps", "size", "faults", "pages", "flushes", "flushed",
	"faults by transition; by level",
};

/*
 * The text columns of a mapping's rows, made once per mapping rather than once per row (a
 * mapping has a row in every step it is used in): "0x..-0x..", its name, prot and size.
 */
struct mapping_cells {
	char range[40];
	char size[32];
	char prot[4];
	uint8_t range_length, size_length, prot_length, name_length;
	const char *name;
};

static void make_mapping_cells(struct mapping_cells *cells, const struct gg_mapping *mapping)
{
	size_t length = format_hex(cells->range, mapping->start);
	cells->range[length++] = '-';
	length += format_hex(cells->range + length, mapping->end);
	cells->range_length = (uint8_t)length;
	int size_length = format_size(cells->size, sizeof(cells->size), mapping->len);
	cells->size_length = (uint8_t)(size_length < 0 ? 0 : size_length);
	format_prot(cells->prot, mapping->prot);
	cells->prot_length = (uint8_t)strlen(cells->prot);
	cells->name = mapping->name;
	cells->name_length = (uint8_t)strlen(mapping->name);
}

/* "(other)" has "-" for the name, prot and size. */
static const struct mapping_cells other_cells = {
	.range = "(other)", .size = "-", .prot = "-",
	.range_length = 7, .size_length = 1, .prot_length = 1, .name_length = 1, .name = "-",
};

static const struct mapping_cells *cells_of(const struct mapping_cells *mapping_cells,
					    uint32_t mapping)
{
	return mapping == GG_NO_MAPPING ? &other_cells : &mapping_cells[mapping];
}

/* The `flushed` column: pages of ranged flushes, "all" or "N+all" with whole-mm flushes. */
static size_t flushed_length(const struct gg_counts *c)
{
	if (c->tlb_whole_mm == 0)
		return decimal_length(c->tlb_pages);
	return c->tlb_pages == 0 ? 3 : decimal_length(c->tlb_pages) + 4;
}

/* Widths of every column but the last (unpadded) one, as the row prints them. */
static void update_widths(size_t *widths, const struct mapping_cells *cells,
			  const struct gg_counts *c)
{
	size_t lengths[C_BREAKDOWN] = {
		[C_MAPPING] = cells->range_length,
		[C_NAME] = cells->name_length,
		[C_PROT] = cells->prot_length,
		[C_MMAPS] = decimal_length(c->mmaps),
		[C_SIZE] = cells->size_length,
		[C_FAULTS] = decimal_length(c->faults),
		[C_PAGES] = decimal_length(c->pages_faulted),
		[C_FLUSHES] = decimal_length(c->tlb_flushes),
		[C_FLUSHED] = flushed_length(c),
	};
	for (unsigned column = 0; column < C_BREAKDOWN; column++)
		if (lengths[column] > widths[column])
			widths[column] = lengths[column];
}

static void out_left(struct output *o, const char *text, size_t length, size_t width)
{
	out_bytes(o, text, length);
	if (width > length)
		out_spaces(o, width - length);
}

static void out_right(struct output *o, const char *text, size_t length, size_t width)
{
	if (width > length)
		out_spaces(o, width - length);
	out_bytes(o, text, length);
}

/* Every column of a row but the breakdown, with its padding: the room to reserve for it. */
static size_t row_room(const size_t *widths)
{
	size_t room = PAD_SLACK;
	for (unsigned column = 0; column < C_BREAKDOWN; column++)
		room += 2 + widths[column];
	return room + 2;
}

/* Written with one reservation (row_room) and no per-piece checks: the table's bulk. */
static void print_compact_row(struct output *o, const size_t *widths, size_t room,
			      const struct mapping_cells *cells, const struct gg_counts *c)
{
	char *start = out_reserve(o, room), *p = start;
	size_t prot_length = cells->prot_length;

	p = PUT_LITERAL(p, "  ");
	p = put_text(p, cells->range, cells->range_length);
	p = put_padding(p, widths[C_MAPPING], cells->range_length);
	p = PUT_LITERAL(p, "  ");
	p = put_text(p, cells->name, cells->name_length);
	p = put_padding(p, widths[C_NAME], cells->name_length);
	p = PUT_LITERAL(p, "  ");
	p = put_text(p, cells->prot, prot_length);
	p = put_padding(p, widths[C_PROT], prot_length);
	p = PUT_LITERAL(p, "  ");
	p = put_u64_right(p, c->mmaps, widths[C_MMAPS]);
	p = PUT_LITERAL(p, "  ");
	p = put_padding(p, widths[C_SIZE], cells->size_length);
	p = put_text(p, cells->size, cells->size_length);
	p = PUT_LITERAL(p, "  ");
	p = put_u64_right(p, c->faults, widths[C_FAULTS]);
	p = PUT_LITERAL(p, "  ");
	p = put_u64_right(p, c->pages_faulted, widths[C_PAGES]);
	p = PUT_LITERAL(p, "  ");
	p = put_u64_right(p, c->tlb_flushes, widths[C_FLUSHES]);
	p = PUT_LITERAL(p, "  ");
	if (c->tlb_whole_mm == 0) {
		p = put_u64_right(p, c->tlb_pages, widths[C_FLUSHED]);
	} else {
		p = put_padding(p, widths[C_FLUSHED], flushed_length(c));
		if (c->tlb_pages != 0) {
			p = put_u64(p, c->tlb_pages);
			*p++ = '+';
		}
		p = PUT_LITERAL(p, "all");
	}
	p = PUT_LITERAL(p, "  ");
	o->used += (size_t)(p - start);
	print_breakdown(o, c);
	out_char(o, '\n');
}

static void print_header_row(struct output *o, const size_t *widths)
{
	OUT_LITERAL(o, "  ");
	for (unsigned c = 0; c < C_COUNT; c++) {
		const char *header = compact_headers[c];
		size_t length = strlen(header);
		if (c)
			OUT_LITERAL(o, "  ");
		if (c == C_BREAKDOWN) /* last: no padding */
			out_bytes(o, header, length);
		else if (c <= C_PROT)
			out_left(o, header, length, widths[c]);
		else
			out_right(o, header, length, widths[c]);
	}
	out_char(o, '\n');
}

static const struct gg_aggregate *sort_context; /* qsort has no context argument in C11 */

static int compare_mappings_by_address(const void *a, const void *b)
{
	const struct gg_mapping *l = &sort_context->mappings[*(const uint32_t *)a - 1];
	const struct gg_mapping *r = &sort_context->mappings[*(const uint32_t *)b - 1];
	if (l->start != r->start)
		return l->start < r->start ? -1 : 1;
	if (l->len != r->len)
		return l->len < r->len ? -1 : 1;
	return 0;
}

static int print_compact(const struct gg_aggregate *aggregate, FILE *out)
{
	size_t widths[C_COUNT];
	size_t mapping_count = aggregate->mapping_count;
	/* [0..mapping_count) per mapping, [mapping_count] "(other)" */
	struct gg_counts *totals = calloc(mapping_count + 1, sizeof(*totals));
	struct mapping_cells *mapping_cells = malloc((mapping_count ? mapping_count : 1) *
						     sizeof(*mapping_cells));
	uint32_t *order = malloc((mapping_count ? mapping_count : 1) * sizeof(*order));
	struct gg_counts overall;
	struct output o;

	if (!totals || !mapping_cells || !order || output_open(&o, out)) {
		free(totals);
		free(mapping_cells);
		free(order);
		return -1;
	}
	for (size_t m = 0; m < mapping_count; m++)
		make_mapping_cells(&mapping_cells[m], &aggregate->mappings[m]);
	memset(&overall, 0, sizeof(overall));
	for (unsigned c = 0; c < C_COUNT; c++)
		widths[c] = strlen(compact_headers[c]);
	for (size_t r = 0; r < aggregate->row_count; r++) {
		const struct gg_row *row = &aggregate->rows[r];
		size_t index = row->mapping == GG_NO_MAPPING ? mapping_count : row->mapping;
		/* an empty row adds only `lost`, which the table does not show */
		if (counts_empty(&row->counts))
			continue;
		add_counts(&totals[index], &row->counts);
		add_counts(&overall, &row->counts);
		update_widths(widths, cells_of(mapping_cells, row->mapping), &row->counts);
	}
	for (size_t m = 0; m <= mapping_count; m++)
		if (!counts_empty(&totals[m]))
			update_widths(widths,
				      cells_of(mapping_cells,
					       m == mapping_count ? GG_NO_MAPPING : (uint32_t)m),
				      &totals[m]);

	print_header_row(&o, widths);
	size_t room = row_room(widths);
	struct step_number number = { 0, 0, { 0 } };
	/*
	 * By row, each step's header before its first row; a step without rows (nothing counted)
	 * is its header alone, printed on the way to the next row's: most steps of a marker-heavy
	 * run, which cost a header and no test of rows.
	 */
	uint32_t headed = 0; /* steps whose header is out */
	for (size_t r = 0; r < aggregate->row_count; r++) {
		const struct gg_row *row = &aggregate->rows[r];
		while (headed <= row->step)
			print_step_header(&o, aggregate, headed++, &number);
		if (!counts_empty(&row->counts))
			print_compact_row(&o, widths, room, cells_of(mapping_cells, row->mapping),
					  &row->counts);
	}
	while (headed < aggregate->step_count)
		print_step_header(&o, aggregate, headed++, &number);

	/* totals over the run: mappings by address (then length), then "(other)" */
	OUT_LITERAL(&o, "totals per mapping (pages: summed over steps)\n");
	for (size_t m = 0; m < mapping_count; m++)
		order[m] = (uint32_t)m + 1; /* compare_rows_by_address: row indexes, 0 = other */
	sort_context = aggregate;
	qsort(order, mapping_count, sizeof(*order), compare_mappings_by_address);
	for (size_t i = 0; i < mapping_count; i++)
		if (!counts_empty(&totals[order[i] - 1]))
			print_compact_row(&o, widths, room, &mapping_cells[order[i] - 1],
					  &totals[order[i] - 1]);
	if (!counts_empty(&totals[mapping_count]))
		print_compact_row(&o, widths, room, &other_cells, &totals[mapping_count]);

	char size[32];
	uint64_t failed = overall.mmap_failed;
	overall.mmap_failed = 0; /* said on its own line */
	format_size(size, sizeof(size), overall.mmap_bytes);
	OUT_LITERAL(&o, "total: ");
	out_u64(&o, aggregate->event_count);
	OUT_LITERAL(&o, " events, ");
	out_u64(&o, aggregate->step_count);
	OUT_LITERAL(&o, " steps, ");
	out_u64(&o, aggregate->mapping_count);
	OUT_LITERAL(&o, " mappings, ");
	out_u64(&o, aggregate->lost_total);
	OUT_LITERAL(&o, " lost\ntotal: ");
	out_u64(&o, overall.mmaps);
	OUT_LITERAL(&o, " mmaps of ");
	out_bytes(&o, size, strlen(size));
	OUT_LITERAL(&o, ", ");
	out_u64(&o, failed);
	OUT_LITERAL(&o, " failed\ntotal: ");
	out_u64(&o, overall.faults);
	OUT_LITERAL(&o, " faults, ");
	out_u64(&o, overall.pages_faulted);
	OUT_LITERAL(&o, " pages");
	if (overall.faults)
		OUT_LITERAL(&o, ": ");
	print_breakdown(&o, &overall); /* "-" after "0 pages" when there was no fault, as ever */
	OUT_LITERAL(&o, "\ntotal: ");
	out_u64(&o, overall.tlb_flushes);
	OUT_LITERAL(&o, " tlb flushes, ");
	out_u64(&o, overall.tlb_pages);
	OUT_LITERAL(&o, " pages flushed, ");
	out_u64(&o, overall.tlb_whole_mm);
	OUT_LITERAL(&o, " of the whole mm\n");
	output_close(&o);
	free(order);
	free(mapping_cells);
	free(totals);
	return 0;
}

/* ---- CSV ---- */

static void write_csv_field(FILE *out, const char *text, size_t length)
{
	bool needs_quotes = false;
	for (size_t i = 0; i < length && !needs_quotes; i++)
		needs_quotes = text[i] == ',' || text[i] == '"' || text[i] == '\n' ||
			       text[i] == '\r' || text[i] == ' ';
	if (!needs_quotes) {
		fwrite(text, 1, length, out);
		return;
	}
	fputc('"', out);
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '"')
			fputc('"', out);
		fputc(text[i], out);
	}
	fputc('"', out);
}

static void print_csv_row(const struct gg_aggregate *aggregate, const struct gg_row *row,
			  FILE *out)
{
	const struct gg_step *step = &aggregate->steps[row->step];
	char cell[CELL_SIZE];
	size_t name_length;
	const char *name = gg_step_name(aggregate, step, &name_length);

	fprintf(out, "%" PRIu32 ",", row->step + 1);
	write_csv_field(out, name, name_length);
	if (row->mapping == GG_NO_MAPPING) {
		fputs(",,,", out);
	} else {
		const struct gg_mapping *m = &aggregate->mappings[row->mapping];
		fprintf(out, ",0x%" PRIx64 ",%" PRIu64 ",0x%" PRIx64, m->start, m->len, m->end);
	}
	for (size_t c = COLUMN_NAME; c < COLUMN_COUNT; c++) {
		size_t length = format_cell(aggregate, row, c, cell, sizeof(cell));
		if (row->mapping == GG_NO_MAPPING && c == COLUMN_NAME)
			length = (size_t)snprintf(cell, sizeof(cell), "(other)");
		else if (row->mapping == GG_NO_MAPPING && c == COLUMN_PROT)
			length = 0;
		fputc(',', out);
		write_csv_field(out, cell, length);
	}
	fputc('\n', out);
}

static void print_csv(const struct gg_aggregate *aggregate, FILE *out)
{
	fputs("step,step_name,mapping_start,mapping_len,mapping_end", out);
	for (size_t c = COLUMN_NAME; c < COLUMN_COUNT; c++)
		fprintf(out, ",%s", columns[c].csv_header);
	fputc('\n', out);

	size_t next = 0;
	for (uint32_t step = 0; step < aggregate->step_count; step++) {
		struct gg_row none;
		size_t count;
		const struct gg_row *rows = rows_of_step(aggregate, step, &next, &count, &none);
		for (size_t r = 0; r < count; r++)
			print_csv_row(aggregate, &rows[r], out);
	}
}

int gg_report_print(const struct gg_aggregate *aggregate, enum gg_report_format format,
		    FILE *out)
{
	switch (format) {
	case GG_REPORT_CSV:
		print_csv(aggregate, out);
		return 0;
	case GG_REPORT_WIDE:
		return print_wide(aggregate, out);
	case GG_REPORT_TABLE:
		break;
	}
	return print_compact(aggregate, out);
}

/* ---- command ---- */

static void report_usage(FILE *out)
{
	fputs("usage: gogrowth report [--csv|--wide] [FILE]\n"
	      "Summarise an event stream (FILE, or stdin when FILE is absent or '-') per step\n"
	      "(a marker event starts a step) and per mmap region: mmaps, faults by transition and\n"
	      "level, distinct pages faulted, TLB flushes, lost events; then totals over the run.\n"
	      "The table shows only rows with mmaps, faults or flushes.\n"
	      "  --csv   every row, every counter: comma-separated values with a header row\n"
	      "  --wide  every row, one column per counter, as an aligned table\n",
	      out);
}

int gg_report_command(int argc, char **argv, FILE *out, FILE *err)
{
	enum gg_report_format format = GG_REPORT_TABLE;
	const char *path = NULL;
	bool options_done = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!options_done && strcmp(arg, "--") == 0) {
			options_done = true;
		} else if (!options_done && strcmp(arg, "--csv") == 0) {
			format = GG_REPORT_CSV;
		} else if (!options_done && strcmp(arg, "--wide") == 0) {
			format = GG_REPORT_WIDE;
		} else if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
			report_usage(out);
			return 0;
		} else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
			fprintf(err, "gogrowth: report: unknown option '%s'\n", arg);
			report_usage(err);
			return 2;
		} else if (path) {
			fprintf(err, "gogrowth: report: more than one FILE ('%s', '%s')\n", path, arg);
			report_usage(err);
			return 2;
		} else {
			path = arg;
		}
	}

	int fd = STDIN_FILENO;
	const char *name = "<stdin>";
	if (path && strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(err, "gogrowth: cannot open '%s': %s\n", path, strerror(errno));
			return 1;
		}
		name = path;
	}

	struct gg_aggregate aggregate;
	int status;
	if (gg_aggregate_init(&aggregate)) {
		fprintf(err, "gogrowth: out of memory\n");
		status = 1;
	} else {
		status = gg_report_read(fd, name, &aggregate, err);
		if (status == 0 && gg_report_print(&aggregate, format, out)) {
			fprintf(err, "gogrowth: out of memory\n");
			status = 1;
		}
		gg_aggregate_free(&aggregate);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (status == 0 && (fflush(out) != 0 || ferror(out))) {
		fprintf(err, "gogrowth: report: write error: %s\n", strerror(errno));
		status = 1;
	}
	return status;
}
