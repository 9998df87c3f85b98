// SPDX-License-Identifier: GPL-2.0
/* `gogrowth report`: event stream in, per-step per-mapping summary out. */
#include "report.h"
#include "event_stream.h"

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
	int status = gg_event_stream_read(fd, name, aggregate_sink, aggregate, err);

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

/* ---- human table ---- */

/* Step names are verbatim marker text: keep the terminal safe. */
static void write_escaped(FILE *out, const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x20 && c <= 0x7e && c != '\\')
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
}

#define CELL_SIZE 96

static void print_table_line(FILE *out, const size_t *widths, char cells[][CELL_SIZE])
{
	for (size_t c = 0; c < COLUMN_COUNT; c++) {
		int width = (int)widths[c];
		if (c)
			fputs("  ", out);
		if (columns[c].counts_offset == SIZE_MAX) /* text left, numbers right */
			fprintf(out, "%-*s", width, cells[c]);
		else
			fprintf(out, "%*s", width, cells[c]);
	}
	fputc('\n', out);
}

/* "step N: <marker text>  (events E, lost L)" above a step's rows. */
static void print_step_header(const struct gg_aggregate *aggregate, uint32_t index, FILE *out)
{
	const struct gg_step *step = &aggregate->steps[index];
	size_t name_length;
	const char *name = gg_step_name(aggregate, step, &name_length);

	fprintf(out, "step %" PRIu32 ": ", index + 1);
	write_escaped(out, name, name_length);
	fprintf(out, "  (events %" PRIu64 ", lost %" PRIu64 ")\n", step->events, step->lost);
}

static void print_wide(const struct gg_aggregate *aggregate, FILE *out)
{
	size_t widths[COLUMN_COUNT];
	char cells[COLUMN_COUNT][CELL_SIZE];

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
	print_table_line(out, widths, cells);

	size_t previous_step = SIZE_MAX;
	for (size_t r = 0; r < aggregate->row_count; r++) {
		const struct gg_row *row = &aggregate->rows[r];
		if (row->step != previous_step) {
			print_step_header(aggregate, row->step, out);
			previous_step = row->step;
		}
		for (size_t c = 0; c < COLUMN_COUNT; c++)
			format_cell(aggregate, row, c, cells[c], CELL_SIZE);
		print_table_line(out, widths, cells);
	}
	fprintf(out, "total: %" PRIu64 " events, %zu steps, %zu mappings, %" PRIu64 " lost\n",
		aggregate->event_count, aggregate->step_count, aggregate->mapping_count,
		aggregate->lost_total);
}

/* ---- compact table (the default) ---- */

_Static_assert(sizeof(struct gg_counts) % sizeof(uint64_t) == 0, "gg_counts is all uint64_t");
#define COUNTS_WORDS (sizeof(struct gg_counts) / sizeof(uint64_t))

static void add_counts(struct gg_counts *sum, const struct gg_counts *counts)
{
	uint64_t a[COUNTS_WORDS], b[COUNTS_WORDS];
	memcpy(a, sum, sizeof(a));
	memcpy(b, counts, sizeof(b));
	for (size_t i = 0; i < COUNTS_WORDS; i++)
		a[i] += b[i];
	memcpy(sum, a, sizeof(a));
}

/* Whether a row says anything beyond what the step header says (events, lost). */
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

/* "none->present 120, ro->rw-cow 3; pte 121, pmd 2; mmap failed 1" (only non-zero parts) */
static size_t format_breakdown(char *buffer, size_t size, const struct gg_counts *c)
{
	size_t used = 0;
	const char *separator = "";
	buffer[0] = '\0';
#define APPEND(...)                                                                    \
	do {                                                                           \
		int n_ = snprintf(buffer + used, size - used, __VA_ARGS__);            \
		if (n_ > 0)                                                            \
			used = used + (size_t)n_ < size ? used + (size_t)n_ : size - 1; \
	} while (0)
	for (unsigned i = 0; i < GG_TRANS_NR; i++) {
		enum gg_trans t = gg_trans_display_order[i];
		if (c->faults_by_trans[t]) {
			APPEND("%s%s %" PRIu64, separator, gg_trans_name(t),
			       c->faults_by_trans[t]);
			separator = ", ";
		}
	}
	if (*separator)
		separator = "; ";
	for (unsigned i = 0; i < GG_LEVEL_SHOWN_COUNT; i++) {
		enum gg_level l = gg_level_display_order[i];
		if (c->faults_by_level[l]) {
			APPEND("%s%s %" PRIu64, separator, gg_level_name(l),
			       c->faults_by_level[l]);
			separator = ", ";
		}
	}
	if (*separator)
		separator = "; ";
	if (c->mmap_failed)
		APPEND("%smmap failed %" PRIu64, separator, c->mmap_failed);
	if (used == 0)
		APPEND("-");
#undef APPEND
	return used;
}

