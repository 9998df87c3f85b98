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
 * Arguments are saved at entry in the kretprobe instance and the event is
 * recorded at return, once the result is known. Entry returns non-zero for
 * other processes so that their instance is recycled at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "compat.h"
#include "event.h"
#include "probes.h"
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

static int gg_mmap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_mmap_data *d = (struct gg_mmap_data *)ri->data;

	if (!gg_tracing_current())
		return 1;
	d->file = (struct file *)regs_get_kernel_argument(regs, 0);
	d->addr = regs_get_kernel_argument(regs, 1);
	d->len = regs_get_kernel_argument(regs, 2);
	d->prot = regs_get_kernel_argument(regs, 3);
	d->flags = regs_get_kernel_argument(regs, 4);
	d->pgoff = regs_get_kernel_argument(regs, GG_DO_MMAP_PGOFF_ARG);
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

static int gg_mmap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_mmap_data *d = (struct gg_mmap_data *)ri->data;
	struct gg_ev_mmap e;

	e.addr = d->addr;
	e.len = d->len;
	e.prot = d->prot;
	e.flags = d->flags;
	e.pgoff = d->pgoff;
	e.ret = (long)regs_return_value(regs);
	e.anon = !d->file;
	e.pad = 0;
	e.name_len = d->file ? gg_file_name(d->file, e.name) : 0;
	gg_emit(GG_EV_MMAP, current->mm, &e,
		GG_STR_PAYLOAD(struct gg_ev_mmap, name, e.name_len));
	return 0;
}

static int gg_sys_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_sys_data *d = (struct gg_sys_data *)ri->data;
	const struct pt_regs *u;

	if (!gg_tracing_current())
		return 1;
	u = (const struct pt_regs *)regs_get_kernel_argument(regs, 0);
	d->a[0] = u->di;
	d->a[1] = u->si;
	d->a[2] = u->dx;
	d->a[3] = u->r10;
	d->a[4] = u->r8;
	return 0;
}

static int gg_munmap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_sys_data *d = (struct gg_sys_data *)ri->data;
	struct gg_ev_munmap e = {
		.addr = d->a[0],
		.len = d->a[1],
		.ret = (long)regs_return_value(regs),
	};

	gg_emit(GG_EV_MUNMAP, current->mm, &e, sizeof(e));
	return 0;
}

static int gg_mremap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_sys_data *d = (struct gg_sys_data *)ri->data;
	struct gg_ev_mremap e = {
		.addr = d->a[0],
		.old_len = d->a[1],
		.new_len = d->a[2],
		.flags = d->a[3],
		.new_addr = d->a[4],
		.ret = (long)regs_return_value(regs),
	};

	gg_emit(GG_EV_MREMAP, current->mm, &e, sizeof(e));
	return 0;
}

static int gg_mprotect_ret(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct gg_sys_data *d = (struct gg_sys_data *)ri->data;
	struct gg_ev_mprotect e = {
		.addr = d->a[0],
		.len = d->a[1],
		.prot = d->a[2],
		.ret = (long)regs_return_value(regs),
	};

	gg_emit(GG_EV_MPROTECT, current->mm, &e, sizeof(e));
	return 0;
}

static int gg_madvise_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_sys_data *d = (struct gg_sys_data *)ri->data;
	struct gg_ev_madvise e = {
		.addr = d->a[0],
		.len = d->a[1],
		.advice = (int)d->a[2],
		.ret = (long)regs_return_value(regs),
	};

	gg_emit(GG_EV_MADVISE, current->mm, &e, sizeof(e));
	return 0;
}

static int gg_brk_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct gg_sys_data *d = (struct gg_sys_data *)ri->data;
	struct gg_ev_brk e = {
		.brk = d->a[0],
		.ret = regs_return_value(regs),
	};

	gg_emit(GG_EV_BRK, current->mm, &e, sizeof(e));
	return 0;
}

#define GG_SYS_KRETPROBE(sym, ret_fn)					\
	{								\
		.kp.symbol_name = sym,					\
		.entry_handler = gg_sys_entry,				\
		.handler = ret_fn,					\
		.data_size = sizeof(struct gg_sys_data),		\
		.maxactive = GG_MM_MAXACTIVE,				\
	}

static struct kretprobe gg_rp_mmap = {
	.kp.symbol_name = "do_mmap",
	.entry_handler = gg_mmap_entry,
	.handler = gg_mmap_ret,
	.data_size = sizeof(struct gg_mmap_data),
	.maxactive = GG_MM_MAXACTIVE,
};

static struct kretprobe gg_rp_munmap =
	GG_SYS_KRETPROBE("__x64_sys_munmap", gg_munmap_ret);
static struct kretprobe gg_rp_mremap =
	GG_SYS_KRETPROBE("__x64_sys_mremap", gg_mremap_ret);
static struct kretprobe gg_rp_mprotect =
	GG_SYS_KRETPROBE("__x64_sys_mprotect", gg_mprotect_ret);
static struct kretprobe gg_rp_madvise =
	GG_SYS_KRETPROBE("__x64_sys_madvise", gg_madvise_ret);
static struct kretprobe gg_rp_brk =
	GG_SYS_KRETPROBE("__x64_sys_brk", gg_brk_ret);

static struct kretprobe *gg_mm_rps[] = {
	&gg_rp_mmap,
	&gg_rp_munmap,
	&gg_rp_mremap,
	&gg_rp_mprotect,
	&gg_rp_madvise,
	&gg_rp_brk,
};

static bool gg_mm_on;

int gg_probes_mm_register(void)
{
	int ret = gg_kretprobes_register(gg_mm_rps, ARRAY_SIZE(gg_mm_rps));

	gg_mm_on = !ret;
	return ret;
}

void gg_probes_mm_unregister(void)
{
	if (gg_mm_on)
		unregister_kretprobes(gg_mm_rps, ARRAY_SIZE(gg_mm_rps));
	gg_mm_on = false;
}
