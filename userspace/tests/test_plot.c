// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of `gogrowth plot`: the address lanes and axis ticks, the regions read from a stream, the
 * SVG classes, and the command run in-process on generated, hand-made, degenerate and bad streams
 * and on every stream of the fuzz corpus.
 * Usage: test_plot TESTS_DIR GEN_STREAM CORPUS_DIR PLOT
 *   (PLOT: 1 when the tool was built with cairo; with 0 only the "built without plotting" path
 *   and the parts without cairo are tested.)
 * The last line of output is "N passed, N failed"; the exit status is 1 if anything failed.
 */
#include "cli.h"
#include "plot_data.h"
#include "plot_layout.h"
#include "plot_svg.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned passed, failed;
static const char *current_test;

#define CHECK(condition) check((condition), #condition, __FILE__, __LINE__)
#define CHECK_U64(actual, expected) check_u64((actual), (expected), #actual, __FILE__, __LINE__)

static void check(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: %s:%d: %s\n", current_test, file, line, what);
}

static void check_u64(uint64_t actual, uint64_t expected, const char *what, const char *file,
		      int line)
{
	if (actual == expected) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: %s:%d: %s is %" PRIu64 ", expected %" PRIu64 "\n", current_test, file,
	       line, what, actual, expected);
}

/* ---- files and in-process runs ---- */

static char temp_dir[] = "/tmp/gogrowth-plot-test-XXXXXX";

static const char *temp_path(const char *name)
{
	static char paths[8][512];
	static unsigned next;
	char *path = paths[next++ % 8];
	snprintf(path, sizeof(paths[0]), "%s/%s", temp_dir, name);
	return path;
}

static const char *write_temp(const char *name, const char *content)
{
	const char *path = temp_path(name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return path;
	fputs(content, f);
	fclose(f);
	return path;
}

/* The whole file, NUL-terminated (caller frees); NULL when it cannot be read. */
static char *read_file(const char *path, size_t *length)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t capacity = 1 << 16, used = 0;
	char *data = malloc(capacity);
	size_t got;
	while (data && (got = fread(data + used, 1, capacity - used - 1, f)) > 0) {
		used += got;
		if (capacity - used < 2) {
			char *grown = realloc(data, capacity * 2);
			if (!grown) {
				free(data);
				data = NULL;
				break;
			}
			data = grown;
			capacity *= 2;
		}
	}
	fclose(f);
	if (data)
		data[used] = '\0';
	if (length)
		*length = used;
	return data;
}

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

struct run_result {
	int status;
	char out[4096];
	char err[4096];
};

static void read_stream(FILE *stream, char *buffer, size_t size)
{
	rewind(stream);
	size_t got = fread(buffer, 1, size - 1, stream);
	buffer[got] = '\0';
	fclose(stream);
}

static void run(struct run_result *result, int argc, char **argv)
{
	FILE *out = tmpfile(), *err = tmpfile();
	result->out[0] = result->err[0] = '\0';
	result->status = -1;
	if (!out || !err) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return;
	}
	result->status = gogrowth_main(argc, argv, out, err);
	read_stream(out, result->out, sizeof(result->out));
	read_stream(err, result->err, sizeof(result->err));
}

