// SPDX-License-Identifier: GPL-2.0
/* gg_plot_draw() of a gogrowth built without cairo (STATIC=1, or PLOT=0): it cannot draw. */
#include "plot_draw.h"

bool gg_plot_can_draw(void)
{
	return false;
}

int gg_plot_draw(const struct gg_plot_data *data, const struct gg_plot_options *options,
		 FILE *err)
{
	(void)data;
	(void)options;
	fputs("gogrowth: plot: this gogrowth was built without plotting (no cairo); build it with "
	      "'make -C userspace' where libcairo2-dev is installed\n",
	      err);
	return 1;
}
