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

/*
 * The target's global tgid, or 0: a test any context can afford before
 * gg_is_target(), with no call and no RCU. It matches whenever the target
 * does (it is written first), and may match a process that is not the
 * target (a reused pid, a retarget under way); only gg_is_target() decides.
 */
extern pid_t gg_tgid_hint;

/* The target's mm, or NULL; inline so that hooks test it calling nothing. */
extern struct mm_struct *gg_mm;

static inline bool gg_is_target_mm(const struct mm_struct *mm)
{
	return mm && mm == READ_ONCE(gg_mm);
}

static inline bool gg_may_be_target(const struct task_struct *task)
{
	return READ_ONCE(gg_tgid_hint) == task->tgid;
}

/* Should a probe that hit in @current record anything? */
static inline bool gg_tracing_current(void)
{
	return gg_may_be_target(current) && gg_recording() &&
	       gg_is_target(current);
}

#endif /* GOGROWTH_TARGET_H */
