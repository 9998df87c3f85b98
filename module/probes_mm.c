// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space changes made by the target: do_mmap() and the munmap,
 * mremap, mprotect, madvise and brk system calls.
 *
 * do_mmap() is probed rather than the mmap syscall so that mappings made
 * on the target's behalf by the kernel (the ELF loader at exec) show up
 * too. For the other calls no inner function is stable across 6.1 and
 * 6.12, so the x86-64 syscall wrappers are probed; their only argument is
 * the user pt_regs, which lives on the kernel stack and is safe to read.
 *
 * do_mmap()'s arguments are saved at entry and the event is recorded at
 * return, once the result is known, by a return hook armed for the
 * target's calls only (return_hook.h); where the kernel refuses its entry
 * hook, by a return probe whose entry returns non-zero for other processes
 * (hook.h).
 * The system calls' events are recorded on the way back to user mode
 * (gg_sys_return() below).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/trace_recursion.h>

#include "compat.h"
#include "drain.h"
#include "event.h"
#include "hook.h"
#include "probes.h"
#include "return_hook.h"
#include "target.h"

/* Target threads that may sleep inside one call at the same time. */
#define GG_MM_MAXACTIVE	128

struct gg_mmap_data {
	struct file *file;
	unsigned long addr;
	unsigned long len;
	unsigned long prot;
	unsigned long flags;
	unsigned long pgoff;
};

struct gg_sys_data {
	unsigned long a[5];
};

static int gg_mmap_entry(struct gg_mmap_data *d, gg_hook_regs_t *regs)
{
	if (!gg_tracing_current())
		return 1;
	d->file = (struct file *)gg_hook_arg(regs, 0);
	d->addr = gg_hook_arg(regs, 1);
	d->len = gg_hook_arg(regs, 2);
	d->prot = gg_hook_arg(regs, 3);
	d->flags = gg_hook_arg(regs, 4);
	d->pgoff = gg_hook_arg(regs, GG_DO_MMAP_PGOFF_ARG);
	return 0;
}

/*
 * The caller of do_mmap() holds a reference on the file until after it
 * returns. The name is read the way %pd does: under RCU, since a rename
 * frees an out-of-line name only after a grace period; a racing rename can
 * at worst give a mix of both names, never a bad access.
 */
static u16 gg_file_name(struct file *file, char *out)
{
	const unsigned char *name;
	u16 i;

	rcu_read_lock();
	name = READ_ONCE(file->f_path.dentry->d_name.name);
	for (i = 0; i < GG_STR_MAX; i++) {
		char c = READ_ONCE(name[i]);

		if (!c)
			break;
		out[i] = c;
	}
	rcu_read_unlock();
	return i;
}

static void gg_mmap_record(const struct gg_mmap_data *d, long ret)
{
	struct gg_ev_mmap e;

	e.addr = d->addr;
	e.len = d->len;
	e.prot = d->prot;
	e.flags = d->flags;
	e.pgoff = d->pgoff;
	e.ret = ret;
	e.anon = !d->file;
	e.pad = 0;
	e.name_len = d->file ? gg_file_name(d->file, e.name) : 0;
	gg_emit(GG_EV_MMAP, current->mm, &e,
		GG_STR_PAYLOAD(struct gg_ev_mmap, name, e.name_len));
}

/* The fallback return probe's exit. */
static void gg_mmap_ret(struct gg_mmap_data *d, gg_hook_regs_t *regs)
{
	gg_mmap_record(d, (long)gg_hook_ret(regs));
}

/*
 * The return hook armed for the target's calls only (return_hook.h), tried
 * first: other processes pay the entry hook's compare, and no return hook.
 */
static bool gg_mmap_return_entry(void *data, struct ftrace_regs *fregs)
{
	struct gg_mmap_data *d = data;

	d->file = (struct file *)gg_fregs_arg(fregs, 0);
	d->addr = gg_fregs_arg(fregs, 1);
	d->len = gg_fregs_arg(fregs, 2);
	d->prot = gg_fregs_arg(fregs, 3);
	d->flags = gg_fregs_arg(fregs, 4);
	d->pgoff = gg_fregs_arg(fregs, GG_DO_MMAP_PGOFF_ARG);
	return true;
}

static void gg_mmap_return_exit(void *data, unsigned long ret)
{
	gg_mmap_record(data, (long)ret);
}

