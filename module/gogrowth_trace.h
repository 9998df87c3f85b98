/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gogrowth's events as trace events, in the system "gogrowth": one event
 * per event type, with the fields of Documentation/ABI.md as raw values
 * and their readable forms in the print format. They fire where an event
 * is generated for the traced process (ring.c), whether or not the ring
 * has room. Out of tree, as the kernel's samples/trace_events/ does it.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM gogrowth

#if !defined(GOGROWTH_TRACE_H_EVENTS) || defined(TRACE_HEADER_MULTI_READ)
#define GOGROWTH_TRACE_H_EVENTS

#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "event.h"
#include "pgwalk.h"

#ifndef GOGROWTH_TRACE_H_ONCE
#define GOGROWTH_TRACE_H_ONCE

/* Enabling any event turns on trace.c's static key, so ring.c calls nothing before. */
int gg_trace_reg(void);
void gg_trace_unreg(void);

/* The header every event carries, as every event line does. */
#define GG_TP_HDR_ASSIGN(hdr)				\
	do {						\
		const struct gg_hdr *__h = (hdr);	\
							\
		__entry->seq = __h->seq;		\
		__entry->ts = __h->ts;			\
		__entry->cr3 = __h->cr3;		\
		__entry->pgd = __h->pgd;		\
		__entry->pid = __h->pid;		\
		__entry->tid = __h->tid;		\
	} while (0)

/* A counted string of a record, stored NUL-terminated. */
#define GG_TP_STR_LEN(len)	(min_t(unsigned int, (len), GG_STR_MAX) + 1)
#define GG_TP_STR_ASSIGN(field, s, len)					\
	do {								\
		char *__d = __get_dynamic_array(field);			\
		unsigned int __n = min_t(unsigned int, (len), GG_STR_MAX); \
									\
		memcpy(__d, (s), __n);					\
		__d[__n] = '\0';					\
	} while (0)

#endif /* GOGROWTH_TRACE_H_ONCE */

/* The enum values in the print formats as numbers, for trace-cmd and perf. */
TRACE_DEFINE_ENUM(GG_ACCESS_READ);
TRACE_DEFINE_ENUM(GG_ACCESS_WRITE);
TRACE_DEFINE_ENUM(GG_ACCESS_EXEC);
TRACE_DEFINE_ENUM(GG_ORIGIN_USER);
TRACE_DEFINE_ENUM(GG_ORIGIN_KERNEL);
TRACE_DEFINE_ENUM(GG_ORIGIN_GUP);
TRACE_DEFINE_ENUM(GG_LOCK_MMAP);
TRACE_DEFINE_ENUM(GG_LOCK_VMA);
TRACE_DEFINE_ENUM(GG_LVL_NONE);
TRACE_DEFINE_ENUM(GG_LVL_PTE);
TRACE_DEFINE_ENUM(GG_LVL_PMD);
TRACE_DEFINE_ENUM(GG_LVL_PUD);
TRACE_DEFINE_ENUM(GG_LVL_UNKNOWN);
TRACE_DEFINE_ENUM(GG_TRANS_UNKNOWN);
TRACE_DEFINE_ENUM(GG_TRANS_NONE_NONE);
TRACE_DEFINE_ENUM(GG_TRANS_NONE_PRESENT);
TRACE_DEFINE_ENUM(GG_TRANS_PRESENT_NONE);
TRACE_DEFINE_ENUM(GG_TRANS_RO_RW_COW);
TRACE_DEFINE_ENUM(GG_TRANS_NEWPFN);
TRACE_DEFINE_ENUM(GG_TRANS_RO_RW);
TRACE_DEFINE_ENUM(GG_TRANS_PRESENT);
TRACE_DEFINE_ENUM(GG_RESULT_MINOR);
TRACE_DEFINE_ENUM(GG_RESULT_MAJOR);
TRACE_DEFINE_ENUM(GG_RESULT_RETRY);
TRACE_DEFINE_ENUM(GG_RESULT_COMPLETED);
TRACE_DEFINE_ENUM(GG_RESULT_OOM);
TRACE_DEFINE_ENUM(GG_RESULT_SIGBUS);
TRACE_DEFINE_ENUM(GG_RESULT_SIGSEGV);
TRACE_DEFINE_ENUM(GG_RESULT_HWPOISON);
TRACE_DEFINE_ENUM(GG_RESULT_FALLBACK);
TRACE_DEFINE_ENUM(GG_RESULT_ERROR);

