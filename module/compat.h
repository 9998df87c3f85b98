/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the supported kernels (Debian 6.1, 6.12 and 7.x)
 * lives here, so the rest of the module is version-free. Each one is keyed
 * to the mainline release that introduced it.
 */
#ifndef GOGROWTH_COMPAT_H
#define GOGROWTH_COMPAT_H

#include <linux/mm_types.h>
#include <linux/ring_buffer.h>
#include <linux/sched/signal.h>

/*
 * GG_KVER is VERSION * 100 + PATCHLEVEL of the kernel built against (601,
 * 612, 703), set by module/Kbuild from the kernel's Makefile.
 */
#ifndef GG_KVER
#error "GG_KVER is not set: build through module/Kbuild"
#endif

/*
 * 6.2, "ring_buffer: Remove unused "event" parameter":
 * ring_buffer_unlock_commit() takes the buffer only.
 */
#if GG_KVER >= 602
static inline void gg_rb_unlock_commit(struct trace_buffer *buf,
				       struct ring_buffer_event *ev)
{
	ring_buffer_unlock_commit(buf);
}
#else
static inline void gg_rb_unlock_commit(struct trace_buffer *buf,
				       struct ring_buffer_event *ev)
{
	ring_buffer_unlock_commit(buf, ev);
}
#endif

/*
 * 6.4, per-VMA locks: a fault is first tried under the VMA lock
 * (FAULT_FLAG_VMA_LOCK) and may be retried under mmap_lock.
 */
#if GG_KVER >= 604
#define GG_FAULT_FLAG_VMA_LOCK	((unsigned int)FAULT_FLAG_VMA_LOCK)
#else
#define GG_FAULT_FLAG_VMA_LOCK	0U
#endif

/*
 * Argument index of do_mmap()'s pgoff (0-based, for
 * regs_get_kernel_argument()). 6.6, "mm: Re-introduce vm_flags to
 * do_mmap()", put vm_flags before it; 7.3 made that argument a
 * vma_flags_t, a one-long bitmap passed in a register like vm_flags was,
 * so pgoff stays the seventh argument.
 */
#if GG_KVER >= 703
#define GG_DO_MMAP_PGOFF_ARG	6
static_assert(sizeof(vma_flags_t) == sizeof(unsigned long),
	      "do_mmap()'s vma_flags_t no longer fits a register: pgoff moved");
#elif GG_KVER >= 606
#define GG_DO_MMAP_PGOFF_ARG	6
#else
#define GG_DO_MMAP_PGOFF_ARG	5
#endif

/*
 * 6.16, "sched/tracepoints: Move and extend the sched_process_exit()
 * tracepoint": the tracepoint says whether the thread group died, and
 * fires before exit_mm(). Before, it fired after exit_mm() and the last
 * thread out is the one that finds no live thread left. The probe must
 * match the tracepoint's prototype exactly (kCFI checks the call), so
 * this defines it around @handler(task, group_dead).
 */
#if GG_KVER >= 616
#define GG_DEFINE_SCHED_EXIT_PROBE(name, handler)			\
static void name(void *data, struct task_struct *p, bool group_dead)	\
{									\
	handler(p, group_dead);						\
}
#else
#define GG_DEFINE_SCHED_EXIT_PROBE(name, handler)			\
static void name(void *data, struct task_struct *p)			\
{									\
	handler(p, atomic_read(&p->signal->live) == 0);			\
}
#endif

#endif /* GOGROWTH_COMPAT_H */