enum compact_column {
	C_MAPPING, C_NAME, C_PROT, C_MMAPS, C_SIZE, C_FAULTS, C_PAGES, C_FLUSHES, C_FLUSHED,
	C_BREAKDOWN, C_COUNT
};

static const char *const compact_headers[C_COUNT] = {
	"mapping", "name", "prot", "mmaps", "size", "faults", "pages", "flushes", "flushed",
	"faults by transition; by level",
};

#define BREAKDOWN_SIZE 512

static void format_compact_cell(const struct gg_aggregate *aggregate, uint32_t mapping_index,
				const struct gg_counts *c, unsigned column, char *buffer,
				size_t size)
{
	const struct gg_mapping *mapping =
		mapping_index == GG_NO_MAPPING ? NULL : &aggregate->mappings[mapping_index];

	switch (column) {
	case C_MAPPING:
		if (mapping)
			snprintf(buffer, size, "0x%" PRIx64 "-0x%" PRIx64, mapping->start,
				 mapping->end);
		else
			snprintf(buffer, size, "(other)");
		break;
	case C_NAME:
		snprintf(buffer, size, "%s", mapping ? mapping->name : "-");
		break;
	case C_PROT:
		if (mapping)
			format_prot(buffer, mapping->prot);
		else
			snprintf(buffer, size, "-");
		break;
	case C_MMAPS:
		snprintf(buffer, size, "%" PRIu64, c->mmaps);
		break;
	case C_SIZE:
		if (mapping)
			format_size(buffer, size, mapping->len);
		else
			snprintf(buffer, size, "-");
		break;
	case C_FAULTS:
		snprintf(buffer, size, "%" PRIu64, c->faults);
		break;
	case C_PAGES:
		snprintf(buffer, size, "%" PRIu64, c->pages_faulted);
		break;
	case C_FLUSHES:
		snprintf(buffer, size, "%" PRIu64, c->tlb_flushes);
		break;
	case C_FLUSHED:
		if (c->tlb_whole_mm == 0)
			snprintf(buffer, size, "%" PRIu64, c->tlb_pages);
		else if (c->tlb_pages == 0)
			snprintf(buffer, size, "all");
		else
			snprintf(buffer, size, "%" PRIu64 "+all", c->tlb_pages);
		break;
	default:
		format_breakdown(buffer, size, c);
		break;
	}
}

static void update_widths(size_t *widths, const struct gg_aggregate *aggregate,
			  uint32_t mapping, const struct gg_counts *counts)
{
	char cell[BREAKDOWN_SIZE];
	for (unsigned c = 0; c < C_BREAKDOWN; c++) {
		format_compact_cell(aggregate, mapping, counts, c, cell, sizeof(cell));
		size_t length = strlen(cell);
		if (length > widths[c])
			widths[c] = length;
	}
}

static void print_compact_line(FILE *out, const size_t *widths, char cells[][BREAKDOWN_SIZE])
{
	fputs("  ", out);
	for (unsigned c = 0; c < C_COUNT; c++) {
		bool left = c <= C_PROT || c == C_BREAKDOWN;
		if (c)
			fputs("  ", out);
		if (c == C_BREAKDOWN)
			fputs(cells[c], out); /* last: no padding */
		else if (left)
			fprintf(out, "%-*s", (int)widths[c], cells[c]);
		else
			fprintf(out, "%*s", (int)widths[c], cells[c]);
	}
	fputc('\n', out);
}

static void print_compact_row(FILE *out, const size_t *widths,
			      const struct gg_aggregate *aggregate, uint32_t mapping,
			      const struct gg_counts *counts)
{
	char cells[C_COUNT][BREAKDOWN_SIZE];
	for (unsigned c = 0; c < C_COUNT; c++)
		format_compact_cell(aggregate, mapping, counts, c, cells[c], sizeof(cells[c]));
	print_compact_line(out, widths, cells);
}

