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

/*
 * Event types and enumerated values are the module's: <linux/gogrowth.h> (include/uapi), with
 * their ABI names from the formatter the module and this tool share (module/format.c).
 */
#include <linux/gogrowth.h>

#include "../module/format.h"

/* A type this tool does not know yet: only the common prefix is valid. */
#define GG_EV_UNKNOWN GG_EV_NR
#define GG_EV_TYPE_COUNT (GG_EV_NR + 1)

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
	return level == GG_LVL_PMD ? UINT64_C(1) << 21
	       : level == GG_LVL_PUD ? UINT64_C(1) << 30 : UINT64_C(1) << 12;
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
	enum gg_type type;
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
			/* no byte of text needs escaping to be shown: learnt where text was scanned */
			bool text_plain;
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
 * The names a line may carry for each enumerated fault key, indexed by the shared enums; NULL:
 * a value never written on a line, which both parsers refuse (the module's formatter names more,
 * p4d and pgd, which no fault reaches).
 */
extern const char *const gg_line_access_names[GG_ACCESS_NR];
extern const char *const gg_line_origin_names[GG_ORIGIN_NR];
extern const char *const gg_line_lock_names[GG_LOCK_NR];
extern const char *const gg_line_level_names[GG_LVL_NR];
extern const char *const gg_line_trans_names[GG_TRANS_NR];
extern const char *const gg_line_result_names[GG_RESULT_NR];

/*
 * Parse one line (without its trailing newline) of `length` bytes. Returns 0 and fills *event,
 * or -1 and fills *error. *event may hold spans into `line`. Never allocates.
 */
int gg_parse_line(const char *line, size_t length, struct gg_event *event,
		  struct gg_parse_error *error);

/*
 * The fast path, for readers of millions of lines (`report`, `plot`). It parses the layout the
 * module writes (keys in ABI order, one space between tokens) of the frequent event types
 * (`fault`, `tlb_flush`, `marker`, `mmap`) with 16- and 8-byte-at-a-time scanning, and remembers
 * recently seen runs of tokens (cpu= .. pgd=, `access= .. level=`, the fault's tail, ...) so a
 * run that repeats byte for byte is not parsed again. Anything it does not handle -- another
 * type, another key order, extra spaces, upper-case hex, an error -- goes to gg_parse_line(), so
 * the accepted lines, the values and the error messages are exactly those of gg_parse_line().
 *
 * The caller guarantees that GG_PARSE_PADDING bytes after line + length (after limit, for
 * gg_parser_next_line) are readable and initialised (their content does not matter: they never
 * change the result).
 */
#define GG_PARSE_PADDING 96
#define GG_PARSE_MEMO_SLOTS 4

struct gg_parse_memo {
	_Alignas(16) char text[80]; /* the run's bytes, zeros after them */
	_Alignas(16) char beyond[80]; /* 0xff for each byte past the run, which is not compared */
	uint64_t values[6]; /* what the run parsed to (meaning depends on the run) */
	uint8_t length;     /* bytes (16 to 80), 0 = empty; includes the separating space */
};

/* The memos of one run: tried most recently used first, replaced round robin. */
struct gg_parse_memo_set {
	struct gg_parse_memo slot[GG_PARSE_MEMO_SLOTS];
	uint8_t recent, next;
};

/* Private state of the fast path (memos); zero it with gg_parser_init(). */
struct gg_parser {
	struct gg_parse_memo_set prefix;     /* cpu= .. pgd= */
	struct gg_parse_memo_set fault_kind; /* access= .. level= old= */
	struct gg_parse_memo_set flags;      /* old_flags= new_flags= old_pfn= */
	struct gg_parse_memo_set fault_tail; /* trans= .. fflags= ptes= */
	struct gg_parse_memo_set tlb_middle; /* stride= pages= */
	uint64_t fast_lines, slow_lines; /* statistics */
};

void gg_parser_init(struct gg_parser *parser);
/* Like gg_parse_line(), with the padding guarantee above. */
int gg_parser_parse(struct gg_parser *parser, const char *line, size_t length,
		    struct gg_event *event, struct gg_parse_error *error);
/* The fast path alone (for tests and the fuzzer): 0 and *event filled, or 1 when it declines. */
int gg_parser_try_fast(struct gg_parser *parser, const char *line, size_t length,
		       struct gg_event *event);
/*
 * The fast path on the next line of a stream's data [data, limit), whose end it finds: 0 with
 * *event filled and *length the line's length (the '\n' at data + *length), or 1 when it
 * declines (also when no '\n' comes before limit); the caller then splits the line itself and
 * gives it to gg_parser_parse().
 */
int gg_parser_next_line(struct gg_parser *parser, const char *data, const char *limit,
			struct gg_event *event, size_t *length);

/*
 * The order in which reports, legends and tables list transitions and levels (the enums' own
 * order is the module's): the most common first. Levels p4d and pgd never appear on a line.
 */
#define GG_LEVEL_SHOWN_COUNT 5
extern const enum gg_trans gg_trans_display_order[GG_TRANS_NR];
extern const enum gg_level gg_level_display_order[GG_LEVEL_SHOWN_COUNT];

/* ABI spelling of an event type, GG_EV_UNKNOWN included ("(unknown)"). */
const char *gg_event_type_name(enum gg_type type);

#endif /* GOGROWTH_EVENT_H */
