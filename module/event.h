/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary layout of one record in the ring. Probes store raw values only;
 * everything a human reads is derived in format.c when the ring is read.
 */
#ifndef GOGROWTH_EVENT_H
#define GOGROWTH_EVENT_H

#include <linux/types.h>

enum gg_type {
	GG_EV_LOST,
	GG_EV_MMAP,
	GG_EV_MUNMAP,
	GG_EV_MREMAP,
	GG_EV_MPROTECT,
	GG_EV_MADVISE,
	GG_EV_BRK,
	GG_EV_FAULT,
	GG_EV_TLB_FLUSH,
	GG_EV_FORK,
	GG_EV_EXEC,
	GG_EV_EXIT,
	GG_EV_MARKER,
	GG_EV_NR,
};

/* Longest string kept in a record (file name, exec path, marker text). */
#define GG_STR_MAX	256

/* Longest formatted line, with every string byte escaped to \xNN. */
#define GG_LINE_MAX	(512 + 4 * GG_STR_MAX)

struct gg_hdr {
	u64 seq;
	u64 ts;
	u64 cr3;
	u64 pgd;
	s32 pid;
	s32 tid;
	u16 type;
	u16 cpu;
	u32 len;		/* payload bytes that follow */
};

struct gg_ev_lost {
	u64 count;
};

struct gg_ev_mmap {
	u64 addr;
	u64 len;
	u64 prot;
	u64 flags;
	u64 pgoff;
	s64 ret;
	u8 anon;
	u8 pad;
	u16 name_len;
	char name[GG_STR_MAX];
};

struct gg_ev_munmap {
	u64 addr;
	u64 len;
	s64 ret;
};

struct gg_ev_mremap {
	u64 addr;
	u64 old_len;
	u64 new_len;
	u64 flags;
	u64 new_addr;
	s64 ret;
};

struct gg_ev_mprotect {
	u64 addr;
	u64 len;
	u64 prot;
	s64 ret;
};

struct gg_ev_madvise {
	u64 addr;
	u64 len;
	s64 advice;
	s64 ret;
};

struct gg_ev_brk {
	u64 brk;
	u64 ret;
};

enum gg_origin {
	GG_ORIGIN_USER,
	GG_ORIGIN_KERNEL,
	GG_ORIGIN_GUP,
};

/* Page-table level at which a walk stopped; see pgwalk.c. */
enum gg_level {
	GG_LVL_NONE,
	GG_LVL_PTE,
	GG_LVL_PMD,
	GG_LVL_PUD,
	GG_LVL_P4D,
	GG_LVL_PGD,
	GG_LVL_UNKNOWN,		/* not walked: see probe_fault.c */
};

/*
 * What a fault did, decoded from its raw values: the names of each value
 * are in format.c (the event line) and gogrowth_trace.h (the print format).
 */
enum gg_access {
	GG_ACCESS_READ,
	GG_ACCESS_WRITE,
	GG_ACCESS_EXEC,
};

enum gg_lock {
	GG_LOCK_MMAP,
	GG_LOCK_VMA,
};

enum gg_trans {
	GG_TRANS_UNKNOWN,
	GG_TRANS_NONE_NONE,
	GG_TRANS_NONE_PRESENT,
	GG_TRANS_PRESENT_NONE,
	GG_TRANS_RO_RW_COW,
	GG_TRANS_NEWPFN,
	GG_TRANS_RO_RW,
	GG_TRANS_PRESENT,
};

enum gg_result {
	GG_RESULT_MINOR,
	GG_RESULT_MAJOR,
	GG_RESULT_RETRY,
	GG_RESULT_COMPLETED,
	GG_RESULT_OOM,
	GG_RESULT_SIGBUS,
	GG_RESULT_SIGSEGV,
	GG_RESULT_HWPOISON,
	GG_RESULT_FALLBACK,
	GG_RESULT_ERROR,
};

struct gg_ev_fault {
	u64 addr;
	u64 ip;
	u64 old;
	u64 new;
	u64 ptes_start;
	u64 ptes_end;
	u32 ptes;
	u32 fflags;
	u32 vmf;
	s32 node;
	u8 origin;
	u8 old_level;
	u8 new_level;
	u8 pad;
};

struct gg_ev_tlb {
	u64 start;
	u64 end;
	u32 stride;
	u8 freed;
};

struct gg_ev_fork {
	s32 child;
	u8 thread;
};

struct gg_ev_str {
	u16 len;
	char s[GG_STR_MAX];
};

struct gg_ev_exit {
	s32 code;
	u8 group_dead;
};

struct gg_rec {
	struct gg_hdr h;
	union {
		struct gg_ev_lost lost;
		struct gg_ev_mmap mmap;
		struct gg_ev_munmap munmap;
		struct gg_ev_mremap mremap;
		struct gg_ev_mprotect mprotect;
		struct gg_ev_madvise madvise;
		struct gg_ev_brk brk;
		struct gg_ev_fault fault;
		struct gg_ev_tlb tlb;
		struct gg_ev_fork fork;
		struct gg_ev_str exec;
		struct gg_ev_exit exit;
		struct gg_ev_str marker;
	} u;
};

/* Bytes of a string-carrying payload actually stored for @len characters. */
#define GG_STR_PAYLOAD(type, field, len)	(offsetof(type, field) + (len))

#endif /* GOGROWTH_EVENT_H */
