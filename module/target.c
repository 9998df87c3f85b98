// SPDX-License-Identifier: GPL-2.0
/*
 * Which process is traced, and following it through fork, exec and exit.
 *
 * The target is the struct pid of its thread group, held by reference so
 * that a later process reusing the number never matches. Probes compare
 * task_tgid(current) against it under RCU; a target that is replaced or
 * dies is freed only after a grace period, so a probe still holding the
 * old pointer can never see it recycled for another process.
 *
 * The target's mm is kept as a bare pointer (no reference, never
 * dereferenced) only to recognise TLB flushes of that mm done by any task.
 * It is cleared when that mm is torn down (exit_mmap returns), before the
 * mm_struct can be freed and reused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/binfmts.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "compat.h"
#include "event.h"
#include "ring.h"
#include "target.h"

struct gg_target {
	struct pid *pid;
	pid_t nr;
	struct rcu_head rcu;
};

static struct gg_target __rcu *gg_tgt;
static struct mm_struct *gg_mm;
static DEFINE_MUTEX(gg_tgt_mutex);

static void gg_target_free_rcu(struct rcu_head *head)
{
	struct gg_target *t = container_of(head, struct gg_target, rcu);

	put_pid(t->pid);
	kfree(t);
}

static void gg_target_retire(struct gg_target *t)
{
	if (t)
		call_rcu(&t->rcu, gg_target_free_rcu);
}

bool gg_is_target(struct task_struct *task)
{
	struct gg_target *t;
	bool ret;

	rcu_read_lock();
	t = rcu_dereference(gg_tgt);
	ret = t && task_tgid(task) == t->pid;
	rcu_read_unlock();
	return ret;
}

bool gg_is_target_mm(const struct mm_struct *mm)
{
	return mm && mm == READ_ONCE(gg_mm);
}

pid_t gg_target_nr(void)
{
	struct gg_target *t;
	pid_t nr;

	rcu_read_lock();
	t = rcu_dereference(gg_tgt);
	nr = t ? t->nr : 0;
	rcu_read_unlock();
	return nr;
}

static void gg_target_clear(void)
{
	struct gg_target *old;

	mutex_lock(&gg_tgt_mutex);
	old = unrcu_pointer(xchg(&gg_tgt, NULL));
	WRITE_ONCE(gg_mm, NULL);
	mutex_unlock(&gg_tgt_mutex);
	gg_target_retire(old);
}

int gg_target_set(pid_t nr)
{
	struct gg_target *t = NULL, *old;
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	int ret = 0;

	if (nr < 0)
		return -EINVAL;
	if (!nr) {
		gg_target_clear();
		return 0;
	}
	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;
	task = get_pid_task(pid, PIDTYPE_TGID);
	if (!task) {
		ret = -ESRCH;
		goto out_pid;
	}
	if (task->flags & PF_KTHREAD) {
		ret = -EPERM;
		goto out_task;
	}
	/* Pins the mm while it becomes the cookie: it cannot be torn down first. */
	mm = get_task_mm(task);
	if (!mm) {
		ret = -ESRCH;
		goto out_task;
	}
	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		ret = -ENOMEM;
		goto out_mm;
	}
	t->pid = pid;
	t->nr = nr;

	mutex_lock(&gg_tgt_mutex);
	old = rcu_dereference_protected(gg_tgt, lockdep_is_held(&gg_tgt_mutex));
	if (old && old->pid == pid) {
		mutex_unlock(&gg_tgt_mutex);
		kfree(t);
		goto out_mm;
	}
	WRITE_ONCE(gg_mm, mm);
	/* xchg, not a plain store: the exit tracepoint may clear it concurrently. */
	old = unrcu_pointer(xchg(&gg_tgt, RCU_INITIALIZER(t)));
	gg_ring_rebase_missed();
	mutex_unlock(&gg_tgt_mutex);
	gg_target_retire(old);
	pid = NULL;		/* the reference now belongs to the target */
out_mm:
	mmput(mm);
out_task:
	put_task_struct(task);
out_pid:
	put_pid(pid);
	return ret;
}

void gg_target_release(void)
{
	gg_target_clear();
	/* The RCU callbacks run module code: wait for them before unload. */
	rcu_barrier();
}

/* ---- lifecycle tracepoints ---- */

static void gg_tp_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	struct gg_ev_fork e = {};

	if (!gg_is_target(parent))
		return;
	e.child = task_pid_nr(child);
	/* A new thread shares the tgid, so it is traced from now on. */
	e.thread = child->tgid == parent->tgid;
	gg_emit(GG_EV_FORK, parent->mm, &e, sizeof(e));
}

