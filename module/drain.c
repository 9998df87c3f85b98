// SPDX-License-Identifier: GPL-2.0
/*
 * Unload's wait for tasks inside the module's code (drain.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>

#include "drain.h"

void gg_drain(atomic_t *inside, const char *what)
{
	unsigned int waited = 0;

	while (atomic_read_acquire(inside)) {
		if (++waited % 100 == 0)
			pr_info("unload waits for %d %s\n",
				atomic_read(inside), what);
		msleep(100);
	}
	synchronize_rcu_tasks();
}
