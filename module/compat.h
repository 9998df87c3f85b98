/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the supported kernels (Debian 6.1, 6.12 and 7.x)
 * lives here, so the rest of the module is version-free. Each one is keyed
 * to the mainline release that introduced it.
 */
#ifndef GOGROWTH_COMPAT_H
#define GOGROWTH_COMPAT_H

#include <linux/ftrace.h>
#include <linux/limits.h>
#include <linux/mm_types.h>
#include <linux/objtool.h>
#include <linux/ptrace.h>
#include <linux/ring_buffer.h>
#include <linux/sched/signal.h>
#include <asm/unwind_hints.h>

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
 * 6.2, "ftrace: rename ftrace_instruction_pointer_set() ->
 * ftrace_regs_set_instruction_pointer()": what an IPMODIFY callback calls to
 * send the call elsewhere (redirect.c).
 */
#if GG_KVER >= 602
#define gg_ftrace_set_ip(fregs, ip) \
	ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define gg_ftrace_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

/*
 * 6.2, "ftrace: abstract DYNAMIC_FTRACE_WITH_ARGS accesses": an ftrace_ops
 * callback reads its function's arguments with ftrace_regs_get_argument();
 * before, struct ftrace_regs was a pt_regs with the argument registers set.
 */
#if GG_KVER >= 602
#define gg_fregs_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#define gg_fregs_sp(fregs)	ftrace_regs_get_stack_pointer(fregs)
#else
#define gg_fregs_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#define gg_fregs_sp(fregs)	kernel_stack_pointer(&(fregs)->regs)
#endif

/*
 * 6.4, "x86/unwind/orc: Add 'signal' field to ORC metadata" reordered
 * UNWIND_HINT()'s arguments, and "x86,objtool: Split UNWIND_HINT_EMPTY in
 * two" named the undefined state. The return hook's landings
 * (return_hook.c) use two hints: no unwinding through here, and a return
 * address just popped (the caller's frame starts at the stack pointer).
 */
#if GG_KVER >= 604
#define GG_UNWIND_HINT_UNDEFINED	UNWIND_HINT_UNDEFINED
#define GG_UNWIND_HINT_RETURNED	\
	UNWIND_HINT(UNWIND_HINT_TYPE_CALL, ORC_REG_SP, 0, 0)
#else
#define GG_UNWIND_HINT_UNDEFINED	\
	UNWIND_HINT(ORC_REG_UNDEFINED, 0, UNWIND_HINT_TYPE_CALL, 0)
#define GG_UNWIND_HINT_RETURNED	\
	UNWIND_HINT(ORC_REG_SP, 0, UNWIND_HINT_TYPE_CALL, 0)
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

/*
 * Return hooks: how a probe gets control at a function's entry and return,
 * cheapest first for a call by a process that is not traced (the entry
 * handler returns non-zero for those). Documentation/design-hooks.md has the
 * costs and the kernel sources behind them; module/hook.h the one layer that
 * uses these.
 *
 * 6.14, "fprobe: Rewrite fprobe on function-graph tracer" (4346ba160409):
 * fprobe runs on fgraph; an entry handler returning non-zero leaves no return
 * hook at all (no pool, the return address untouched); handlers get
 * struct ftrace_regs (argument registers, sp, ip; the return value at exit);
 * entry data is at most MAX_FPROBE_DATA_SIZE (15 longs, 120 bytes) on the
 * task's shadow stack, so there is no nr_maxactive. A probe without an exit
 * handler is a plain ftrace_ops.
 *
 * 6.4, "fprobe: Skip exit_handler if entry_handler returns !0"
 * (39d954200bf6): fprobe on rethook, int entry handler, pt_regs. The rethook
 * node is still taken from a pool of nr_maxactive before the entry handler
 * and given back when it returns non-zero; what it saves against a
 * kretprobe is the kprobe layer.
 *
 * Before (Debian 6.1): kretprobe, and a kprobe for entry-only probes.
 * Debian's 6.1 has no CONFIG_FPROBE (register_fprobe*() are stubs that
 * return -EOPNOTSUPP), and 6.1's fprobe entry handler returns void, so it
 * could not skip the return hook anyway. Kernels built without
 * CONFIG_FPROBE fall back to kretprobe the same way.
 */
#if GG_KVER >= 614 && IS_ENABLED(CONFIG_FPROBE)
#include <linux/fprobe.h>
#define GG_HOOK_FPROBE		1
#define GG_HOOK_DATA_MAX	MAX_FPROBE_DATA_SIZE
#define GG_FPROBE_MAXACTIVE	0	/* no pool: the task's shadow stack */
#define gg_hook_regs_t		struct ftrace_regs
#define gg_hook_arg(r, n)	ftrace_regs_get_argument(r, n)
#define gg_hook_ret(r)		ftrace_regs_get_return_value(r)
#elif GG_KVER >= 604 && IS_ENABLED(CONFIG_FPROBE)
#include <linux/fprobe.h>
#define GG_HOOK_FPROBE		1
#define GG_HOOK_DATA_MAX	SIZE_MAX
#define GG_FPROBE_MAXACTIVE	1	/* fprobe.nr_maxactive */
#define gg_hook_regs_t		struct pt_regs
#define gg_hook_arg(r, n)	regs_get_kernel_argument(r, n)
#define gg_hook_ret(r)		regs_return_value(r)
#else
#include <linux/kprobes.h>
#define GG_HOOK_FPROBE		0	/* kretprobe, kprobe */
#define GG_HOOK_DATA_MAX	SIZE_MAX
#define gg_hook_regs_t		struct pt_regs
#define gg_hook_arg(r, n)	regs_get_kernel_argument(r, n)
#define gg_hook_ret(r)		regs_return_value(r)
#endif

#endif /* GOGROWTH_COMPAT_H */
