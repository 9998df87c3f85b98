/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_TARGET_H
#define GOGROWTH_TARGET_H

#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/types.h>

#include "ring.h"

int gg_target_hooks_register(void);
void gg_target_hooks_unregister(void);
void gg_target_release(void);

/* Process context. */
int gg_target_set(pid_t nr);
pid_t gg_target_nr(void);

/* Any context. */
bool gg_is_target(struct task_struct *task);
bool gg_is_target_mm(const struct mm_struct *mm);

/* Should a probe that hit in @current record anything? */
static inline bool gg_tracing_current(void)
{
	return gg_recording() && gg_is_target(current);
}

#endif /* GOGROWTH_TARGET_H */
