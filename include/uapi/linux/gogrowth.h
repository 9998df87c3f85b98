/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * gogrowth's record: the one definition of an event that the module stores
 * in its ring, writes to /sys/kernel/debug/gogrowth/events_raw, and that
 * the gogrowth tool reads and keeps in its recordings. The text lines of
 * `events` and `events_pipe` are these records printed by one formatter
 * (module/format.c, compiled into the module and the tool alike).
 *
 * Documentation/ABI.md, "Binary records", says what every field means.
 *
 * On events_raw, a record is a struct gg_hdr, then gg_hdr.len payload
 * bytes (the member of union gg_payload named by gg_hdr.type, possibly
 * cut short after a string's last byte), then zero bytes up to the next
 * multiple of 8: GG_RECORD_SIZE(len) bytes in all. Fields are in the
 * host's byte order. A reader skips a record of a type it does not know by
 * its size, and a payload longer than the struct it knows holds fields
 * added later, which it ignores; one shorter holds zero for the rest.
 */
#ifndef _UAPI_LINUX_GOGROWTH_H
#define _UAPI_LINUX_GOGROWTH_H

#include <linux/types.h>

/*
 * Raised when a field changes meaning or moves; new fields at the end of a
 * payload and new event types do not raise it. Shown in `stats`.
 */
#define GG_RECORD_VERSION	1

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
	__u64 seq;
	__u64 ts;
	__u64 cr3;
	__u64 pgd;
	__s32 pid;
	__s32 tid;
	__u16 type;		/* enum gg_type */
	__u16 cpu;
	__u32 len;		/* payload bytes that follow */
};

struct gg_ev_lost {
	__u64 count;
};

struct gg_ev_mmap {
	__u64 addr;
	__u64 len;
	__u64 prot;
	__u64 flags;
	__u64 pgoff;
	__s64 ret;
	__u8 anon;
	__u8 pad;
	__u16 name_len;
	char name[GG_STR_MAX];
};

struct gg_ev_munmap {
	__u64 addr;
	__u64 len;
	__s64 ret;
};

struct gg_ev_mremap {
	__u64 addr;
	__u64 old_len;
	__u64 new_len;
	__u64 flags;
	__u64 new_addr;
	__s64 ret;
};

struct gg_ev_mprotect {
	__u64 addr;
	__u64 len;
	__u64 prot;
	__s64 ret;
};

struct gg_ev_madvise {
	__u64 addr;
	__u64 len;
	__s64 advice;
	__s64 ret;
};

struct gg_ev_brk {
	__u64 brk;
	__u64 ret;
};

enum gg_origin {
	GG_ORIGIN_USER,
	GG_ORIGIN_KERNEL,
	GG_ORIGIN_GUP,
	GG_ORIGIN_NR,
};

/* Page-table level: where a walk stopped (old_level, new_level), or shown. */
enum gg_level {
	GG_LVL_NONE,
	GG_LVL_PTE,
	GG_LVL_PMD,
	GG_LVL_PUD,
	GG_LVL_P4D,
	GG_LVL_PGD,
	GG_LVL_UNKNOWN,		/* not walked after the fault */
	GG_LVL_NR,
};

enum gg_access {
	GG_ACCESS_READ,
	GG_ACCESS_WRITE,
	GG_ACCESS_EXEC,
	GG_ACCESS_NR,
};

enum gg_lock {
	GG_LOCK_MMAP,
	GG_LOCK_VMA,
	GG_LOCK_NR,
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
	GG_TRANS_NR,
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
	GG_RESULT_NR,
};

/* Bits of old_flags/new_flags, in the order of the text's "PWUADNH". */
enum gg_pte_flag {
	GG_PTE_PRESENT = 1 << 0,
	GG_PTE_WRITABLE = 1 << 1,
	GG_PTE_USER = 1 << 2,
	GG_PTE_ACCESSED = 1 << 3,
	GG_PTE_DIRTY = 1 << 4,
	GG_PTE_NOEXEC = 1 << 5,
	GG_PTE_HUGE = 1 << 6,
};

/*
 * What a fault did, derived from its raw values by the reader, in process
 * context: the probe never fills it, and the ring does not store it.
 * events_raw always delivers it.
 */
struct gg_fault_decoded {
	__u64 old_pfn;
	__u64 new_pfn;
	__u8 access;		/* enum gg_access, from fflags */
	__u8 lock;		/* enum gg_lock, from fflags */
	__u8 level;		/* enum gg_level: the text's level= */
	__u8 trans;		/* enum gg_trans */
	__u8 result;		/* enum gg_result, from vmf */
	__u8 old_flags;		/* enum gg_pte_flag bits */
	__u8 new_flags;
	__u8 pad;
};

/*
 * The most entries one fault makes present or changes at one level: the
 * handler counts them within one page table (512 entries of 8 bytes in a
 * 4 KiB table on x86-64); a pmd or pud fault is one entry.
 */
#define GG_FAULT_PTES_MAX	512

struct gg_ev_fault {
	__u64 addr;
	__u64 ip;
	__u64 old;		/* raw entry before the fault */
	__u64 new;		/* raw entry after it */
	__u64 ptes_start;
	__u64 ptes_end;
	__u32 ptes;		/* at most GG_FAULT_PTES_MAX */
	__u32 fflags;		/* the kernel's FAULT_FLAG_* */
	__u32 vmf;		/* the kernel's VM_FAULT_* */
	__s32 node;
	__u8 origin;		/* enum gg_origin */
	__u8 old_level;		/* enum gg_level */
	__u8 new_level;
	__u8 pad;
	struct gg_fault_decoded d;
};

/* Payload bytes of a fault as the probe stores it: without the decoding. */
#define GG_FAULT_RAW_LEN	((__u32)(unsigned long)&((struct gg_ev_fault *)0)->d)

/* tlb_flush's end for "the whole address space" (the kernel's TLB_FLUSH_ALL). */
#define GG_TLB_FLUSH_ALL	(~(__u64)0)

struct gg_ev_tlb {
	__u64 start;
	__u64 end;
	__u32 stride;		/* log2 of the flush granule */
	__u8 freed;		/* page tables were freed */
};

struct gg_ev_fork {
	__s32 child;
	__u8 thread;
};

struct gg_ev_str {
	__u16 len;
	char s[GG_STR_MAX];
};

struct gg_ev_exit {
	__s32 code;
	__u8 group_dead;
};

union gg_payload {
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
};

struct gg_rec {
	struct gg_hdr h;
	union gg_payload u;
};

/* Bytes one record takes on events_raw, for a payload of @len bytes. */
#define GG_RECORD_SIZE(len)	((sizeof(struct gg_hdr) + (len) + 7) & ~(__u64)7)

#endif /* _UAPI_LINUX_GOGROWTH_H */
