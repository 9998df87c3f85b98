/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_PROBES_H
#define GOGROWTH_PROBES_H

#include <linux/kprobes.h>
#include <linux/printk.h>

#include "ring.h"

int gg_probes_mm_register(void);
void gg_probes_mm_unregister(void);
int gg_probe_fault_register(void);
void gg_probe_fault_unregister(void);
int gg_probe_tlb_register(void);
void gg_probe_tlb_unregister(void);

/* Registers all of @rps or none; every one is listed in stats. */
static inline int gg_kretprobes_register(struct kretprobe **rps,
					 unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = register_kretprobe(rps[i]);
		if (ret) {
			pr_err("kretprobe %s: %d\n", rps[i]->kp.symbol_name, ret);
			if (i)
				unregister_kretprobes(rps, i);
			return ret;
		}
		gg_ring_track_probe(rps[i]->kp.symbol_name, &rps[i]->kp, rps[i]);
	}
	return 0;
}

#endif /* GOGROWTH_PROBES_H */
