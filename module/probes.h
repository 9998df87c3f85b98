/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_PROBES_H
#define GOGROWTH_PROBES_H

#include "hook.h"
#include "ring.h"

int gg_probes_mm_register(void);
void gg_probes_mm_unregister(void);
int gg_probe_fault_register(void);
void gg_probe_fault_unregister(void);
int gg_probe_tlb_register(void);
void gg_probe_tlb_unregister(void);

#endif /* GOGROWTH_PROBES_H */
