// SPDX-License-Identifier: GPL-2.0
/*
 * Which process is traced, and following it through fork, exec and exit.
 *
 * The traced state is a thread group, held as its struct pid, and an mm,
 * held as a bare pointer (a cookie: compared, never dereferenced) so that
 * TLB flushes of that mm done by any task are recognised. Every change of
 * either goes through gg_tgt_change() under gg_tgt_lock; probes read the
 * pid under RCU and the mm with READ_ONCE, without a lock. The rules
 * (Documentation/guarantees.md, "Target lifetime"):
 *
 * - A pid write (or pid= at load) sets both; a write of 0 clears both.
 * - The death of the group clears the pid: `pid` reads 0 from then on. It
 *   is noticed by the exit tracepoint and, for a group that died before it
 *   was published, by gg_target_set() itself after publishing.
 * - exec replaces the mm; the return of exit_mmap() for that mm clears it.
 *   So the mm outlives the pid by the teardown of the address space, whose
 *   TLB flushes still belong to the run, and never outlives the mm_struct:
 *   the exit_mmap return probe is armed before any target can be set.
 *
 * A replaced or dead target is freed after an RCU grace period, so a
 * probe still comparing against it can never see its struct pid recycled
 * for another process.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/binfmts.h>
#include <linux/delay.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "compat.h"
#include "event.h"
#include "hook.h"
#include "ring.h"
#include "return_hook.h"
#include "target.h"

struct gg_target {
	struct pid *pid;
	pid_t nr;
	bool exiting;		/* its group_dead exit is being reported */
	struct rcu_head rcu;
};

enum gg_tgt_op {
	GG_TGT_SET,		/* @t with @mm, replacing whatever was traced */
	GG_TGT_CLEAR,		/* nothing traced */
	GG_TGT_EXIT_CLAIM,	/* one thread of @pid's dead group reports it */
	GG_TGT_GROUP_DEAD,	/* @pid's group died: stop matching it */
	GG_TGT_EXEC,		/* @pid now runs on @mm */
	GG_TGT_MM_GONE,		/* @mm was torn down */
};

/* Writers hold gg_tgt_lock; readers use RCU (gg_tgt) or READ_ONCE (gg_mm). */
static struct gg_target __rcu *gg_tgt;
struct mm_struct *gg_mm;
pid_t gg_tgid_hint;
static DEFINE_SPINLOCK(gg_tgt_lock);
/* Serialises pid writes, so that a write of the same pid is a no-op. */
static DEFINE_MUTEX(gg_set_mutex);

/*
 * For the race selftests: a process that exits between the moment its mm
 * is taken and the moment it is published is a window of microseconds;
 * this widens it so that a test can put the exit inside it every time.
 */
#define GG_SET_DELAY_MS_MAX 1000
static unsigned int set_delay_ms;
module_param(set_delay_ms, uint, 0600);
MODULE_PARM_DESC(set_delay_ms,
		 "testing: sleep this long (0..1000 ms) in each target set before publishing it");

static void gg_target_free_rcu(struct rcu_head *head)
{
	struct gg_target *t = container_of(head, struct gg_target, rcu);

	put_pid(t->pid);
	kfree(t);
}

/*
 * The one place the traced state changes; any context but NMI. Returns
 * whether @op applied (for EXIT_CLAIM: whether this caller won the claim).
 */
static bool gg_tgt_change(enum gg_tgt_op op, struct gg_target *t,
			  struct pid *pid, struct mm_struct *mm)
{
	struct gg_target *cur, *retired = NULL;
	unsigned long flags;
	bool applied = false;

	spin_lock_irqsave(&gg_tgt_lock, flags);
	cur = rcu_dereference_protected(gg_tgt, lockdep_is_held(&gg_tgt_lock));
	switch (op) {
	case GG_TGT_SET:
		retired = cur;
		/* Before the target: the hint must match whenever gg_tgt does. */
		WRITE_ONCE(gg_tgid_hint, pid_nr(t->pid));
		rcu_assign_pointer(gg_tgt, t);
		WRITE_ONCE(gg_mm, mm);
		applied = true;
		break;
	case GG_TGT_CLEAR:
		retired = cur;
		RCU_INIT_POINTER(gg_tgt, NULL);
		WRITE_ONCE(gg_mm, NULL);
		WRITE_ONCE(gg_tgid_hint, 0);
		applied = cur;
		break;
	case GG_TGT_EXIT_CLAIM:
		if (cur && cur->pid == pid && !cur->exiting) {
			cur->exiting = true;
			applied = true;
		}
		break;
	case GG_TGT_GROUP_DEAD:
		if (cur && cur->pid == pid) {
			retired = cur;
			RCU_INIT_POINTER(gg_tgt, NULL);
			WRITE_ONCE(gg_tgid_hint, 0);
			applied = true;
		}
		break;
	case GG_TGT_EXEC:
		if (cur && cur->pid == pid) {
			WRITE_ONCE(gg_mm, mm);
			applied = true;
		}
		break;
	case GG_TGT_MM_GONE:
		if (gg_mm == mm) {
			WRITE_ONCE(gg_mm, NULL);
			applied = true;
		}
		break;
	}
	spin_unlock_irqrestore(&gg_tgt_lock, flags);
	if (retired)
		call_rcu(&retired->rcu, gg_target_free_rcu);
	return applied;
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

/*
 * The mm of any live thread of @leader's group: a leader that called
 * pthread_exit() has none, while the rest of its group runs on.
 */
static struct mm_struct *gg_group_mm(struct task_struct *leader)
{
	struct mm_struct *mm = NULL;
	struct task_struct *t;

