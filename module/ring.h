/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_RING_H
#define GOGROWTH_RING_H

#include <linux/mm_types.h>
#include <linux/seq_file.h>
#include <linux/wait.h>

#include "event.h"

int gg_ring_init(unsigned long bytes_per_cpu);
void gg_ring_shutdown(void);
void gg_ring_free(void);

/* Writers: any context but NMI. */
bool gg_recording(void);
void gg_emit(enum gg_type type, const struct mm_struct *mm,
	     const void *payload, u32 len);

/* Control, process context. */
bool gg_ring_enabled(void);
void gg_ring_set_enabled(bool on);
void gg_ring_clear(void);
void gg_ring_rebase_missed(void);
struct gg_hook;
void gg_ring_track_probe(const struct gg_hook *hook);
void gg_ring_show_stats(struct seq_file *m);

/* Readers, process context. */
extern wait_queue_head_t gg_ring_wq;
bool gg_ring_shutting_down(void);
bool gg_ring_has_data(void);
bool gg_ring_consume(struct gg_rec *out);

struct gg_snap;
struct gg_snap *gg_snap_open(void);
bool gg_snap_next(struct gg_snap *s, struct gg_rec *out);
void gg_snap_close(struct gg_snap *s);
void gg_ring_read_lock(void);
void gg_ring_read_unlock(void);

#endif /* GOGROWTH_RING_H */