#define RUN(result, ...)                                                           \
	do {                                                                       \
		char *argv_[] = { "gogrowth", "plot", __VA_ARGS__, NULL };         \
		run((result), (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_); \
	} while (0)

/* Occurrences of `needle` in `text`. */
static uint64_t count_of(const char *text, const char *needle)
{
	uint64_t count = 0;
	size_t length = strlen(needle);
	for (const char *at = text; (at = strstr(at, needle)) != NULL; at += length)
		count++;
	return count;
}

/* ---- what a stream holds, counted from its text ---- */

struct stream_counts {
	uint64_t events, faults, markers, ranged_flushes, whole_flushes, losses;
	uint64_t none_present, ro_rw_cow;
	uint64_t steps, steps_with_faults, steps_with_flushes;
};

static void count_stream(const char *text, struct stream_counts *c)
{
	memset(c, 0, sizeof(*c));
	bool step_faults = false, step_flushes = false;
	for (const char *line = text; *line;) {
		const char *newline = strchr(line, '\n');
		size_t length = newline ? (size_t)(newline - line) : strlen(line);
		char buffer[2048];
		snprintf(buffer, sizeof(buffer), "%.*s", (int)length, line);
		if (length) {
			if (strstr(buffer, " ev=marker ") || c->events == 0) {
				c->steps_with_faults += step_faults;
				c->steps_with_flushes += step_flushes;
				step_faults = step_flushes = false;
				c->steps++;
			}
			c->events++;
			if (strstr(buffer, " ev=marker ")) {
				c->markers++;
			} else if (strstr(buffer, " ev=fault ")) {
				c->faults++;
				step_faults = true;
				c->none_present += strstr(buffer, " trans=none->present ") != NULL;
				c->ro_rw_cow += strstr(buffer, " trans=ro->rw-cow ") != NULL;
			} else if (strstr(buffer, " ev=lost ")) {
				c->losses++;
			} else if (strstr(buffer, " ev=tlb_flush ")) {
				step_flushes = true;
				if (strstr(buffer, " pages=all "))
					c->whole_flushes++;
				else
					c->ranged_flushes++;
			}
		}
		line += length + (newline != NULL);
	}
	c->steps_with_faults += step_faults;
	c->steps_with_flushes += step_flushes;
	/* a first event that is a marker starts step 1 alone, not "(start)" plus the marker */
	if (strncmp(text, "seq=", 4) == 0 && strstr(text, " ev=marker ") &&
	    (size_t)(strstr(text, " ev=marker ") - text) < (size_t)(strchr(text, '\n') - text))
		c->steps = c->markers;
}

/* ---- layout ---- */

static void test_lanes(void)
{
	current_test = "lanes";
	struct gg_plot_span spans[] = {
		{ 0x7f0000002000, 0x7f0000004000 }, /* touches the next: merged */
		{ 0x7f0000000000, 0x7f0000002000 },
		{ 0xc000000000, 0xc000400000 },
		{ 0xc000100000, 0xc000200000 }, /* inside */
		{ 0x400000, 0x401000 },
	};
	struct gg_plot_lanes lanes;
	CHECK(gg_plot_lanes_build(&lanes, spans, 5, 10) == 0);
	CHECK_U64(lanes.count, 3);
	if (lanes.count == 3) {
		CHECK_U64(lanes.lane[0].start, 0x400000);
		CHECK_U64(lanes.lane[1].end, 0xc000400000);
		CHECK_U64(lanes.lane[2].start, 0x7f0000000000);
		CHECK_U64(lanes.lane[2].end, 0x7f0000004000);
		CHECK(gg_plot_lane_find(&lanes, 0xc000123456) == 1);
		CHECK(gg_plot_lane_find(&lanes, 0xc000400000) == -1);
		CHECK(gg_plot_lane_find(&lanes, 0x3fffff) == -1);
		gg_plot_lanes_count_fault(&lanes, 0xc000000000, 512);
		gg_plot_lanes_place(&lanes, 100, 500, 6, 14);
		/* the highest addresses at the top, lanes in order, gaps between them */
		CHECK(lanes.lane[2].top >= 100 - 1e-9);
		CHECK(lanes.lane[2].bottom + 6 <= lanes.lane[1].top + 1e-9);
		CHECK(lanes.lane[1].bottom + 6 <= lanes.lane[0].top + 1e-9);
		CHECK(lanes.lane[0].bottom <= 500 + 1e-9);
		CHECK(lanes.lane[0].bottom - lanes.lane[0].top >= 14 - 1e-9);
		/* the busy 4 MiB heap is taller than the one-page binary */
		CHECK(lanes.lane[1].bottom - lanes.lane[1].top >
		      lanes.lane[0].bottom - lanes.lane[0].top);
		const struct gg_plot_lane *heap = &lanes.lane[1];
		CHECK(gg_plot_lane_y(heap, heap->start) == heap->bottom);
		CHECK(gg_plot_lane_y(heap, heap->end) == heap->top);
		CHECK(gg_plot_lane_y(heap, 0xc000300000) < gg_plot_lane_y(heap, 0xc000100000));
	}
	gg_plot_lanes_free(&lanes);

	/* more lanes than fit: the closest neighbours are joined */
	CHECK(gg_plot_lanes_build(&lanes, spans, 5, 2) == 0);
	CHECK_U64(lanes.count, 2);
	if (lanes.count == 2) {
		CHECK_U64(lanes.lane[0].start, 0x400000);
		CHECK_U64(lanes.lane[0].end, 0xc000400000);
	}
	gg_plot_lanes_free(&lanes);

	/* the whole address space, and nothing at all */
	struct gg_plot_span everything = { 0, UINT64_MAX };
	CHECK(gg_plot_lanes_build(&lanes, &everything, 1, 5) == 0);
	CHECK_U64(lanes.count, 1);
	gg_plot_lanes_place(&lanes, 0, 100, 6, 14);
	if (lanes.count == 1) {
		double y = gg_plot_lane_y(&lanes.lane[0], UINT64_C(1) << 63);
		CHECK(y > 49 && y < 51);
	}
	gg_plot_lanes_free(&lanes);
	CHECK(gg_plot_lanes_build(&lanes, NULL, 0, 5) == 0);
	CHECK_U64(lanes.count, 0);
	gg_plot_lanes_place(&lanes, 0, 100, 6, 14);
	CHECK(gg_plot_lane_find(&lanes, 0) == -1);
	gg_plot_lanes_free(&lanes);
}

/* A real run's shape (the hmap run of `make demo`): a dozen quiet one-page lanes, a 36 MiB metadata
 * lane of many small faults and the heap, where the faults brought in nearly all the memory. */
static void test_lane_heights(void)
{
	current_test = "lane heights";
	struct gg_plot_span spans[14];
	for (unsigned i = 0; i < 12; i++)
		spans[i] = (struct gg_plot_span){ 0x7f0000000000 + i * 0x100000,
						  0x7f0000001000 + i * 0x100000 };
	spans[12] = (struct gg_plot_span){ 0x7e0000000000, 0x7e0002400000 };
	spans[13] = (struct gg_plot_span){ 0xc000000000, 0xc005800000 };
	struct gg_plot_lanes lanes;
	CHECK(gg_plot_lanes_build(&lanes, spans, 14, 30) == 0);
	CHECK_U64(lanes.count, 14);
	if (lanes.count == 14) {
		for (unsigned i = 0; i < 12; i++)
			gg_plot_lanes_count_fault(&lanes, 0x7f0000000000 + i * 0x100000, 1);
		for (unsigned i = 0; i < 300; i++)
			gg_plot_lanes_count_fault(&lanes, 0x7e0000000000 + i * 0x1000, 1);
		for (unsigned i = 0; i < 40; i++)
			gg_plot_lanes_count_fault(&lanes, 0xc000000000 + i * 0x200000, 512);
		gg_plot_lanes_place(&lanes, 0, 500, 7, 14);
		const struct gg_plot_lane *heap = &lanes.lane[0], *metadata = &lanes.lane[1];
		double heap_px = heap->bottom - heap->top;
		/* the heap has 98.5 % of the pages: about half the spare room is its own */
		CHECK(heap_px > 140);
		CHECK(heap_px > 2 * (metadata->bottom - metadata->top));
		for (unsigned i = 2; i < 14; i++)
			CHECK(lanes.lane[i].bottom - lanes.lane[i].top >= 14 - 1e-9);
		CHECK(lanes.lane[13].top >= -1e-9);
		CHECK(heap->bottom <= 500 + 1e-9);
	}
	gg_plot_lanes_free(&lanes);
}

static void test_axis(void)
{
	current_test = "axis";
	CHECK(gg_plot_tick_step(0, 100, 11) == 10);
	CHECK(gg_plot_tick_step(0, 120, 11) == 20);
	CHECK(gg_plot_tick_step(0, 0.9, 10) == 0.1);
	CHECK(gg_plot_tick_step(0, 0, 10) == 1);
	double scale;
	CHECK(strcmp(gg_plot_time_unit(500, &scale), "ns") == 0 && scale == 1);
	CHECK(strcmp(gg_plot_time_unit(5e8, &scale), "ms") == 0 && scale == 1e6);
	CHECK(strcmp(gg_plot_time_unit(5e10, &scale), "s") == 0 && scale == 1e9);
	char text[32];
	gg_plot_format_bytes(text, sizeof(text), 8192);
	CHECK(strcmp(text, "8 KiB") == 0);
	gg_plot_format_bytes(text, sizeof(text), UINT64_C(3) << 29);
	CHECK(strcmp(text, "1.5 GiB") == 0);
	gg_plot_format_bytes(text, sizeof(text), UINT64_MAX);
	CHECK(strcmp(text, "16 EiB") == 0);
}

/* ---- regions from a stream ---- */

#define P "seq=1 ts=%u cpu=0 pid=9 tid=9 cr3=0x1000 pgd=0x1000 "

static int read_data(struct gg_plot_data *data, const char *text, enum gg_plot_x_axis x_axis)
{
	const char *path = write_temp("data.events", text);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	FILE *err = tmpfile();
	int status = gg_plot_data_init(data, x_axis) ? -1 : gg_plot_data_read(data, fd, path, err);
	close(fd);
	if (err)
		fclose(err);
	return status;
}

static const struct gg_plot_region *region_at(const struct gg_plot_data *data, uint64_t start,
					      uint64_t end)
{
	for (size_t i = 0; i < data->region_count; i++)
		if (data->regions[i].start == start && data->regions[i].end == end)
			return &data->regions[i];
	return NULL;
}

static void test_regions(void)
{
	current_test = "regions";
	char text[4096];
	snprintf(text, sizeof(text),
		 P "ev=mmap addr=0x0 len=67108864 prot=0x0 flags=0x22 pgoff=0 anon=1 ret=0xc000000000\n"
		 P "ev=mmap addr=0xc000000000 len=4194304 prot=0x3 flags=0x32 pgoff=0 anon=1 ret=0xc000000000\n"
		 P "ev=marker text=step two\n"
		 P "ev=mmap addr=0x0 len=8000 prot=0x1 flags=0x2 pgoff=0 anon=0 file=libc.so.6 ret=0x7f0000000000\n"
		 P "ev=munmap addr=0x7f0000001000 len=4096 ret=0\n"
		 P "ev=brk brk=0x0 ret=0x600000\n"
		 P "ev=brk brk=0x621000 ret=0x621000\n"
		 P "ev=mremap addr=0xc000000000 old_len=4194304 new_len=8388608 flags=0x1 new_addr=0x0 ret=0xd000000000\n"
		 P "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=-12\n",
		 10, 20, 30, 40, 50, 60, 70, 80, 90);
	struct gg_plot_data data;
	CHECK(read_data(&data, text, GG_PLOT_X_TIME) == 0);
	CHECK_U64(data.event_count, 9);
	CHECK_U64(data.x_first, 10);
	CHECK_U64(data.x_last, 90);
	const struct gg_plot_region *r;
	/* the MAP_FIXED piece ended the reservation's first 4 MiB at ts 20 */
	r = region_at(&data, 0xc000000000, 0xc000400000);
	CHECK(r && r->kind == GG_PLOT_REGION_RESERVED && r->begin == 10 && r->finish == 20 &&
	      r->unmapped);
	r = region_at(&data, 0xc000400000, 0xc004000000);
	CHECK(r && r->kind == GG_PLOT_REGION_RESERVED && r->begin == 10 && r->finish == 90 &&
	      !r->unmapped);
	/* mremap moved the rw piece */
	bool moved = false;
	for (size_t i = 0; i < data.region_count; i++) {
		const struct gg_plot_region *m = &data.regions[i];
		if (m->start == 0xc000000000 && m->end == 0xc000400000 &&
		    m->kind == GG_PLOT_REGION_ANON)
			moved = m->begin == 20 && m->finish == 80 && m->unmapped;
	}
	CHECK(moved);
	r = region_at(&data, 0xd000000000, 0xd000800000);
	CHECK(r && r->kind == GG_PLOT_REGION_ANON && r->begin == 80 && r->finish == 90);
	/* munmap cut a page out of the file mapping (8000 bytes: two pages) */
	r = region_at(&data, 0x7f0000001000, 0x7f0000002000);
	CHECK(r && r->kind == GG_PLOT_REGION_FILE && r->finish == 50 && r->unmapped);
	r = region_at(&data, 0x7f0000000000, 0x7f0000001000);
	CHECK(r && r->kind == GG_PLOT_REGION_FILE && r->begin == 40 && r->finish == 90);
	/* brk grew the heap */
	r = region_at(&data, 0x600000, 0x621000);
	CHECK(r && r->kind == GG_PLOT_REGION_HEAP && r->begin == 70);
	CHECK_U64(data.marker_count, 1);
	if (data.marker_count == 1)
		CHECK_U64(gg_plot_marker_number(&data.markers[0]), 2); /* after "(start)" */
	gg_plot_data_free(&data);

	/* --x=order: positions are the events' numbers */
	CHECK(read_data(&data, text, GG_PLOT_X_ORDER) == 0);
	CHECK_U64(data.x_first, 0);
	CHECK_U64(data.x_last, 8);
	gg_plot_data_free(&data);

	/* one mmap over the middle of three: the outer remainders stay, the rest ends */
	snprintf(text, sizeof(text),
		 P "ev=mmap addr=0x0 len=8192 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=0x10000\n"
		 P "ev=mmap addr=0x0 len=8192 prot=0x3 flags=0x22 pgoff=0 anon=0 file=a ret=0x12000\n"
		 P "ev=mmap addr=0x0 len=8192 prot=0x0 flags=0x22 pgoff=0 anon=1 ret=0x14000\n"
		 P "ev=mmap addr=0x11000 len=16384 prot=0x1 flags=0x32 pgoff=0 anon=0 file=b ret=0x11000\n"
		 P "ev=munmap addr=0x0 len=4096 ret=0\n",
		 1, 2, 3, 4, 5);
	CHECK(read_data(&data, text, GG_PLOT_X_TIME) == 0);
	r = region_at(&data, 0x10000, 0x11000);
	CHECK(r && r->kind == GG_PLOT_REGION_ANON && r->begin == 1 && r->finish == 5 && !r->unmapped);
	r = region_at(&data, 0x11000, 0x12000);
	CHECK(r && r->kind == GG_PLOT_REGION_ANON && r->finish == 4 && r->unmapped);
	r = region_at(&data, 0x12000, 0x14000);
	CHECK(r && r->kind == GG_PLOT_REGION_FILE && r->finish == 4 && r->unmapped);
	r = region_at(&data, 0x14000, 0x15000);
	CHECK(r && r->kind == GG_PLOT_REGION_RESERVED && r->finish == 4 && r->unmapped);
	r = region_at(&data, 0x15000, 0x16000);
	CHECK(r && r->kind == GG_PLOT_REGION_RESERVED && r->begin == 3 && r->finish == 5);
	r = region_at(&data, 0x11000, 0x15000);
	CHECK(r && r->kind == GG_PLOT_REGION_FILE && r->begin == 4 && r->finish == 5);
	CHECK_U64(data.region_count, 6);
	gg_plot_data_free(&data);
}

/* ---- SVG classes ---- */

static void test_svg_classes(void)
{
	current_test = "svg classes";
	static const char svg[] = "<svg><defs><g><symbol id=\"g1\"><path d=\"glyph\"/></symbol></g>"
				  "<clipPath id=\"c\"><path d=\"clip\"/></clipPath></defs>"
				  "<g id=\"surface1\"><rect x=\"0\"/><path style=\"a\" d=\"one\"/>"
				  "<g><use xlink:href=\"#g1\"/></g><path style=\"b\" d=\"two\"/></g></svg>";
	struct gg_svg_classes classes = { 0 };
	gg_svg_classes_add(&classes, "background");
	gg_svg_classes_add(&classes, "fault none-present");
	FILE *out = tmpfile();
	char text[1024] = "";
	CHECK(out != NULL);
	if (!out)
		return;
	CHECK(gg_svg_write_classes(out, svg, strlen(svg), &classes) == -1); /* one class short */
	gg_svg_classes_add(&classes, "marker");
	CHECK(gg_svg_write_classes(out, svg, strlen(svg), &classes) == 0);
	read_stream(out, text, sizeof(text));
	CHECK(strstr(text, "<path d=\"glyph\"/>") != NULL);
	CHECK(strstr(text, "<path d=\"clip\"/>") != NULL);
	CHECK(strstr(text, "<rect class=\"background\" x=\"0\"/>") != NULL);
	CHECK(strstr(text, "<path class=\"fault none-present\" style=\"a\" d=\"one\"/>") != NULL);
	CHECK(strstr(text, "<path class=\"marker\" style=\"b\" d=\"two\"/>") != NULL);
	CHECK_U64(strlen(text), strlen(svg) + strlen(" class=\"background\"") +
				      strlen(" class=\"fault none-present\"") +
				      strlen(" class=\"marker\""));
	gg_svg_classes_free(&classes);
}

/* ---- the command ---- */

/* Width and height of a PNG from its IHDR chunk; false when it is not a PNG. */
static bool png_size(const char *path, unsigned *width, unsigned *height)
{
	unsigned char header[24];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t got = fread(header, 1, sizeof(header), f);
	fclose(f);
	if (got != sizeof(header) || memcmp(header, "\x89PNG\r\n\x1a\n", 8) != 0 ||
	    memcmp(header + 12, "IHDR", 4) != 0)
		return false;
	*width = (unsigned)header[16] << 24 | (unsigned)header[17] << 16 |
		 (unsigned)header[18] << 8 | header[19];
	*height = (unsigned)header[20] << 24 | (unsigned)header[21] << 16 |
		  (unsigned)header[22] << 8 | header[23];
	return true;
}

/* Plot `events` (a path) to SVG and check one element per fault, marker, flush and step bar. */
static void check_svg_elements(const char *events, const char *x_option)
{
	char *stream = read_file(events, NULL);
	CHECK(stream != NULL);
	if (!stream)
		return;
	struct stream_counts expected;
	count_stream(stream, &expected);
	free(stream);

	struct run_result result;
	const char *svg_path = temp_path("elements.svg");
	RUN(&result, (char *)x_option, "--size=1200x900", "-o", (char *)svg_path, (char *)events);
	CHECK(result.status == 0);
	CHECK(result.err[0] == '\0'); /* no warning: every element has its class */
	if (result.err[0])
		printf("  stderr: %s", result.err);
	char *svg = read_file(svg_path, NULL);
	CHECK(svg != NULL);
	if (!svg)
		return;
	CHECK(strstr(svg, "width=\"1200px\" height=\"900px\"") != NULL);
	CHECK_U64(count_of(svg, "class=\"fault "), expected.faults);
	CHECK_U64(count_of(svg, "class=\"fault none-present\""), expected.none_present);
	CHECK_U64(count_of(svg, "class=\"fault ro-rw-cow\""), expected.ro_rw_cow);
	CHECK_U64(count_of(svg, "class=\"marker\""), expected.markers);
	CHECK_U64(count_of(svg, "class=\"flush\""), expected.ranged_flushes);
	CHECK_U64(count_of(svg, "class=\"flush-whole-mm\""), expected.whole_flushes);
	CHECK_U64(count_of(svg, "class=\"lost\""), expected.losses);
	CHECK_U64(count_of(svg, "class=\"step-faults\""), expected.steps_with_faults);
	CHECK_U64(count_of(svg, "class=\"step-flushes\""), expected.steps_with_flushes);
	CHECK(count_of(svg, "class=\"step-pages\"") <= expected.steps_with_faults);
	CHECK(count_of(svg, "class=\"region ") >= 1);
	CHECK(count_of(svg, "class=\"lane\"") >= 1);
	CHECK(count_of(svg, "class=\"legend\"") >= 10);
	CHECK_U64(count_of(svg, "class=\"background\""), 1);
	free(svg);
}

static void test_generated_stream(const char *generator)
{
	current_test = "generated stream";
	const char *events = temp_path("generated.events");
	char command[1200];
	snprintf(command, sizeof(command), "%s 6000 > %s", generator, events);
	CHECK(system(command) == 0);
	check_svg_elements(events, "--x=time");
	check_svg_elements(events, "--x=order");

	struct run_result result;
	const char *png = temp_path("generated.png");
	RUN(&result, "-o", (char *)png, (char *)events);
	CHECK(result.status == 0);
	CHECK(strstr(result.out, "wrote") != NULL);
	unsigned width = 0, height = 0;
	CHECK(png_size(png, &width, &height));
	CHECK_U64(width, 1600); /* the default */
	CHECK_U64(height, 1000);
	RUN(&result, "--size", "960x720", "--x=order", "-o", (char *)png, (char *)events);
	CHECK(result.status == 0);
	CHECK(png_size(png, &width, &height));
	CHECK_U64(width, 960);
	CHECK_U64(height, 720);

	const char *pdf = temp_path("generated.pdf");
	RUN(&result, "-o", (char *)pdf, (char *)events);
	CHECK(result.status == 0);
	size_t length = 0;
	char *text = read_file(pdf, &length);
	static const char media_box[] = "/MediaBox [ 0 0 1600 1000 ]";
	CHECK(text && strncmp(text, "%PDF-", 5) == 0);
	CHECK(text && memmem(text, length, media_box, strlen(media_box)) != NULL);
	free(text);
	unlink(pdf);
	unlink(png);
	unlink(events);
}

static void test_sample(const char *tests_dir)
{
	current_test = "sample";
	char events[512];
	snprintf(events, sizeof(events), "%s/sample.events", tests_dir);
	check_svg_elements(events, "--x=time");
	/* from stdin */
	struct run_result result;
	const char *png = temp_path("stdin.png");
	int saved = dup(STDIN_FILENO);
	int fd = open(events, O_RDONLY);
	CHECK(fd >= 0 && saved >= 0);
	if (fd < 0 || saved < 0)
		return;
	dup2(fd, STDIN_FILENO);
	close(fd);
	RUN(&result, "-o", (char *)png);
	dup2(saved, STDIN_FILENO);
	close(saved);
	CHECK(result.status == 0);
	unsigned width, height;
	CHECK(png_size(png, &width, &height));
	unlink(png);
}

#define LINE "seq=%d ts=%d cpu=0 pid=9 tid=9 cr3=0x1000 pgd=0x1000 "
#define FAULT_AT(addr) "ev=fault addr=" addr " ip=0x401000 access=write origin=user lock=mmap " \
	"level=pte old=0x0 new=0x8000000012345867 old_flags=------- new_flags=PWUAD-- old_pfn=0x0 " \
	"new_pfn=0x12345 trans=none->present result=minor vmf=0x0 node=0 fflags=0x255\n"

/* Streams that give an empty or odd picture: drawn, or refused with a message, never a crash. */
static void test_degenerate_streams(void)
{
	current_test = "degenerate streams";
	struct run_result result;
	const char *png = temp_path("degenerate.png");
	const char *svg = temp_path("degenerate.svg");

	/* no events at all */
	unlink(png);
	RUN(&result, "-o", (char *)png, (char *)write_temp("empty.events", "\n\n"));
	CHECK(result.status == 1);
	CHECK(strstr(result.err, "holds no events: nothing to plot") != NULL);
	CHECK(!file_exists(png));

	/* one event, a marker: no address to show, still a picture */
	RUN(&result, "-o", (char *)png,
	    (char *)write_temp("marker.events", "seq=1 ts=5 cpu=0 pid=9 tid=9 cr3=0x1000 "
						"pgd=0x1000 ev=marker text=\xff\x01 odd bytes\n"));
	CHECK(result.status == 0);
	CHECK(result.err[0] == '\0');
	unsigned width, height;
	CHECK(png_size(png, &width, &height));

	/* one huge mapping: all of the address space above the first page, and faults at its ends */
	char text[2048];
	snprintf(text, sizeof(text),
		 LINE "ev=mmap addr=0x0 len=18446744073709547520 prot=0x3 flags=0x22 pgoff=0 "
		      "anon=1 ret=0x1000\n" LINE FAULT_AT("0x1000") LINE
		 FAULT_AT("0xfffffffffffff000") LINE
		 "ev=tlb_flush start=0x0 end=0xffffffffffffffff stride=12 pages=all freed=1\n" LINE
		 "ev=tlb_flush start=0xfffffffffffff000 end=0xffffffffffffffff stride=12 pages=1 "
		 "freed=0\n",
		 1, 100, 2, 200, 3, 300, 4, 400, 5, 500);
	RUN(&result, "-o", (char *)svg, (char *)write_temp("huge.events", text));
	CHECK(result.status == 0);
	char *drawn = read_file(svg, NULL);
	CHECK(drawn != NULL);
	if (drawn) {
		CHECK_U64(count_of(drawn, "class=\"fault "), 2);
		CHECK_U64(count_of(drawn, "class=\"flush\""), 1);
		CHECK_U64(count_of(drawn, "class=\"flush-whole-mm\""), 1);
		CHECK_U64(count_of(drawn, "class=\"lane\""), 1);
		free(drawn);
	}

	/* a fault whose after-state the module did not walk (level=unknown, trans=unknown) */
	RUN(&result, "-o", (char *)svg,
	    (char *)write_temp("unknown.events",
			       "seq=1 ts=1 cpu=0 pid=9 tid=9 cr3=0x1000 pgd=0x1000 ev=fault "
			       "addr=0x5000 ip=0x401000 access=write origin=user lock=mmap "
			       "level=unknown old=0x0 new=0x0 old_flags=------- new_flags=------- "
			       "old_pfn=0x0 new_pfn=0x0 trans=unknown result=minor vmf=0x0 node=-1 "
			       "fflags=0x255 ptes=0 ptes_start=0x0 ptes_end=0x0\n"));
	CHECK(result.status == 0);
	drawn = read_file(svg, NULL);
	CHECK(drawn && count_of(drawn, "class=\"fault unknown\"") == 1);
	free(drawn);

	/* every event at the same ts, and a zero-length mmap */
	snprintf(text, sizeof(text),
		 LINE "ev=mmap addr=0x0 len=0 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=0x5000\n"
		 LINE FAULT_AT("0x0") LINE FAULT_AT("0x0"),
		 1, 7, 2, 7, 3, 7);
	RUN(&result, "-o", (char *)png, (char *)write_temp("same-ts.events", text));
	CHECK(result.status == 0);

	/* hundreds of mappings far apart: lanes are joined to fit */
	FILE *f = fopen(temp_path("many.events"), "wb");
	CHECK(f != NULL);
	if (f) {
		for (int i = 0; i < 600; i++)
			fprintf(f, LINE "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x22 pgoff=0 "
					"anon=1 ret=0x%llx\n",
				i + 1, i * 10, (unsigned long long)(i + 1) << 32);
		fclose(f);
	}
	RUN(&result, "-o", (char *)svg, (char *)temp_path("many.events"));
	CHECK(result.status == 0);
	drawn = read_file(svg, NULL);
	CHECK(drawn && count_of(drawn, "class=\"lane\"") < 600);
	CHECK(drawn && count_of(drawn, "class=\"region anon\"") == 600);
	free(drawn);
	unlink(png);
	unlink(svg);
}

static void test_errors(void)
{
	current_test = "errors";
	struct run_result result;
	const char *png = temp_path("error.png");
	const char *good = write_temp("good.events", "seq=1 ts=5 cpu=0 pid=9 tid=9 cr3=0x1000 "
						     "pgd=0x1000 ev=marker text=x\n");

	unlink(png);
	RUN(&result, "-o", (char *)png,
	    (char *)write_temp("bad.events", "seq=1 ts=5 cpu=0 pid=9 tid=9 cr3=0x1000 "
					     "pgd=0x1000 ev=marker text=x\nnot an event\n"));
	CHECK(result.status == 1);
	CHECK(strstr(result.err, "bad.events:2: ") != NULL);
	CHECK(!file_exists(png));

	RUN(&result, "-o", (char *)png, (char *)temp_path("no-such.events"));
	CHECK(result.status == 1);
	CHECK(strstr(result.err, "cannot open") != NULL);

	RUN(&result, "-o", "/nonexistent-dir/x.png", (char *)good);
	CHECK(result.status == 1);
	CHECK(strstr(result.err, "cannot write '/nonexistent-dir/x.png'") != NULL);

	RUN(&result, (char *)good);
	CHECK(result.status == 2);
	CHECK(strstr(result.err, "no output") != NULL);
	RUN(&result, "-o", "x.jpg", (char *)good);
	CHECK(result.status == 2);
	CHECK(strstr(result.err, "cannot tell the format of 'x.jpg'") != NULL);
	RUN(&result, "--x=ts", "-o", (char *)png, (char *)good);
	CHECK(result.status == 2);
	RUN(&result, "--size=10x10", "-o", (char *)png, (char *)good);
	CHECK(result.status == 2);
	RUN(&result, "--size=959x720", "-o", (char *)png, (char *)good);
	CHECK(result.status == 2);
	RUN(&result, "--size=8193x720", "-o", (char *)png, (char *)good);
	CHECK(result.status == 2);
	RUN(&result, "--size=1000", "-o", (char *)png, (char *)good);
	CHECK(result.status == 2);
	RUN(&result, "--bogus", "-o", (char *)png, (char *)good);
	CHECK(result.status == 2);
	RUN(&result, "-o", (char *)png, (char *)good, (char *)good);
	CHECK(result.status == 2);
	RUN(&result, "-o");
	CHECK(result.status == 2);
	RUN(&result, "--help");
	CHECK(result.status == 0);
	CHECK(strstr(result.out, "usage: gogrowth plot") != NULL);
	unlink(png);
}

/* Every stream of the fuzz corpus: drawn with one mark per fault, or refused with a message. */
static void test_corpus(const char *corpus)
{
	current_test = "fuzz corpus";
	DIR *dir = opendir(corpus);
	CHECK(dir != NULL);
	if (!dir)
		return;
	struct dirent *entry;
	unsigned streams = 0;
	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		char events[1024];
		snprintf(events, sizeof(events), "%s/%s", corpus, entry->d_name);
		char *text = read_file(events, NULL);
		if (!text)
			continue;
		struct stream_counts expected;
		count_stream(text, &expected);
		free(text);
		streams++;
		const char *formats[] = { "corpus.svg", "corpus.png", "corpus.pdf" };
		for (size_t i = 0; i < 3; i++) {
			struct run_result result;
			const char *out = temp_path(formats[i]);
			RUN(&result, "-o", (char *)out, events);
			CHECK(result.status == 0 || (result.status == 1 && result.err[0]));
			if (result.status != 0 && result.status != 1)
				printf("  %s: status %d: %s\n", events, result.status, result.err);
			if (result.status == 0 && i == 0) {
				char *svg = read_file(out, NULL);
				CHECK(svg && count_of(svg, "class=\"fault ") == expected.faults);
				free(svg);
			}
			unlink(out);
		}
	}
	closedir(dir);
	CHECK(streams >= 10);
}

