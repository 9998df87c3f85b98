/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One gogrowth event line (Documentation/ABI.md, "Event lines") parsed into a struct.
 *
 * Parsing rules the ABI leaves open, decided here (see also userspace/README.md):
 *  - The common prefix keys (seq ts cpu pid tid cr3 pgd ev) may appear in any order, but the
 *    type-specific keys are only recognised after `ev=`; before it they count as unknown keys.
 *  - Unknown keys are ignored without looking at their value (forward compatibility), and so is
 *    a known key that does not belong to the line's event type (e.g. `count=` on a fault line).
 *  - An unknown `ev=` type is accepted as GG_EV_UNKNOWN (only the common prefix is checked), since
 *    the ABI may grow event types the same way it grows keys.
 *  - A key that appears twice on one line is an error ("duplicate key"), unless it is ignored.
 *  - Keys the ABI calls hex must be written `0x...` (upper- or lower-case digits); keys it calls
 *    decimal must not be. Keys whose base the ABI does not pin down (`len`, `old_len`, `new_len`,
 *    `pgoff`) accept both: `0x` means hex, otherwise decimal. `ret` is `-<decimal errno>`
 *    (1..4095) or a non-negative number in either base, for every event type.
 *  - Boolean keys (`anon`, `thread`, `freed`, `group_dead`) are exactly `0` or `1`.
 *  - Enumerated values (`access`, `origin`, `lock`, `level`, `trans`, `result`) must be one of the
 *    values the ABI lists; anything else is an error (the report counts by them).
 *  - `old_flags`/`new_flags` are exactly seven characters, each `-` or the letter of its position
 *    in "PWUADNH".
 *  - Strings (`file`, `filename`) are kept in their escaped form; raw bytes outside 0x21-0x7e,
 *    a raw `=`, or a `\` not followed by `xNN` are errors. An empty string is allowed.
 *  - `file=` is required when `anon=0` and forbidden when `anon=1`.
 *  - `marker`'s `text=` takes the rest of the line verbatim, including spaces (may be empty).
 *  - Tokens are separated by one or more spaces; a token without `=` or with an empty key is an
 *    error. Parsing never reads outside [line, line + length) and never allocates.
 */
#ifndef GOGROWTH_EVENT_H
#define GOGROWTH_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gg_event_type {
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
	GG_EV_LOST,
	GG_EV_UNKNOWN, /* a type this tool does not know yet: only the common prefix is valid */
	GG_EV_TYPE_COUNT
};

enum gg_access { GG_ACCESS_READ, GG_ACCESS_WRITE, GG_ACCESS_EXEC, GG_ACCESS_COUNT };
enum gg_origin { GG_ORIGIN_USER, GG_ORIGIN_KERNEL, GG_ORIGIN_GUP, GG_ORIGIN_COUNT };
enum gg_lock { GG_LOCK_MMAP, GG_LOCK_VMA, GG_LOCK_COUNT };
/* GG_LEVEL_UNKNOWN: the module did not walk the page table after the fault (ABI.md, `fault`). */
enum gg_level {
	GG_LEVEL_PTE, GG_LEVEL_PMD, GG_LEVEL_PUD, GG_LEVEL_NONE, GG_LEVEL_UNKNOWN, GG_LEVEL_COUNT
};

enum gg_trans {
	GG_TRANS_NONE_TO_PRESENT,
	GG_TRANS_RO_TO_RW_COW,
	GG_TRANS_RO_TO_RW,
	GG_TRANS_PRESENT_TO_PRESENT,
	GG_TRANS_PRESENT_TO_NONE,
	GG_TRANS_NONE_TO_NONE,
	GG_TRANS_PRESENT_TO_PRESENT_NEWPFN,
	GG_TRANS_UNKNOWN, /* the after-state was not walked */
	GG_TRANS_COUNT
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
	GG_RESULT_COUNT
};

/* Bits of old_flags/new_flags, in the order of the seven characters "PWUADNH". */
enum gg_pte_flag {
	GG_PTE_PRESENT = 1u << 0,
	GG_PTE_WRITABLE = 1u << 1,
	GG_PTE_USER = 1u << 2,
	GG_PTE_ACCESSED = 1u << 3,
	GG_PTE_DIRTY = 1u << 4,
	GG_PTE_NOEXEC = 1u << 5,
	GG_PTE_HUGE = 1u << 6,
};

/* A byte range inside the parsed line (not NUL-terminated); valid while the line buffer is. */
struct gg_span {
	const char *ptr;
	size_t len;
};

/* `ret=`: a non-negative value (address or 0), or a failure with its errno (positive). */
struct gg_ret {
	bool failed;
	uint64_t value; /* the result when !failed, the errno when failed */
};

struct gg_fault {
	uint64_t addr, ip;
	enum gg_access access;
	enum gg_origin origin;
	enum gg_lock lock;
	enum gg_level level;
	uint64_t old_entry, new_entry;
	unsigned old_flags, new_flags; /* enum gg_pte_flag bits */
	uint64_t old_pfn, new_pfn;
	enum gg_trans trans;
	enum gg_result result;
	uint64_t vmf;
	int64_t node; /* -1 when nothing is mapped */
	uint64_t fflags;
	/*
	 * Entries at `level` the fault made present or changed, and the range they map. A line
	 * without these keys (recorded by an older module) counts as one entry at addr.
	 */
	bool has_ptes;
	uint64_t ptes, ptes_start, ptes_end;
};

/* Bytes one entry at @level maps. */
static inline uint64_t gg_level_bytes(enum gg_level level)
{
	return level == GG_LEVEL_PMD ? UINT64_C(1) << 21
	       : level == GG_LEVEL_PUD ? UINT64_C(1) << 30 : UINT64_C(1) << 12;
}

/* 4 KiB pages the fault made present or changed (a pmd entry is 512 of them). */
static inline uint64_t gg_fault_pages(const struct gg_fault *f)
{
	return f->ptes * (gg_level_bytes(f->level) >> 12);
}

/* What a line without ptes= stands for: its own entry. */
static inline void gg_fault_default_ptes(struct gg_fault *f)
{
	uint64_t size = gg_level_bytes(f->level);
	f->has_ptes = false;
	f->ptes = 1;
	f->ptes_start = f->addr & ~(size - 1);
	f->ptes_end = f->ptes_start + size;
}

struct gg_event {
	uint64_t seq, ts;
	uint32_t cpu, pid, tid;
	uint64_t cr3, pgd;
	enum gg_event_type type;
	struct gg_span type_name; /* the raw `ev=` value, useful for GG_EV_UNKNOWN */
	union {
		struct {
			uint64_t addr, len, prot, flags, pgoff;
			bool anon;
			struct gg_span file; /* escaped; empty when anon */
			struct gg_ret ret;
		} mmap;
		struct {
			uint64_t addr, len;
			struct gg_ret ret;
		} munmap;
		struct {
			uint64_t addr, old_len, new_len, flags, new_addr;
			struct gg_ret ret;
		} mremap;
		struct {
			uint64_t addr, len, prot;
			struct gg_ret ret;
		} mprotect;
		struct {
			uint64_t addr, len, advice;
			struct gg_ret ret;
		} madvise;
		struct {
			uint64_t brk;
			struct gg_ret ret;
		} brk;
		struct gg_fault fault;
		struct {
			uint64_t start, end;
			uint64_t stride;
			bool whole_mm; /* `pages=all` */
			uint64_t pages; /* 0 when whole_mm */
			bool freed;
		} tlb_flush;
		struct {
			uint32_t child;
			bool thread;
		} fork;
		struct {
			struct gg_span filename; /* escaped */
		} exec;
		struct {
			int64_t code;
			bool group_dead;
		} exit;
		struct {
			struct gg_span text; /* verbatim */
		} marker;
		struct {
			uint64_t count;
		} lost;
	};
};

struct gg_parse_error {
	char message[256]; /* what is wrong, naming the key; no file or line prefix */
};

/*
 * Parse one line (without its trailing newline) of `length` bytes. Returns 0 and fills *event,
 * or -1 and fills *error. *event may hold spans into `line`. Never allocates.
 */
int gg_parse_line(const char *line, size_t length, struct gg_event *event,
		  struct gg_parse_error *error);

/*
 * The fast path, for readers of millions of lines (`report`). It parses the layout the module
 * writes (keys in ABI order, one space between tokens) of the frequent event types (`fault`,
 * `tlb_flush`) with word-at-a-time scanning, and remembers recently seen runs of tokens (the
 * prefix after `ts=`, `access=.. level=..`, the fault's tail, ...) so a run that repeats byte for
 * byte is not parsed again. Anything it does not handle -- another type, another key order,
 * extra spaces, upper-case hex, an error -- goes to gg_parse_line(), so the accepted lines, the
 * values and the error messages are exactly those of gg_parse_line().
 *
 * The caller guarantees that GG_PARSE_PADDING bytes after line + length are readable and
 * initialised (their content does not matter: they never change the result).
 */
#define GG_PARSE_PADDING 96
#define GG_PARSE_MEMO_SLOTS 4

struct gg_parse_memo {
	uint64_t text[8];   /* the run's bytes, zero-padded */
	uint64_t mask[8];   /* which bytes of each word belong to the run */
	uint64_t values[5]; /* what the run parsed to (meaning depends on the run) */
	uint8_t length;     /* bytes, 0 = empty; includes the separating space unless last */
};

/* The memos of one run: tried most recently used first, replaced round robin. */
struct gg_parse_memo_set {
	struct gg_parse_memo slot[GG_PARSE_MEMO_SLOTS];
	uint8_t recent, next;
};

/* Private state of the fast path (memos); zero it with gg_parser_init(). */
struct gg_parser {
	struct gg_parse_memo_set prefix; /* cpu= .. pgd= */
	struct gg_parse_memo_set ip, fault_kind, old, flags, old_pfn, fault_tail, tlb_tail;
	uint64_t fast_lines, slow_lines; /* statistics */
};

void gg_parser_init(struct gg_parser *parser);
/* Like gg_parse_line(), with the padding guarantee above. */
int gg_parser_parse(struct gg_parser *parser, const char *line, size_t length,
		    struct gg_event *event, struct gg_parse_error *error);
/* The fast path alone (for tests and the fuzzer): 0 and *event filled, or 1 when it declines. */
int gg_parser_try_fast(struct gg_parser *parser, const char *line, size_t length,
		       struct gg_event *event);

/* ABI spellings, for output. */
const char *gg_event_type_name(enum gg_event_type type);
const char *gg_trans_name(enum gg_trans trans);
const char *gg_level_name(enum gg_level level);
const char *gg_result_name(enum gg_result result);
const char *gg_access_name(enum gg_access access);
const char *gg_origin_name(enum gg_origin origin);
const char *gg_lock_name(enum gg_lock lock);

#endif /* GOGROWTH_EVENT_H */