	rcu_read_lock();
	for_each_thread(leader, t) {
		mm = get_task_mm(t);
		if (mm)
			break;
	}
	rcu_read_unlock();
	return mm;
}

int gg_target_set(pid_t nr)
{
	struct task_struct *task;
	struct gg_target *t;
	struct mm_struct *mm;
	struct pid *pid;
	int ret = 0;

	if (nr < 0)
		return -EINVAL;
	if (!nr) {
		mutex_lock(&gg_set_mutex);
		gg_tgt_change(GG_TGT_CLEAR, NULL, NULL, NULL);
		mutex_unlock(&gg_set_mutex);
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
	mm = gg_group_mm(task);
	if (!mm) {
		ret = -ESRCH;
		goto out_task;
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		ret = -ENOMEM;
		goto out_mm;
	}
	t->pid = pid;
	t->nr = nr;
	if (READ_ONCE(set_delay_ms))
		msleep(min(READ_ONCE(set_delay_ms), GG_SET_DELAY_MS_MAX));

	mutex_lock(&gg_set_mutex);
	rcu_read_lock();
	if (rcu_dereference(gg_tgt) && rcu_dereference(gg_tgt)->pid == pid) {
		rcu_read_unlock();
		mutex_unlock(&gg_set_mutex);
		kfree(t);
		goto out_mm;
	}
	rcu_read_unlock();
	gg_tgt_change(GG_TGT_SET, t, pid, mm);
	gg_ring_rebase_missed();
	/*
	 * The last thread may have passed the exit tracepoint before the
	 * target was published, and nobody else would retire it. Pairs with
	 * the full barrier of the atomic_dec_and_test() of signal->live in
	 * do_exit(): either that thread sees the target, or this sees it dead.
	 */
	smp_mb();
	if (!atomic_read(&task->signal->live)) {
		/* Its mm too: nothing of a process that is gone is traced. */
		gg_tgt_change(GG_TGT_CLEAR, NULL, NULL, NULL);
		ret = -ESRCH;
	}
	mutex_unlock(&gg_set_mutex);
	pid = NULL;		/* the reference now belongs to the target */
out_mm:
	/* May be the last reference: exit_mmap() then retires the mm at once. */
	mmput(mm);
out_task:
	put_task_struct(task);
out_pid:
	put_pid(pid);
	return ret;
}

void gg_target_release(void)
{
	gg_tgt_change(GG_TGT_CLEAR, NULL, NULL, NULL);
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
	gg_tgt_change(GG_TGT_EXEC, NULL, task_tgid(p), p->mm);
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

	gg_return_task_exit(p);
	if (!gg_is_target(p))
		return;
	e.code = p->exit_code;
	/*
	 * Before 6.16 every thread that gets here after the last one left
	 * sees the group dead: only the first reports it, and it reports it
	 * before the pid is cleared, so a reader that waits for `pid` to read
	 * 0 has the event. The mm stays traced until exit_mmap() returns.
	 */
	e.group_dead = group_dead &&
		       gg_tgt_change(GG_TGT_EXIT_CLAIM, NULL, task_tgid(p), NULL);
	gg_emit(GG_EV_EXIT, p->active_mm, &e, sizeof(e));
	if (e.group_dead)
		gg_tgt_change(GG_TGT_GROUP_DEAD, NULL, task_tgid(p), NULL);
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

static int gg_exit_mmap_entry(struct mm_struct **data, gg_hook_regs_t *regs)
{
	struct mm_struct *mm = (void *)gg_hook_arg(regs, 0);

	if (!gg_is_target_mm(mm))
		return 1;
	*data = mm;
	return 0;
}

/* At return: TLB flushes done by exit_mmap() itself still belong to the target. */
static void gg_exit_mmap_ret(struct mm_struct **data, gg_hook_regs_t *regs)
{
	gg_tgt_change(GG_TGT_MM_GONE, NULL, NULL, *data);
}

GG_DEFINE_RET_HOOK(gg_hook_exit_mmap, "exit_mmap", gg_exit_mmap_entry,
		   gg_exit_mmap_ret, struct mm_struct *, 16);

static struct gg_hook *const gg_exit_mmap_hooks[] = { &gg_hook_exit_mmap };

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
	ret = gg_hooks_register(gg_exit_mmap_hooks,
				ARRAY_SIZE(gg_exit_mmap_hooks));
	if (ret)
		goto fail;
	return 0;
fail:
	gg_target_hooks_unregister();
	return ret;
}

void gg_target_hooks_unregister(void)
{
	unsigned int i;

	gg_hooks_unregister(gg_exit_mmap_hooks, ARRAY_SIZE(gg_exit_mmap_hooks));
	for (i = 0; i < ARRAY_SIZE(gg_tps); i++) {
		if (!gg_tps[i].registered)
			continue;
		tracepoint_probe_unregister(gg_tps[i].tp, gg_tps[i].probe, NULL);
		gg_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
}