static void print_header_row(FILE *out, const size_t *widths)
{
	char cells[C_COUNT][BREAKDOWN_SIZE];
	for (unsigned c = 0; c < C_COUNT; c++)
		snprintf(cells[c], sizeof(cells[c]), "%s", compact_headers[c]);
	print_compact_line(out, widths, cells);
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
	struct gg_counts overall;

	if (!totals)
		return -1;
	memset(&overall, 0, sizeof(overall));
	for (unsigned c = 0; c < C_COUNT; c++)
		widths[c] = strlen(compact_headers[c]);
	for (size_t r = 0; r < aggregate->row_count; r++) {
		const struct gg_row *row = &aggregate->rows[r];
		size_t index = row->mapping == GG_NO_MAPPING ? mapping_count : row->mapping;
		add_counts(&totals[index], &row->counts);
		add_counts(&overall, &row->counts);
		if (!counts_empty(&row->counts))
			update_widths(widths, aggregate, row->mapping, &row->counts);
	}
	for (size_t m = 0; m <= mapping_count; m++)
		if (!counts_empty(&totals[m]))
			update_widths(widths, aggregate, m == mapping_count ? GG_NO_MAPPING : (uint32_t)m,
				      &totals[m]);

	print_header_row(out, widths);
	size_t previous_step = SIZE_MAX;
	for (size_t r = 0; r < aggregate->row_count; r++) {
		const struct gg_row *row = &aggregate->rows[r];
		if (row->step != previous_step) {
			print_step_header(aggregate, row->step, out);
			previous_step = row->step;
		}
		if (!counts_empty(&row->counts))
			print_compact_row(out, widths, aggregate, row->mapping, &row->counts);
	}

	/* totals over the run: mappings by address (then length), then "(other)" */
	fputs("totals per mapping (pages: summed over steps)\n", out);
	uint32_t *order = malloc((mapping_count ? mapping_count : 1) * sizeof(*order));
	if (!order) {
		free(totals);
		return -1;
	}
	for (size_t m = 0; m < mapping_count; m++)
		order[m] = (uint32_t)m + 1; /* compare_rows_by_address: row indexes, 0 = other */
	sort_context = aggregate;
	qsort(order, mapping_count, sizeof(*order), compare_mappings_by_address);
	for (size_t i = 0; i < mapping_count; i++)
		if (!counts_empty(&totals[order[i] - 1]))
			print_compact_row(out, widths, aggregate, order[i] - 1, &totals[order[i] - 1]);
	if (!counts_empty(&totals[mapping_count]))
		print_compact_row(out, widths, aggregate, GG_NO_MAPPING, &totals[mapping_count]);
	free(order);
	free(totals);

	char breakdown[BREAKDOWN_SIZE];
	char size[32];
	uint64_t failed = overall.mmap_failed;
	overall.mmap_failed = 0; /* said on its own line */
	format_breakdown(breakdown, sizeof(breakdown), &overall);
	format_size(size, sizeof(size), overall.mmap_bytes);
	fprintf(out, "total: %" PRIu64 " events, %zu steps, %zu mappings, %" PRIu64 " lost\n",
		aggregate->event_count, aggregate->step_count, aggregate->mapping_count,
		aggregate->lost_total);
	fprintf(out, "total: %" PRIu64 " mmaps of %s, %" PRIu64 " failed\n", overall.mmaps, size,
		failed);
	fprintf(out, "total: %" PRIu64 " faults, %" PRIu64 " pages%s%s\n", overall.faults,
		overall.pages_faulted, overall.faults ? ": " : "", breakdown);
	fprintf(out, "total: %" PRIu64 " tlb flushes, %" PRIu64 " pages flushed, %" PRIu64
		" of the whole mm\n", overall.tlb_flushes, overall.tlb_pages, overall.tlb_whole_mm);
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

static void print_csv(const struct gg_aggregate *aggregate, FILE *out)
{
	char cell[CELL_SIZE];

	fputs("step,step_name,mapping_start,mapping_len,mapping_end", out);
	for (size_t c = COLUMN_NAME; c < COLUMN_COUNT; c++)
		fprintf(out, ",%s", columns[c].csv_header);
	fputc('\n', out);

	for (size_t r = 0; r < aggregate->row_count; r++) {
		const struct gg_row *row = &aggregate->rows[r];
		const struct gg_step *step = &aggregate->steps[row->step];
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
}

int gg_report_print(const struct gg_aggregate *aggregate, enum gg_report_format format,
		    FILE *out)
{
	switch (format) {
	case GG_REPORT_CSV:
		print_csv(aggregate, out);
		return 0;
	case GG_REPORT_WIDE:
		print_wide(aggregate, out);
		return 0;
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
