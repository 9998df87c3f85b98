// SPDX-License-Identifier: GPL-2.0
/* Subcommand dispatch. To add a command, add a row to `commands`. */
#include "cli.h"

#include "check.h"
#include "go_rules.h"
#include "plot.h"
#include "print.h"
#include "record.h"
#include "report.h"

#include <string.h>

struct command {
	const char *name;
	const char *synopsis;
	int (*run)(int argc, char **argv, FILE *out, FILE *err); /* argv[0] is the command name */
};

static const struct command commands[] = {
	{ "report", "report [--csv|--wide] [FILE]   summarise an event stream per step and mapping",
	  gg_report_command },
	{ "record", "record [-o FILE] [--binary] -- CMD [ARGS] | -p PID | --drain   trace a process, "
		    "write its events",
	  gg_record_command },
	{ "print", "print [FILE]   a binary recording as the module's event lines", gg_print_command },
	{ "plot", "plot -o OUT.png|.svg|.pdf [--x=time|order] [FILE]   draw a picture of a stream",
	  gg_plot_command },
	{ "check", "check SEQUENCE... | --all [--keep FILE]   run growth sequences, check events",
	  gg_check_command },
	{ "model", "model slice-go117|slice-go118 N   print Go's slice capacities up to N",
	  gg_model_command },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fputs("usage: gogrowth <command> [arguments]\n"
	      "       gogrowth --help\n"
	      "commands:\n",
	      out);
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %s\n", commands[i].synopsis);
	fputs("Run 'gogrowth <command> --help' for a command's options.\n", out);
}

int gogrowth_main(int argc, char **argv, FILE *out, FILE *err)
{
	if (argc < 2) {
		usage(err);
		return 2;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		usage(out);
		return 0;
	}
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1, out, err);
	fprintf(err, "gogrowth: unknown command '%s'\n", name);
	usage(err);
	return 2;
}