TRACE_EVENT_FN(mmap,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_mmap *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(u64, addr)
				__field(u64, len)
				__field(u64, prot)
				__field(u64, flags)
				__field(u64, pgoff)
				__field(s64, ret)
				__field(u8, anon)
				__dynamic_array(char, file, GG_TP_STR_LEN(e->name_len))),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->addr = e->addr;
			      __entry->len = e->len;
			      __entry->prot = e->prot;
			      __entry->flags = e->flags;
			      __entry->pgoff = e->pgoff;
			      __entry->ret = e->ret;
			      __entry->anon = e->anon;
			      GG_TP_STR_ASSIGN(file, e->name, e->name_len);),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx addr=0x%llx len=%llu prot=0x%llx flags=0x%llx pgoff=%llu anon=%u file=%s ret=0x%llx",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->addr, __entry->len,
			 __entry->prot, __entry->flags, __entry->pgoff,
			 __entry->anon, __get_str(file), __entry->ret),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(munmap,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_munmap *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(u64, addr)
				__field(u64, len)
				__field(s64, ret)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->addr = e->addr;
			      __entry->len = e->len;
			      __entry->ret = e->ret;),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx addr=0x%llx len=%llu ret=%lld",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->addr, __entry->len, __entry->ret),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(mremap,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_mremap *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(u64, addr)
				__field(u64, old_len)
				__field(u64, new_len)
				__field(u64, flags)
				__field(u64, new_addr)
				__field(s64, ret)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->addr = e->addr;
			      __entry->old_len = e->old_len;
			      __entry->new_len = e->new_len;
			      __entry->flags = e->flags;
			      __entry->new_addr = e->new_addr;
			      __entry->ret = e->ret;),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx addr=0x%llx old_len=%llu new_len=%llu flags=0x%llx new_addr=0x%llx ret=0x%llx",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->addr, __entry->old_len,
			 __entry->new_len, __entry->flags, __entry->new_addr,
			 __entry->ret),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(mprotect,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_mprotect *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(u64, addr)
				__field(u64, len)
				__field(u64, prot)
				__field(s64, ret)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->addr = e->addr;
			      __entry->len = e->len;
			      __entry->prot = e->prot;
			      __entry->ret = e->ret;),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx addr=0x%llx len=%llu prot=0x%llx ret=%lld",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->addr, __entry->len,
			 __entry->prot, __entry->ret),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(madvise,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_madvise *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(u64, addr)
				__field(u64, len)
				__field(s64, advice)
				__field(s64, ret)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->addr = e->addr;
			      __entry->len = e->len;
			      __entry->advice = e->advice;
			      __entry->ret = e->ret;),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx addr=0x%llx len=%llu advice=%lld ret=%lld",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->addr, __entry->len,
			 __entry->advice, __entry->ret),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(brk,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_brk *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(u64, brk)
				__field(u64, ret)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->brk = e->brk;
			      __entry->ret = e->ret;),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx brk=0x%llx ret=0x%llx",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->brk, __entry->ret),
	       gg_trace_reg, gg_trace_unreg);

/*
 * Besides the raw values, the decoded ones as fields of their own, so that
 * a filter or a bpftrace map can use trans or result directly.
 */
