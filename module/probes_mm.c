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
 * Arguments are saved at entry in the hook's entry data and the event is
 * recorded at return, once the result is known. Entry returns non-zero for
 * other processes, so that they get no return hook (hook.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "compat.h"
#include "event.h"
#include "hook.h"
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

static void gg_mmap_ret(struct gg_mmap_data *d, gg_hook_regs_t *regs)
{
	struct gg_ev_mmap e;

	e.addr = d->addr;
	e.len = d->len;
	e.prot = d->prot;
	e.flags = d->flags;
	e.pgoff = d->pgoff;
	e.ret = (long)gg_hook_ret(regs);
	e.anon = !d->file;
	e.pad = 0;
	e.name_len = d->file ? gg_file_name(d->file, e.name) : 0;
	gg_emit(GG_EV_MMAP, current->mm, &e,
		GG_STR_PAYLOAD(struct gg_ev_mmap, name, e.name_len));
}

static int gg_sys_entry(struct gg_sys_data *d, gg_hook_regs_t *regs)
{
	const struct pt_regs *u;

	if (!gg_tracing_current())
		return 1;
	u = (const struct pt_regs *)gg_hook_arg(regs, 0);
	d->a[0] = u->di;
	d->a[1] = u->si;
	d->a[2] = u->dx;
	d->a[3] = u->r10;
	d->a[4] = u->r8;
	return 0;
}

static void gg_munmap_ret(struct gg_sys_data *d, gg_hook_regs_t *regs)
{
	struct gg_ev_munmap e = {
		.addr = d->a[0],
		.len = d->a[1],
		.ret = (long)gg_hook_ret(regs),
	};

	gg_emit(GG_EV_MUNMAP, current->mm, &e, sizeof(e));
}

static void gg_mremap_ret(struct gg_sys_data *d, gg_hook_regs_t *regs)
{
	struct gg_ev_mremap e = {
		.addr = d->a[0],
		.old_len = d->a[1],
		.new_len = d->a[2],
		.flags = d->a[3],
		.new_addr = d->a[4],
		.ret = (long)gg_hook_ret(regs),
	};

	gg_emit(GG_EV_MREMAP, current->mm, &e, sizeof(e));
}

static void gg_mprotect_ret(struct gg_sys_data *d, gg_hook_regs_t *regs)
{
	struct gg_ev_mprotect e = {
		.addr = d->a[0],
		.len = d->a[1],
		.prot = d->a[2],
		.ret = (long)gg_hook_ret(regs),
	};

	gg_emit(GG_EV_MPROTECT, current->mm, &e, sizeof(e));
}

static void gg_madvise_ret(struct gg_sys_data *d, gg_hook_regs_t *regs)
{
	struct gg_ev_madvise e = {
		.addr = d->a[0],
		.len = d->a[1],
		.advice = (int)d->a[2],
		.ret = (long)gg_hook_ret(regs),
	};

	gg_emit(GG_EV_MADVISE, current->mm, &e, sizeof(e));
}

static void gg_brk_ret(struct gg_sys_data *d, gg_hook_regs_t *regs)
{
	struct gg_ev_brk e = {
		.brk = d->a[0],
		.ret = gg_hook_ret(regs),
	};

	gg_emit(GG_EV_BRK, current->mm, &e, sizeof(e));
}

GG_DEFINE_RET_HOOK(gg_hook_mmap, "do_mmap", gg_mmap_entry, gg_mmap_ret,
		   struct gg_mmap_data, GG_MM_MAXACTIVE);
GG_DEFINE_RET_HOOK(gg_hook_munmap, "__x64_sys_munmap", gg_sys_entry,
		   gg_munmap_ret, struct gg_sys_data, GG_MM_MAXACTIVE);
GG_DEFINE_RET_HOOK(gg_hook_mremap, "__x64_sys_mremap", gg_sys_entry,
		   gg_mremap_ret, struct gg_sys_data, GG_MM_MAXACTIVE);
GG_DEFINE_RET_HOOK(gg_hook_mprotect, "__x64_sys_mprotect", gg_sys_entry,
		   gg_mprotect_ret, struct gg_sys_data, GG_MM_MAXACTIVE);
GG_DEFINE_RET_HOOK(gg_hook_madvise, "__x64_sys_madvise", gg_sys_entry,
		   gg_madvise_ret, struct gg_sys_data, GG_MM_MAXACTIVE);
GG_DEFINE_RET_HOOK(gg_hook_brk, "__x64_sys_brk", gg_sys_entry, gg_brk_ret,
		   struct gg_sys_data, GG_MM_MAXACTIVE);

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
	return gg_hooks_register(gg_mm_hooks, ARRAY_SIZE(gg_mm_hooks));
}

void gg_probes_mm_unregister(void)
{
	gg_hooks_unregister(gg_mm_hooks, ARRAY_SIZE(gg_mm_hooks));
}
