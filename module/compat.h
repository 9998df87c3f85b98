/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the supported kernels (Debian 6.1 and 6.12)
 * lives here, so the rest of the module is version-free.
 */
#ifndef GOGROWTH_COMPAT_H
#define GOGROWTH_COMPAT_H

#include <linux/mm_types.h>
#include <linux/ring_buffer.h>

/*
 * GG_KVER is VERSION * 100 + PATCHLEVEL of the kernel built against (601,
 * 612), set by module/Kbuild from the kernel's Makefile.
 */
#ifndef GG_KVER
#error "GG_KVER is not set: build through module/Kbuild"
#endif

#if GG_KVER >= 604

/* do_mmap() gained vm_flags before pgoff in 6.4, pushing pgoff to the stack. */
#define GG_DO_MMAP_PGOFF_ARG	6

/* 6.4+ tries a fault under the per-VMA lock before taking mmap_lock. */
#define GG_FAULT_FLAG_VMA_LOCK	((unsigned int)FAULT_FLAG_VMA_LOCK)

static inline void gg_rb_unlock_commit(struct trace_buffer *buf,
				       struct ring_buffer_event *ev)
{
	ring_buffer_unlock_commit(buf);
}

#else

#define GG_DO_MMAP_PGOFF_ARG	5
#define GG_FAULT_FLAG_VMA_LOCK	0U

static inline void gg_rb_unlock_commit(struct trace_buffer *buf,
				       struct ring_buffer_event *ev)
{
	ring_buffer_unlock_commit(buf, ev);
}

#endif

#endif /* GOGROWTH_COMPAT_H */