TRACE_EVENT_FN(fault,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_fault *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(u64, addr)
				__field(u64, ip)
				__field(u64, old)
				__field(u64, new)
				__field(u64, ptes_start)
				__field(u64, ptes_end)
				__field(u32, ptes)
				__field(u32, fflags)
				__field(u32, vmf)
				__field(s32, node)
				__field(u8, origin)
				__field(u8, old_level)
				__field(u8, new_level)
				__field(u64, old_pfn)
				__field(u64, new_pfn)
				__field(u8, level)
				__field(u8, access)
				__field(u8, lock)
				__field(u8, trans)
				__field(u8, result)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->addr = e->addr;
			      __entry->ip = e->ip;
			      __entry->old = e->old;
			      __entry->new = e->new;
			      __entry->ptes_start = e->ptes_start;
			      __entry->ptes_end = e->ptes_end;
			      __entry->ptes = e->ptes;
			      __entry->fflags = e->fflags;
			      __entry->vmf = e->vmf;
			      __entry->node = e->node;
			      __entry->origin = e->origin;
			      __entry->old_level = e->old_level;
			      __entry->new_level = e->new_level;
			      __entry->old_pfn = gg_entry_pfn(e->old, e->old_level);
			      __entry->new_pfn = gg_entry_pfn(e->new, e->new_level);
			      __entry->level = gg_level_shown(e->new, e->new_level);
			      __entry->access = gg_fault_access(e->fflags);
			      __entry->lock = gg_fault_lock(e->fflags);
			      __entry->trans = gg_fault_trans(e);
			      __entry->result = gg_fault_result(e->vmf);),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx addr=0x%llx ip=0x%llx access=%s origin=%s lock=%s level=%s old=0x%llx new=0x%llx old_pfn=0x%llx new_pfn=0x%llx trans=%s result=%s vmf=0x%x node=%d fflags=0x%x ptes=%u ptes_start=0x%llx ptes_end=0x%llx",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->addr, __entry->ip,
			 __print_symbolic(__entry->access,
					  { GG_ACCESS_READ, "read" },
					  { GG_ACCESS_WRITE, "write" },
					  { GG_ACCESS_EXEC, "exec" }),
			 __print_symbolic(__entry->origin,
					  { GG_ORIGIN_USER, "user" },
					  { GG_ORIGIN_KERNEL, "kernel" },
					  { GG_ORIGIN_GUP, "gup" }),
			 __print_symbolic(__entry->lock,
					  { GG_LOCK_MMAP, "mmap" },
					  { GG_LOCK_VMA, "vma" }),
			 __print_symbolic(__entry->level,
					  { GG_LVL_NONE, "none" },
					  { GG_LVL_PTE, "pte" },
					  { GG_LVL_PMD, "pmd" },
					  { GG_LVL_PUD, "pud" },
					  { GG_LVL_UNKNOWN, "unknown" }),
			 __entry->old, __entry->new, __entry->old_pfn,
			 __entry->new_pfn,
			 __print_symbolic(__entry->trans,
					  { GG_TRANS_UNKNOWN, "unknown" },
					  { GG_TRANS_NONE_NONE, "none->none" },
					  { GG_TRANS_NONE_PRESENT, "none->present" },
					  { GG_TRANS_PRESENT_NONE, "present->none" },
					  { GG_TRANS_RO_RW_COW, "ro->rw-cow" },
					  { GG_TRANS_NEWPFN, "present->present-newpfn" },
					  { GG_TRANS_RO_RW, "ro->rw" },
					  { GG_TRANS_PRESENT, "present->present" }),
			 __print_symbolic(__entry->result,
					  { GG_RESULT_MINOR, "minor" },
					  { GG_RESULT_MAJOR, "major" },
					  { GG_RESULT_RETRY, "retry" },
					  { GG_RESULT_COMPLETED, "completed" },
					  { GG_RESULT_OOM, "oom" },
					  { GG_RESULT_SIGBUS, "sigbus" },
					  { GG_RESULT_SIGSEGV, "sigsegv" },
					  { GG_RESULT_HWPOISON, "hwpoison" },
					  { GG_RESULT_FALLBACK, "fallback" },
					  { GG_RESULT_ERROR, "error" }),
			 __entry->vmf, __entry->node, __entry->fflags,
			 __entry->ptes, __entry->ptes_start, __entry->ptes_end),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(tlb_flush,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_tlb *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(u64, start)
				__field(u64, end)
				__field(u32, stride)
				__field(u8, freed)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->start = e->start;
			      __entry->end = e->end;
			      __entry->stride = e->stride;
			      __entry->freed = e->freed;),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx start=0x%llx end=0x%llx stride=%u freed=%u",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->start, __entry->end,
			 __entry->stride, __entry->freed),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(fork,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_fork *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(s32, child)
				__field(u8, thread)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->child = e->child;
			      __entry->thread = e->thread;),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx child=%d thread=%u",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->child, __entry->thread),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(exec,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_str *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__dynamic_array(char, filename, GG_TP_STR_LEN(e->len))),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      GG_TP_STR_ASSIGN(filename, e->s, e->len);),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx filename=%s",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __get_str(filename)),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(exit,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_exit *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__field(s32, code)
				__field(u8, group_dead)),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      __entry->code = e->code;
			      __entry->group_dead = e->group_dead;),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx code=%d group_dead=%u",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __entry->code, __entry->group_dead),
	       gg_trace_reg, gg_trace_unreg);

TRACE_EVENT_FN(marker,
	       TP_PROTO(const struct gg_hdr *h, const struct gg_ev_str *e),
	       TP_ARGS(h, e),
	       TP_STRUCT__entry(__field(u64, seq)
				__field(u64, ts)
				__field(u64, cr3)
				__field(u64, pgd)
				__field(s32, pid)
				__field(s32, tid)
				__dynamic_array(char, text, GG_TP_STR_LEN(e->len))),
	       TP_fast_assign(GG_TP_HDR_ASSIGN(h);
			      GG_TP_STR_ASSIGN(text, e->s, e->len);),
	       TP_printk("seq=%llu pid=%d tid=%d cr3=0x%llx pgd=0x%llx text=%s",
			 __entry->seq, __entry->pid, __entry->tid, __entry->cr3,
			 __entry->pgd, __get_str(text)),
	       gg_trace_reg, gg_trace_unreg);

#endif /* GOGROWTH_TRACE_H_EVENTS */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE gogrowth_trace
#include <trace/define_trace.h>
