// SPDX-License-Identifier: GPL-2.0
/* `gogrowth plot`: options, input, output format; the picture is plot_draw.c's. */
#include "plot.h"

#include "plot_data.h"
#include "plot_draw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DEFAULT_WIDTH 1600
#define DEFAULT_HEIGHT 1000

static void plot_usage(FILE *out)
{
	fprintf(out,
		"usage: gogrowth plot [--x=time|order] [--size=WxH] -o OUT.png|.svg|.pdf [FILE]\n"
		"Draw one picture of an event stream (FILE, or stdin when FILE is absent or\n"
		"'-'): time along x, the address space along y (mappings as lanes, the gaps\n"
		"between them squeezed), mmap..munmap regions, faults coloured by transition\n"
		"and sized by the pages they mapped, TLB flush ranges, markers as labelled\n"
		"lines; below it faults, pages mapped and TLB flushes per step. The format\n"
		"follows OUT's extension.\n"
		"  -o, --output OUT  the picture to write (.png, .svg or .pdf)\n"
		"  --x=time          x is ts= (the default); --x=order: the event's number\n"
		"  --size=WxH        pixels (PNG) or points (SVG, PDF); default %ux%u,\n"
		"                    from %ux%u to %ux%u\n",
		DEFAULT_WIDTH, DEFAULT_HEIGHT, GG_PLOT_MIN_WIDTH, GG_PLOT_MIN_HEIGHT,
		GG_PLOT_MAX_SIDE, GG_PLOT_MAX_SIDE);
	if (!gg_plot_can_draw())
		fputs("This gogrowth was built without plotting (no cairo): plot always fails.\n",
		      out);
}

/* The format named by path's extension; -1 when none is known. */
static int format_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return -1;
	if (strcasecmp(dot, ".png") == 0)
		return GG_PLOT_PNG;
	if (strcasecmp(dot, ".svg") == 0)
		return GG_PLOT_SVG;
	if (strcasecmp(dot, ".pdf") == 0)
		return GG_PLOT_PDF;
	return -1;
}

/* "1600x1000" -> width and height within the limits; 0, or -1. */
static int parse_size(const char *text, unsigned *width, unsigned *height)
{
	char *end;
	errno = 0;
	unsigned long w = strtoul(text, &end, 10);
	if (errno || end == text || (*end != 'x' && *end != 'X') || text[0] == '-')
		return -1;
	const char *second = end + 1;
	unsigned long h = strtoul(second, &end, 10);
	if (errno || end == second || *end != '\0' || second[0] == '-')
		return -1;
	if (w < GG_PLOT_MIN_WIDTH || h < GG_PLOT_MIN_HEIGHT || w > GG_PLOT_MAX_SIDE ||
	    h > GG_PLOT_MAX_SIDE)
		return -1;
	*width = (unsigned)w;
	*height = (unsigned)h;
	return 0;
}

/* The value of "--name=value" or "--name value" (or "-o value"); NULL when missing. */
static const char *option_value(int argc, char **argv, int *i, const char *arg, size_t name_length)
{
	if (arg[name_length] == '=')
		return arg + name_length + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int usage_error(FILE *err, const char *format, const char *value)
{
	fputs("gogrowth: plot: ", err);
	fprintf(err, format, value);
	fputc('\n', err);
	plot_usage(err);
	return 2;
}

static bool is_option(const char *arg, const char *name)
{
	size_t length = strlen(name);
	return strncmp(arg, name, length) == 0 && (arg[length] == '\0' || arg[length] == '=');
}

int gg_plot_command(int argc, char **argv, FILE *out, FILE *err)
{
	struct gg_plot_options options = { .width = DEFAULT_WIDTH, .height = DEFAULT_HEIGHT };
	enum gg_plot_x_axis x_axis = GG_PLOT_X_TIME;
	const char *path = NULL;
	bool options_done = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value;
		if (options_done || arg[0] != '-' || arg[1] == '\0') {
			if (path)
				return usage_error(err, "more than one FILE ('%s')", arg);
			path = arg;
		} else if (strcmp(arg, "--") == 0) {
			options_done = true;
		} else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			plot_usage(out);
			return 0;
		} else if (strcmp(arg, "-o") == 0 || is_option(arg, "--output")) {
			value = option_value(argc, argv, &i, arg, strcmp(arg, "-o") == 0 ? 2 : 8);
			if (!value || !*value)
				return usage_error(err, "%s needs a file name", arg);
			options.output_path = value;
		} else if (is_option(arg, "--x")) {
			value = option_value(argc, argv, &i, arg, 3);
			if (value && strcmp(value, "time") == 0)
				x_axis = GG_PLOT_X_TIME;
			else if (value && strcmp(value, "order") == 0)
				x_axis = GG_PLOT_X_ORDER;
			else
				return usage_error(err, "--x takes 'time' or 'order', not '%s'",
						   value ? value : "");
		} else if (is_option(arg, "--size")) {
			value = option_value(argc, argv, &i, arg, 6);
			if (!value || parse_size(value, &options.width, &options.height))
				return usage_error(err, "--size takes WxH within limits, not '%s'",
						   value ? value : "");
		} else {
			return usage_error(err, "unknown option '%s'", arg);
		}
	}
	if (!gg_plot_can_draw())
		return gg_plot_draw(NULL, &options, err); /* says it was built without plotting */
	if (!options.output_path)
		return usage_error(err, "%sno output: give -o OUT.png, OUT.svg or OUT.pdf", "");
	int format = format_of(options.output_path);
	if (format < 0)
		return usage_error(err, "cannot tell the format of '%s': use .png, .svg or .pdf",
				   options.output_path);
	options.format = (enum gg_plot_format)format;

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
	options.title = name;

	struct gg_plot_data data;
	int status = 1;
	if (gg_plot_data_init(&data, x_axis)) {
		fprintf(err, "gogrowth: out of memory\n");
	} else {
		status = gg_plot_data_read(&data, fd, name, err);
		if (status == 0 && data.event_count == 0) {
			fprintf(err, "gogrowth: plot: %s holds no events: nothing to plot\n", name);
			status = 1;
		}
		if (status == 0)
			status = gg_plot_draw(&data, &options, err);
	}
	gg_plot_data_free(&data);
	if (fd != STDIN_FILENO)
		close(fd);
	if (status == 0)
		fprintf(out, "gogrowth: plot: wrote %s (%ux%u)\n", options.output_path,
			options.width, options.height);
	return status;
}