static void gg_tp_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	struct gg_ev_str e;

	if (!gg_is_target(p))
		return;
	/* The old mm went away in exec_mmap(); follow the new one. */
	WRITE_ONCE(gg_mm, p->mm);
	e.len = strnlen(bprm->filename, GG_STR_MAX);
	memcpy(e.s, bprm->filename, e.len);
	gg_emit(GG_EV_EXEC, p->mm, &e,
		GG_STR_PAYLOAD(struct gg_ev_str, s, e.len));
}

/*
 * Before 6.16 this fires after exit_mm(): p->mm is gone, but p->active_mm
 * still points to the (lazily held) mm the thread ran on, whose pgd CR3
 * still holds. From 6.16 it fires before exit_mm(), where the two agree.
 */
static void gg_on_exit(struct task_struct *p, bool group_dead)
{
	struct gg_ev_exit e = {};
	struct gg_target *t;

	if (!gg_is_target(p))
		return;
	e.code = p->exit_code;
	e.group_dead = group_dead;
	gg_emit(GG_EV_EXIT, p->active_mm, &e, sizeof(e));
	if (!e.group_dead)
		return;

	rcu_read_lock();
	t = rcu_dereference(gg_tgt);
	/* Only the winner of the cmpxchg retires it; pid writes use xchg. */
	if (t && task_tgid(p) == t->pid &&
	    cmpxchg(&gg_tgt, RCU_INITIALIZER(t), NULL) == RCU_INITIALIZER(t)) {
		cmpxchg(&gg_mm, p->active_mm, NULL);
		gg_target_retire(t);
	}
	rcu_read_unlock();
}

GG_DEFINE_SCHED_EXIT_PROBE(gg_tp_exit, gg_on_exit)

struct gg_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static struct gg_tp gg_tps[] = {
	{ .name = "sched_process_fork", .probe = gg_tp_fork },
	{ .name = "sched_process_exec", .probe = gg_tp_exec },
	{ .name = "sched_process_exit", .probe = gg_tp_exit },
};

/* The tracepoints are not exported: find them by name. */
static void gg_tp_lookup(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gg_tps); i++)
		if (!strcmp(tp->name, gg_tps[i].name))
			gg_tps[i].tp = tp;
}

/* ---- exit_mmap: the end of an mm, so its cookie can never be reused ---- */

static int gg_exit_mmap_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct mm_struct *mm = (void *)regs_get_kernel_argument(regs, 0);

	if (!gg_is_target_mm(mm))
		return 1;
	*(struct mm_struct **)ri->data = mm;
	return 0;
}

/* At return: TLB flushes done by exit_mmap() itself still belong to the target. */
static int gg_exit_mmap_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct mm_struct *mm = *(struct mm_struct **)ri->data;

	cmpxchg(&gg_mm, mm, NULL);
	return 0;
}

static struct kretprobe gg_rp_exit_mmap = {
	.kp.symbol_name = "exit_mmap",
	.entry_handler = gg_exit_mmap_entry,
	.handler = gg_exit_mmap_ret,
	.data_size = sizeof(struct mm_struct *),
	.maxactive = 16,
};

static bool gg_rp_exit_mmap_on;

int gg_target_hooks_register(void)
{
	unsigned int i;
	int ret;

	for_each_kernel_tracepoint(gg_tp_lookup, NULL);
	for (i = 0; i < ARRAY_SIZE(gg_tps); i++) {
		if (!gg_tps[i].tp) {
			pr_err("tracepoint %s not found\n", gg_tps[i].name);
			ret = -ENOENT;
			goto fail;
		}
		ret = tracepoint_probe_register(gg_tps[i].tp, gg_tps[i].probe,
						NULL);
		if (ret) {
			pr_err("tracepoint %s: %d\n", gg_tps[i].name, ret);
			goto fail;
		}
		gg_tps[i].registered = true;
	}
	ret = register_kretprobe(&gg_rp_exit_mmap);
	if (ret) {
		pr_err("kretprobe exit_mmap: %d\n", ret);
		goto fail;
	}
	gg_rp_exit_mmap_on = true;
	gg_ring_track_probe("exit_mmap", &gg_rp_exit_mmap.kp, &gg_rp_exit_mmap);
	return 0;
fail:
	gg_target_hooks_unregister();
	return ret;
}

void gg_target_hooks_unregister(void)
{
	unsigned int i;

	if (gg_rp_exit_mmap_on)
		unregister_kretprobe(&gg_rp_exit_mmap);
	gg_rp_exit_mmap_on = false;
	for (i = 0; i < ARRAY_SIZE(gg_tps); i++) {
		if (!gg_tps[i].registered)
			continue;
		tracepoint_probe_unregister(gg_tps[i].tp, gg_tps[i].probe, NULL);
		gg_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
}