/* A build without cairo: plot says so and fails, whatever the stream. */
static void test_built_without_plotting(const char *tests_dir)
{
	current_test = "built without plotting";
	char events[512];
	snprintf(events, sizeof(events), "%s/sample.events", tests_dir);
	struct run_result result;
	const char *png = temp_path("none.png");
	RUN(&result, "-o", (char *)png, events);
	CHECK(result.status == 1);
	CHECK(strstr(result.err, "built without plotting") != NULL);
	CHECK(!file_exists(png));
	RUN(&result, "--help");
	CHECK(result.status == 0);
	CHECK(strstr(result.out, "built without plotting") != NULL);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: test_plot TESTS_DIR GEN_STREAM CORPUS_DIR PLOT\n");
		return 2;
	}
	const char *tests_dir = argv[1], *generator = argv[2], *corpus = argv[3];
	bool plot = strcmp(argv[4], "1") == 0;

	if (!mkdtemp(temp_dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_lanes();
	test_lane_heights();
	test_axis();
	test_regions();
	test_svg_classes();
	if (plot) {
		test_generated_stream(generator);
		test_sample(tests_dir);
		test_degenerate_streams();
		test_errors();
		test_corpus(corpus);
	} else {
		test_built_without_plotting(tests_dir);
	}
	char command[256];
	snprintf(command, sizeof(command), "rm -rf %s", temp_dir);
	if (system(command) != 0)
		printf("could not remove %s\n", temp_dir);

	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
