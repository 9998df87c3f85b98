// SPDX-License-Identifier: GPL-2.0
/* gogrowth: userspace side of the gogrowth kernel module. See cli.c for the commands. */
#include "cli.h"

int main(int argc, char **argv)
{
	return gogrowth_main(argc, argv, stdout, stderr);
}