GG_RETURN_DATA_CHECK(struct gg_mmap_data);
static struct gg_return_hook gg_mmap_return =
	GG_RETURN_HOOK_INIT(gg_mmap_return_entry, gg_mmap_return_exit);

static void gg_sys_args(struct gg_sys_data *d, const struct pt_regs *u)
{
	d->a[0] = u->di;
	d->a[1] = u->si;
	d->a[2] = u->dx;
	d->a[3] = u->r10;
	d->a[4] = u->r8;
}

static void gg_munmap_done(const struct gg_sys_data *d, long ret)
{
	struct gg_ev_munmap e = {
		.addr = d->a[0],
		.len = d->a[1],
		.ret = ret,
	};

	gg_emit(GG_EV_MUNMAP, current->mm, &e, sizeof(e));
}

static void gg_mremap_done(const struct gg_sys_data *d, long ret)
{
	struct gg_ev_mremap e = {
		.addr = d->a[0],
		.old_len = d->a[1],
		.new_len = d->a[2],
		.flags = d->a[3],
		.new_addr = d->a[4],
		.ret = ret,
	};

	gg_emit(GG_EV_MREMAP, current->mm, &e, sizeof(e));
}

static void gg_mprotect_done(const struct gg_sys_data *d, long ret)
{
	struct gg_ev_mprotect e = {
		.addr = d->a[0],
		.len = d->a[1],
		.prot = d->a[2],
		.ret = ret,
	};

	gg_emit(GG_EV_MPROTECT, current->mm, &e, sizeof(e));
}

static void gg_madvise_done(const struct gg_sys_data *d, long ret)
{
	struct gg_ev_madvise e = {
		.addr = d->a[0],
		.len = d->a[1],
		.advice = (int)d->a[2],
		.ret = ret,
	};

	gg_emit(GG_EV_MADVISE, current->mm, &e, sizeof(e));
}

static void gg_brk_done(const struct gg_sys_data *d, long ret)
{
	struct gg_ev_brk e = {
		.brk = d->a[0],
		.ret = (unsigned long)ret,
	};

	gg_emit(GG_EV_BRK, current->mm, &e, sizeof(e));
}

/*
 * The system calls' results are read when the call returns to user mode,
 * from a task work queued at entry (TWA_RESUME): the result is in the user
 * pt_regs' ax then, and still is when a signal is pending, since
 * get_signal() runs task work before it sets up a frame. The entry is a
 * plain ftrace entry hook (ftrace_entry.h): other processes get no return
 * hook and pay one compare; the target pays an allocation and a task work
 * per call. Where the kernel refuses that hook, a return probe does the
 * same (gg_sys_entry(), *_ret()).
 */
struct gg_sys_hook {
	struct gg_ftrace_entry fe;
	void (*done)(const struct gg_sys_data *d, long ret);
};

struct gg_sys_pending {
	struct callback_head work;
	struct gg_sys_hook *sys;
	const struct mm_struct *mm;	/* compared, never dereferenced */
	struct gg_sys_data d;
};

/* Task works queued and not yet run: the module's text must outlive them. */
static atomic_t gg_sys_pending_nr;
static atomic_long_t gg_sys_queued;

static void gg_sys_return(struct callback_head *work)
{
	struct gg_sys_pending *p = container_of(work, struct gg_sys_pending,
						 work);
	long ret = (long)regs_return_value(current_pt_regs());

	/* The handlers' context, as in the probes: preemption off. */
	preempt_disable();
	/* A process no longer traced is owed nothing. */
	if (gg_tracing_current()) {
		if (current->mm == p->mm)
			p->sys->done(&p->d, ret);
		else	/* run at exit, after the mm went: counted as missed */
			atomic_long_inc(&p->sys->fe.missed);
	}
	preempt_enable();
	kfree(p);
	/* Orders the work above before the count unload waits on. */
	smp_mb__before_atomic();
	atomic_dec(&gg_sys_pending_nr);
}

/* For the target's calls only: the set's filter ran (ftrace_entry.h). */
static void notrace gg_sys_call(struct gg_ftrace_entry *fe, unsigned long ip,
				unsigned long parent_ip,
				struct ftrace_regs *fregs)
{
	struct gg_sys_hook *sys = container_of(fe, struct gg_sys_hook, fe);
	struct gg_sys_pending *p;
	int bit;

