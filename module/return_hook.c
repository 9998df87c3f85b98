// SPDX-License-Identifier: GPL-2.0
/*
 * Return hooks armed for the target's calls only (return_hook.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/linkage.h>
#include <linux/log2.h>
#include <linux/objtool.h>
#include <linux/trace_recursion.h>

#include "compat.h"
#include "drain.h"
#include "return_hook.h"
#include "target.h"

/*
 * Target calls that may be inside hooked functions at once; more are
 * counted in missed. A landing pushes its slot's number as a sign-extended
 * byte, hence at most 128.
 */
#define GG_RETURN_SLOTS	128
static_assert(GG_RETURN_SLOTS <= 128);

struct gg_return_slot {
	struct task_struct *task;	/* its owner; NULL when free */
	struct gg_return_hook *hook;
	unsigned long *ret_p;		/* where the return address was */
	unsigned long ret_addr;		/* the caller's return address */
	unsigned long data[GG_RETURN_DATA_MAX / sizeof(unsigned long)];
};

static struct gg_return_slot gg_return_slots[GG_RETURN_SLOTS];
/* Calls armed and not yet returned: the module's text must outlive them. */
static atomic_t gg_return_armed;
static atomic_long_t gg_return_ever_armed;

/*
 * The landings: slot n's is gg_return_landings + n * GG_LANDING_SIZE + 1,
 * an 8-byte stub that pushes n where the return address was, and jumps to
 * the common part. The byte before each landing is an int3 whose ORC is
 * undefined: an unwinder looks up a return address less one, so a stack
 * trace that meets a landing as a return address stops there, unreliable.
 * The common part calls gg_return_landed() with the function's result and
 * replaces n with the caller's return address; an unwinder inside that
 * call reads n as a return address, which is not text, and stops there
 * too. rax, the result, is preserved; the other registers a caller may
 * still rely on after a call are callee-saved, which the C call keeps.
 * The stubs are bytes so that each is exactly GG_LANDING_SIZE long:
 * push imm8 (6a ib) and jmp rel32 (e9 cd).
 */
#define GG_LANDING_SIZE	8

asm("	.pushsection .text, \"ax\"\n"
	"	.balign " __stringify(GG_LANDING_SIZE) "\n"
	"	.globl gg_return_landings\n"
	"	.type gg_return_landings, @function\n"
	"gg_return_landings:\n"
	"	.set gg_landing_nr, 0\n"
	"	.rept " __stringify(GG_RETURN_SLOTS) "\n"
	GG_UNWIND_HINT_UNDEFINED
	ANNOTATE_NOENDBR
	"	.byte 0xcc\n"
	GG_UNWIND_HINT_RETURNED
	ANNOTATE_NOENDBR
	"	.byte 0x6a, gg_landing_nr\n"
	UNWIND_HINT_FUNC
	"	.byte 0xe9\n"
	"	.long gg_return_common - . - 4\n"
	"	.set gg_landing_nr, gg_landing_nr + 1\n"
	"	.endr\n"
	"gg_return_common:\n"
	"	pushq %rax\n"
	"	movq %rax, %rdi\n"
	"	movq 8(%rsp), %rsi\n"
	"	leaq 16(%rsp), %rdx\n"
	"	call gg_return_landed\n"
	"	movq %rax, 8(%rsp)\n"
	"	popq %rax\n"
	ASM_RET
	"	.size gg_return_landings, . - gg_return_landings\n"
	"	.popsection\n"
);

static unsigned long gg_landing(const struct gg_return_slot *s)
{
	return (unsigned long)gg_return_landings +
	       (s - gg_return_slots) * GG_LANDING_SIZE + 1;
}

static void gg_return_slot_free(struct gg_return_slot *s)
{
	/* Orders the slot's use before it can be claimed again. */
	smp_store_release(&s->task, NULL);
	/* Orders the exit's work before the count unload waits on. */
	smp_mb__before_atomic();
	atomic_dec(&gg_return_armed);
}

static struct gg_return_slot *gg_return_slot_claim(void)
{
	unsigned int first = hash_ptr(current, ilog2(GG_RETURN_SLOTS));
	unsigned int i;

	for (i = 0; i < GG_RETURN_SLOTS; i++) {
		struct gg_return_slot *s =
			&gg_return_slots[(first + i) % GG_RETURN_SLOTS];

		if (!READ_ONCE(s->task) && !cmpxchg(&s->task, NULL, current))
			return s;
	}
	return NULL;
}

/* For the target's calls only: the set's filter ran (ftrace_entry.h). */
void notrace gg_return_call(struct gg_ftrace_entry *fe, unsigned long ip,
			    unsigned long parent_ip, struct ftrace_regs *fregs)
{
	struct gg_return_hook *h = container_of(fe, struct gg_return_hook, fe);
	struct gg_return_slot *s;
	unsigned long *ret_p;
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		atomic_long_inc(&h->fe.missed);
		return;
	}
	if (!gg_tracing_current())
		goto out;
	/*
	 * ftrace read parent_ip from the return address slot. Another return
	 * hook that ran first has replaced it: leave that call alone.
	 */
	ret_p = (unsigned long *)gg_fregs_sp(fregs);
	if (*ret_p != parent_ip) {
		atomic_long_inc(&h->fe.missed);
		goto out;
	}
	s = gg_return_slot_claim();
	if (!s) {
		atomic_long_inc(&h->fe.missed);
		goto out;
	}
	if (!h->entry(s->data, fregs)) {
		/* Orders the entry's writes before the slot can be claimed. */
		smp_store_release(&s->task, NULL);
		goto out;
	}
	s->hook = h;
	s->ret_p = ret_p;
	s->ret_addr = parent_ip;
	atomic_inc(&gg_return_armed);
	atomic_long_inc(&gg_return_ever_armed);
	*ret_p = gg_landing(s);
out:
	ftrace_test_recursion_unlock(bit);
}

/*
 * Called from a landing, in the task that made the call, right after the
 * function returned @ret: the slot is the one armed for this return, since
 * only arming it puts its landing in a return address, and only this frees
 * it (or the task's exit, for a call that can never return).
 */
__visible notrace unsigned long gg_return_landed(unsigned long ret,
						 unsigned long nr,
						 unsigned long *sp)
{
	struct gg_return_slot *s = &gg_return_slots[nr % GG_RETURN_SLOTS];
	unsigned long ret_addr = s->ret_addr;

	WARN_ON_ONCE(s->task != current || s->ret_p + 1 != sp);
	/* The handlers' context, as in the probes: preemption off. */
	preempt_disable();
	s->hook->exit(s->data, ret);
	preempt_enable();
	gg_return_slot_free(s);
	return ret_addr;
}

void gg_return_task_exit(struct task_struct *task)
{
	unsigned int i;

	if (likely(!atomic_read(&gg_return_armed)))
		return;
	for (i = 0; i < GG_RETURN_SLOTS; i++) {
		struct gg_return_slot *s = &gg_return_slots[i];

		if (READ_ONCE(s->task) != task)
			continue;
		atomic_long_inc(&s->hook->fe.missed);
		gg_return_slot_free(s);
	}
}

void gg_return_hooks_drain(void)
{
	if (!atomic_long_read(&gg_return_ever_armed))
		return;
	gg_drain(&gg_return_armed, "do_mmap calls to return");
	atomic_long_set(&gg_return_ever_armed, 0);
}