	/*
	 * Before the recursion lock, which disables preemption: a system
	 * call's entry is preemptible, and slab locks may sleep (PREEMPT_RT).
	 * kmalloc() is not in this hook's filter, so it cannot recurse here.
	 */
	p = kmalloc(sizeof(*p), GFP_NOWAIT | __GFP_NOWARN);
	if (!p) {
		atomic_long_inc(&sys->fe.missed);
		return;
	}
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		atomic_long_inc(&sys->fe.missed);
		kfree(p);
		return;
	}
	if (!gg_tracing_current()) {
		kfree(p);
		goto out;
	}
	gg_sys_args(&p->d, (const struct pt_regs *)gg_fregs_arg(fregs, 0));
	p->sys = sys;
	p->mm = current->mm;
	init_task_work(&p->work, gg_sys_return);
	/* Counted before it can run, so that unload cannot miss it. */
	atomic_inc(&gg_sys_pending_nr);
	if (task_work_add(current, &p->work, TWA_RESUME)) {
		/* The task is past running task work: exiting. */
		atomic_dec(&gg_sys_pending_nr);
		kfree(p);
		atomic_long_inc(&sys->fe.missed);
		goto out;
	}
	atomic_long_inc(&gg_sys_queued);
out:
	ftrace_test_recursion_unlock(bit);
}

/* The return probe, where the ftrace entry hook is refused. */
static int gg_sys_entry(struct gg_sys_data *d, gg_hook_regs_t *regs)
{
	if (!gg_tracing_current())
		return 1;
	gg_sys_args(d, (const struct pt_regs *)gg_hook_arg(regs, 0));
	return 0;
}

/* A system call's hook: the ftrace entry hook, and its fallback probe. */
#define GG_DEFINE_SYS_HOOK(name, sym, done_fn)				\
static struct gg_sys_hook name##_sys = {				\
	.fe.func = gg_sys_call,						\
	.fe.filter = GG_FTRACE_TARGET_TASK,				\
	.done = done_fn,						\
};									\
static void name##_ret(struct gg_sys_data *d, gg_hook_regs_t *regs)	\
{									\
	name##_sys.done(d, (long)gg_hook_ret(regs));			\
}									\
GG_DEFINE_RET_HOOK(name, sym, gg_sys_entry, name##_ret,		\
		   struct gg_sys_data, GG_MM_MAXACTIVE)

GG_DEFINE_RET_HOOK(gg_hook_mmap, "do_mmap", gg_mmap_entry, gg_mmap_ret,
		   struct gg_mmap_data, GG_MM_MAXACTIVE);
GG_DEFINE_SYS_HOOK(gg_hook_munmap, "__x64_sys_munmap", gg_munmap_done);
GG_DEFINE_SYS_HOOK(gg_hook_mremap, "__x64_sys_mremap", gg_mremap_done);
GG_DEFINE_SYS_HOOK(gg_hook_mprotect, "__x64_sys_mprotect", gg_mprotect_done);
GG_DEFINE_SYS_HOOK(gg_hook_madvise, "__x64_sys_madvise", gg_madvise_done);
GG_DEFINE_SYS_HOOK(gg_hook_brk, "__x64_sys_brk", gg_brk_done);

static struct gg_hook *const gg_mm_hooks[] = {
	&gg_hook_mmap,
	&gg_hook_munmap,
	&gg_hook_mremap,
	&gg_hook_mprotect,
	&gg_hook_madvise,
	&gg_hook_brk,
};

int gg_probes_mm_register(void)
{
	gg_hook_mmap.entry = &gg_mmap_return.fe;
	gg_hook_munmap.entry = &gg_hook_munmap_sys.fe;
	gg_hook_mremap.entry = &gg_hook_mremap_sys.fe;
	gg_hook_mprotect.entry = &gg_hook_mprotect_sys.fe;
	gg_hook_madvise.entry = &gg_hook_madvise_sys.fe;
	gg_hook_brk.entry = &gg_hook_brk_sys.fe;
	return gg_hooks_register(gg_mm_hooks, ARRAY_SIZE(gg_mm_hooks));
}

void gg_probes_mm_unregister(void)
{
	/* No callback runs past this: each queued work is counted. */
	gg_hooks_unregister(gg_mm_hooks, ARRAY_SIZE(gg_mm_hooks));
	gg_return_hooks_drain();
	if (!atomic_long_read(&gg_sys_queued))
		return;
	/* A task runs its work on its way back to user mode, or at exit. */
	gg_drain(&gg_sys_pending_nr, "system calls to return");
	atomic_long_set(&gg_sys_queued, 0);
}
