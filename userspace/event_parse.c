// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for one event line. The rules are listed in event.h.
 *
 * Why it looks like this: `report` runs this on millions of lines, so it is one pass over the
 * bytes with a hand-written key switch and digit loops (no sscanf, no strtoull, no allocation).
 * Values land in a per-key slot first and are copied into the typed struct once the line is
 * complete, because the required-key check needs to see the whole line anyway.
 */
#include "escape_text.h"
#include "event.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Every key the ABI names, across all event types. At most 64 so a seen-set fits one uint64_t. */
enum gg_key {
	KEY_SEQ, KEY_TS, KEY_CPU, KEY_PID, KEY_TID, KEY_CR3, KEY_PGD, KEY_EV,
	KEY_ADDR, KEY_LEN, KEY_PROT, KEY_FLAGS, KEY_PGOFF, KEY_ANON, KEY_FILE, KEY_RET,
	KEY_OLD_LEN, KEY_NEW_LEN, KEY_NEW_ADDR, KEY_ADVICE, KEY_BRK,
	KEY_IP, KEY_ACCESS, KEY_ORIGIN, KEY_LOCK, KEY_LEVEL, KEY_OLD, KEY_NEW,
	KEY_OLD_FLAGS, KEY_NEW_FLAGS, KEY_OLD_PFN, KEY_NEW_PFN, KEY_TRANS, KEY_RESULT,
	KEY_VMF, KEY_NODE, KEY_FFLAGS, KEY_PTES, KEY_PTES_START, KEY_PTES_END,
	KEY_START, KEY_END, KEY_STRIDE, KEY_PAGES, KEY_FREED,
	KEY_CHILD, KEY_THREAD, KEY_FILENAME, KEY_CODE, KEY_GROUP_DEAD, KEY_TEXT, KEY_COUNT,
	KEY_TOTAL,
	KEY_UNKNOWN = -1
};

_Static_assert(KEY_TOTAL <= 64, "the seen-key set is one uint64_t");
_Static_assert(GG_FAULT_PTES_MAX == 512, "the message for a 'ptes' out of range names 512");

#define BIT(key) (UINT64_C(1) << (key))

static const char *const key_names[KEY_TOTAL] = {
	"seq", "ts", "cpu", "pid", "tid", "cr3", "pgd", "ev",
	"addr", "len", "prot", "flags", "pgoff", "anon", "file", "ret",
	"old_len", "new_len", "new_addr", "advice", "brk",
	"ip", "access", "origin", "lock", "level", "old", "new",
	"old_flags", "new_flags", "old_pfn", "new_pfn", "trans", "result",
	"vmf", "node", "fflags", "ptes", "ptes_start", "ptes_end",
	"start", "end", "stride", "pages", "freed",
	"child", "thread", "filename", "code", "group_dead", "text", "count",
};

/* How a key's value is written. */
enum value_kind {
	VALUE_DEC,      /* unsigned decimal */
	VALUE_DEC32,    /* unsigned decimal that fits 32 bits (cpu, pids) */
	VALUE_HEX,      /* 0x + hex digits */
	VALUE_ANY_BASE, /* 0x + hex, or decimal: the ABI does not say which */
	VALUE_SIGNED,   /* optional '-' then decimal */
	VALUE_RET,      /* -errno (decimal), or a non-negative number in either base */
	VALUE_BOOL,     /* 0 or 1 */
	VALUE_STRING,   /* escaped string, may be empty */
	VALUE_PTE_FLAGS,/* seven characters of "PWUADNH" or '-' */
	VALUE_PAGES,    /* decimal or "all" */
	VALUE_ENUM,     /* one of the names in enum_tables[key] */
	VALUE_TYPE,     /* ev= */
	VALUE_TEXT,     /* rest of the line */
};

static const unsigned char key_kinds[KEY_TOTAL] = {
	[KEY_SEQ] = VALUE_DEC, [KEY_TS] = VALUE_DEC, [KEY_CPU] = VALUE_DEC32,
	[KEY_PID] = VALUE_DEC32, [KEY_TID] = VALUE_DEC32, [KEY_CR3] = VALUE_HEX,
	[KEY_PGD] = VALUE_HEX, [KEY_EV] = VALUE_TYPE,
	[KEY_ADDR] = VALUE_HEX, [KEY_LEN] = VALUE_ANY_BASE, [KEY_PROT] = VALUE_HEX,
	[KEY_FLAGS] = VALUE_HEX, [KEY_PGOFF] = VALUE_ANY_BASE, [KEY_ANON] = VALUE_BOOL,
	[KEY_FILE] = VALUE_STRING, [KEY_RET] = VALUE_RET,
	[KEY_OLD_LEN] = VALUE_ANY_BASE, [KEY_NEW_LEN] = VALUE_ANY_BASE, [KEY_NEW_ADDR] = VALUE_HEX,
	[KEY_ADVICE] = VALUE_DEC, [KEY_BRK] = VALUE_HEX,
	[KEY_IP] = VALUE_HEX, [KEY_ACCESS] = VALUE_ENUM, [KEY_ORIGIN] = VALUE_ENUM,
	[KEY_LOCK] = VALUE_ENUM, [KEY_LEVEL] = VALUE_ENUM, [KEY_OLD] = VALUE_HEX,
	[KEY_NEW] = VALUE_HEX, [KEY_OLD_FLAGS] = VALUE_PTE_FLAGS, [KEY_NEW_FLAGS] = VALUE_PTE_FLAGS,
	[KEY_OLD_PFN] = VALUE_HEX, [KEY_NEW_PFN] = VALUE_HEX, [KEY_TRANS] = VALUE_ENUM,
	[KEY_RESULT] = VALUE_ENUM, [KEY_VMF] = VALUE_HEX, [KEY_NODE] = VALUE_SIGNED,
	[KEY_FFLAGS] = VALUE_HEX, [KEY_PTES] = VALUE_DEC, [KEY_PTES_START] = VALUE_HEX,
	[KEY_PTES_END] = VALUE_HEX,
	[KEY_START] = VALUE_HEX, [KEY_END] = VALUE_HEX, [KEY_STRIDE] = VALUE_DEC,
	[KEY_PAGES] = VALUE_PAGES, [KEY_FREED] = VALUE_BOOL,
	[KEY_CHILD] = VALUE_DEC32, [KEY_THREAD] = VALUE_BOOL, [KEY_FILENAME] = VALUE_STRING,
	[KEY_CODE] = VALUE_SIGNED, [KEY_GROUP_DEAD] = VALUE_BOOL, [KEY_TEXT] = VALUE_TEXT,
	[KEY_COUNT] = VALUE_DEC,
};

#define COMMON_KEYS (BIT(KEY_SEQ) | BIT(KEY_TS) | BIT(KEY_CPU) | BIT(KEY_PID) | BIT(KEY_TID) | \
		     BIT(KEY_CR3) | BIT(KEY_PGD) | BIT(KEY_EV))

static const uint64_t required_keys[GG_EV_TYPE_COUNT] = {
	[GG_EV_MMAP] = BIT(KEY_ADDR) | BIT(KEY_LEN) | BIT(KEY_PROT) | BIT(KEY_FLAGS) |
		       BIT(KEY_PGOFF) | BIT(KEY_ANON) | BIT(KEY_RET),
	[GG_EV_MUNMAP] = BIT(KEY_ADDR) | BIT(KEY_LEN) | BIT(KEY_RET),
	[GG_EV_MREMAP] = BIT(KEY_ADDR) | BIT(KEY_OLD_LEN) | BIT(KEY_NEW_LEN) | BIT(KEY_FLAGS) |
			 BIT(KEY_NEW_ADDR) | BIT(KEY_RET),
	[GG_EV_MPROTECT] = BIT(KEY_ADDR) | BIT(KEY_LEN) | BIT(KEY_PROT) | BIT(KEY_RET),
	[GG_EV_MADVISE] = BIT(KEY_ADDR) | BIT(KEY_LEN) | BIT(KEY_ADVICE) | BIT(KEY_RET),
	[GG_EV_BRK] = BIT(KEY_BRK) | BIT(KEY_RET),
	[GG_EV_FAULT] = BIT(KEY_ADDR) | BIT(KEY_IP) | BIT(KEY_ACCESS) | BIT(KEY_ORIGIN) |
			BIT(KEY_LOCK) | BIT(KEY_LEVEL) | BIT(KEY_OLD) | BIT(KEY_NEW) |
			BIT(KEY_OLD_FLAGS) | BIT(KEY_NEW_FLAGS) | BIT(KEY_OLD_PFN) |
			BIT(KEY_NEW_PFN) | BIT(KEY_TRANS) | BIT(KEY_RESULT) | BIT(KEY_VMF) |
			BIT(KEY_NODE) | BIT(KEY_FFLAGS),
	[GG_EV_TLB_FLUSH] = BIT(KEY_START) | BIT(KEY_END) | BIT(KEY_STRIDE) | BIT(KEY_PAGES) |
			    BIT(KEY_FREED),
	[GG_EV_FORK] = BIT(KEY_CHILD) | BIT(KEY_THREAD),
	[GG_EV_EXEC] = BIT(KEY_FILENAME),
	[GG_EV_EXIT] = BIT(KEY_CODE) | BIT(KEY_GROUP_DEAD),
	[GG_EV_MARKER] = BIT(KEY_TEXT),
	[GG_EV_LOST] = BIT(KEY_COUNT),
	[GG_EV_UNKNOWN] = 0,
};

/* Keys a type may carry besides its required ones (checked separately). */
static const uint64_t optional_keys[GG_EV_TYPE_COUNT] = {
	[GG_EV_MMAP] = BIT(KEY_FILE),
	/* Recordings of modules before multi-page faults were counted lack these. */
	[GG_EV_FAULT] = BIT(KEY_PTES) | BIT(KEY_PTES_START) | BIT(KEY_PTES_END),
};

struct name_table {
	const char *const *names;
	const unsigned char *lengths;
	unsigned count;
};

#define LENGTH(text) (sizeof(text) - 1)

/*
 * The names the module prints (module/format.c): indexed by the shared enums. A NULL name is a
 * value the ABI never writes on a line (levels p4d and pgd), so the parser refuses it.
 */
static const char *const type_names[GG_EV_TYPE_COUNT] = {
	[GG_EV_LOST] = "lost", [GG_EV_MMAP] = "mmap", [GG_EV_MUNMAP] = "munmap",
	[GG_EV_MREMAP] = "mremap", [GG_EV_MPROTECT] = "mprotect", [GG_EV_MADVISE] = "madvise",
	[GG_EV_BRK] = "brk", [GG_EV_FAULT] = "fault", [GG_EV_TLB_FLUSH] = "tlb_flush",
	[GG_EV_FORK] = "fork", [GG_EV_EXEC] = "exec", [GG_EV_EXIT] = "exit",
	[GG_EV_MARKER] = "marker", [GG_EV_UNKNOWN] = "(unknown)",
};
static const unsigned char type_name_lengths[GG_EV_TYPE_COUNT] = {
	[GG_EV_LOST] = LENGTH("lost"), [GG_EV_MMAP] = LENGTH("mmap"),
	[GG_EV_MUNMAP] = LENGTH("munmap"), [GG_EV_MREMAP] = LENGTH("mremap"),
	[GG_EV_MPROTECT] = LENGTH("mprotect"), [GG_EV_MADVISE] = LENGTH("madvise"),
	[GG_EV_BRK] = LENGTH("brk"), [GG_EV_FAULT] = LENGTH("fault"),
	[GG_EV_TLB_FLUSH] = LENGTH("tlb_flush"), [GG_EV_FORK] = LENGTH("fork"),
	[GG_EV_EXEC] = LENGTH("exec"), [GG_EV_EXIT] = LENGTH("exit"),
	[GG_EV_MARKER] = LENGTH("marker"), [GG_EV_UNKNOWN] = LENGTH("(unknown)"),
};
const char *const gg_line_access_names[GG_ACCESS_NR] = {
	[GG_ACCESS_READ] = "read", [GG_ACCESS_WRITE] = "write", [GG_ACCESS_EXEC] = "exec",
};
const char *const gg_line_origin_names[GG_ORIGIN_NR] = {
	[GG_ORIGIN_USER] = "user", [GG_ORIGIN_KERNEL] = "kernel", [GG_ORIGIN_GUP] = "gup",
};
const char *const gg_line_lock_names[GG_LOCK_NR] = {
	[GG_LOCK_MMAP] = "mmap", [GG_LOCK_VMA] = "vma",
};
const char *const gg_line_level_names[GG_LVL_NR] = {
	[GG_LVL_PTE] = "pte", [GG_LVL_PMD] = "pmd", [GG_LVL_PUD] = "pud", [GG_LVL_NONE] = "none",
	[GG_LVL_UNKNOWN] = "unknown",
};
const char *const gg_line_trans_names[GG_TRANS_NR] = {
	[GG_TRANS_NONE_PRESENT] = "none->present", [GG_TRANS_RO_RW_COW] = "ro->rw-cow",
	[GG_TRANS_RO_RW] = "ro->rw", [GG_TRANS_PRESENT] = "present->present",
	[GG_TRANS_PRESENT_NONE] = "present->none", [GG_TRANS_NONE_NONE] = "none->none",
	[GG_TRANS_NEWPFN] = "present->present-newpfn", [GG_TRANS_UNKNOWN] = "unknown",
};
const char *const gg_line_result_names[GG_RESULT_NR] = {
	[GG_RESULT_MINOR] = "minor", [GG_RESULT_MAJOR] = "major", [GG_RESULT_RETRY] = "retry",
	[GG_RESULT_COMPLETED] = "completed", [GG_RESULT_OOM] = "oom",
	[GG_RESULT_SIGBUS] = "sigbus", [GG_RESULT_SIGSEGV] = "sigsegv",
	[GG_RESULT_HWPOISON] = "hwpoison", [GG_RESULT_FALLBACK] = "fallback",
	[GG_RESULT_ERROR] = "error",
};

/* Filled from the names by build_name_lengths(): 0 for a NULL name. */
static unsigned char access_lengths[GG_ACCESS_NR], origin_lengths[GG_ORIGIN_NR],
	lock_lengths[GG_LOCK_NR], level_lengths[GG_LVL_NR], trans_lengths[GG_TRANS_NR],
	result_lengths[GG_RESULT_NR];

static const struct name_table enum_tables[KEY_TOTAL] = {
	[KEY_ACCESS] = { gg_line_access_names, access_lengths, GG_ACCESS_NR },
	[KEY_ORIGIN] = { gg_line_origin_names, origin_lengths, GG_ORIGIN_NR },
	[KEY_LOCK] = { gg_line_lock_names, lock_lengths, GG_LOCK_NR },
	[KEY_LEVEL] = { gg_line_level_names, level_lengths, GG_LVL_NR },
	[KEY_TRANS] = { gg_line_trans_names, trans_lengths, GG_TRANS_NR },
	[KEY_RESULT] = { gg_line_result_names, result_lengths, GG_RESULT_NR },
};

static void set_lengths(const char *const *names, unsigned char *lengths, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		lengths[i] = names[i] ? (unsigned char)strlen(names[i]) : 0;
}

static void build_name_lengths(void)
{
	set_lengths(gg_line_access_names, access_lengths, GG_ACCESS_NR);
	set_lengths(gg_line_origin_names, origin_lengths, GG_ORIGIN_NR);
	set_lengths(gg_line_lock_names, lock_lengths, GG_LOCK_NR);
	set_lengths(gg_line_level_names, level_lengths, GG_LVL_NR);
	set_lengths(gg_line_trans_names, trans_lengths, GG_TRANS_NR);
	set_lengths(gg_line_result_names, result_lengths, GG_RESULT_NR);
}

const enum gg_trans gg_trans_display_order[GG_TRANS_NR] = {
	GG_TRANS_NONE_PRESENT, GG_TRANS_RO_RW_COW, GG_TRANS_RO_RW,    GG_TRANS_PRESENT,
	GG_TRANS_PRESENT_NONE, GG_TRANS_NONE_NONE, GG_TRANS_NEWPFN, GG_TRANS_UNKNOWN,
};
const enum gg_level gg_level_display_order[GG_LEVEL_SHOWN_COUNT] = {
	GG_LVL_PTE, GG_LVL_PMD, GG_LVL_PUD, GG_LVL_NONE, GG_LVL_UNKNOWN,
};

const char *gg_event_type_name(enum gg_type type)
{
	return (unsigned)type < GG_EV_TYPE_COUNT ? type_names[type] : "?";
}

static bool span_is(const char *p, size_t n, const char *word, size_t word_len)
{
	return n == word_len && memcmp(p, word, n) == 0;
}

#define IS(word) span_is(key, n, word, sizeof(word) - 1)

/* The key switch: dispatch on length first so each candidate is one fixed-size compare. */
static enum gg_key lookup_key(const char *key, size_t n)
{
	switch (n) {
	case 2:
		if (IS("ts")) return KEY_TS;
		if (IS("ev")) return KEY_EV;
		if (IS("ip")) return KEY_IP;
		break;
	case 3:
		if (IS("seq")) return KEY_SEQ;
		if (IS("cpu")) return KEY_CPU;
		if (IS("pid")) return KEY_PID;
		if (IS("tid")) return KEY_TID;
		if (IS("cr3")) return KEY_CR3;
		if (IS("pgd")) return KEY_PGD;
		if (IS("len")) return KEY_LEN;
		if (IS("ret")) return KEY_RET;
		if (IS("old")) return KEY_OLD;
		if (IS("new")) return KEY_NEW;
		if (IS("vmf")) return KEY_VMF;
		if (IS("end")) return KEY_END;
		if (IS("brk")) return KEY_BRK;
		break;
	case 4:
		if (IS("addr")) return KEY_ADDR;
		if (IS("lock")) return KEY_LOCK;
		if (IS("ptes")) return KEY_PTES;
		if (IS("node")) return KEY_NODE;
		if (IS("prot")) return KEY_PROT;
		if (IS("anon")) return KEY_ANON;
		if (IS("file")) return KEY_FILE;
		if (IS("code")) return KEY_CODE;
		if (IS("text")) return KEY_TEXT;
		break;
	case 5:
		if (IS("level")) return KEY_LEVEL;
		if (IS("trans")) return KEY_TRANS;
		if (IS("flags")) return KEY_FLAGS;
		if (IS("pgoff")) return KEY_PGOFF;
		if (IS("start")) return KEY_START;
		if (IS("pages")) return KEY_PAGES;
		if (IS("freed")) return KEY_FREED;
		if (IS("child")) return KEY_CHILD;
		if (IS("count")) return KEY_COUNT;
		break;
	case 6:
		if (IS("access")) return KEY_ACCESS;
		if (IS("origin")) return KEY_ORIGIN;
		if (IS("result")) return KEY_RESULT;
		if (IS("fflags")) return KEY_FFLAGS;
		if (IS("advice")) return KEY_ADVICE;
		if (IS("stride")) return KEY_STRIDE;
		if (IS("thread")) return KEY_THREAD;
		break;
	case 7:
		if (IS("old_pfn")) return KEY_OLD_PFN;
		if (IS("new_pfn")) return KEY_NEW_PFN;
		if (IS("old_len")) return KEY_OLD_LEN;
		if (IS("new_len")) return KEY_NEW_LEN;
		break;
	case 8:
		if (IS("new_addr")) return KEY_NEW_ADDR;
		if (IS("filename")) return KEY_FILENAME;
		if (IS("ptes_end")) return KEY_PTES_END;
		break;
	case 9:
		if (IS("old_flags")) return KEY_OLD_FLAGS;
		if (IS("new_flags")) return KEY_NEW_FLAGS;
		break;
	case 10:
		if (IS("group_dead")) return KEY_GROUP_DEAD;
		if (IS("ptes_start")) return KEY_PTES_START;
		break;
	}
	return KEY_UNKNOWN;
}

#undef IS

static enum gg_type lookup_type(const char *p, size_t n)
{
	for (unsigned t = 0; t < GG_EV_UNKNOWN; t++)
		if (n == type_name_lengths[t] && memcmp(p, type_names[t], n) == 0)
			return (enum gg_type)t;
	return GG_EV_UNKNOWN;
}

/* Hex digit value plus one, so that the zero default means "not a hex digit". */
static const unsigned char hex_digit_plus_one[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Why a value was rejected; turned into a message by fail_value(). */
enum value_problem {
	PROBLEM_NONE,
	PROBLEM_EMPTY,
	PROBLEM_BAD_DECIMAL,
	PROBLEM_BAD_HEX,
	PROBLEM_NEEDS_HEX,
	PROBLEM_NEEDS_DECIMAL,
	PROBLEM_OVERFLOW,
	PROBLEM_ERRNO_RANGE,
	PROBLEM_BAD_BOOL,
	PROBLEM_BAD_ENUM,
	PROBLEM_BAD_FLAGS,
	PROBLEM_BAD_STRING,
};

static const char *const problem_texts[] = {
	[PROBLEM_NONE] = "no problem",
	[PROBLEM_EMPTY] = "empty value",
	[PROBLEM_BAD_DECIMAL] = "bad decimal number",
	[PROBLEM_BAD_HEX] = "bad hex number",
	[PROBLEM_NEEDS_HEX] = "expected a hex number with 0x",
	[PROBLEM_NEEDS_DECIMAL] = "expected a decimal number, not hex",
	[PROBLEM_OVERFLOW] = "number out of range",
	[PROBLEM_ERRNO_RANGE] = "negative value is not an errno (-1..-4095)",
	[PROBLEM_BAD_BOOL] = "expected 0 or 1",
	[PROBLEM_BAD_ENUM] = "unknown value",
	[PROBLEM_BAD_FLAGS] = "expected seven characters of PWUADNH or '-'",
	[PROBLEM_BAD_STRING] = "bad string (raw byte outside 0x21-0x7e, raw '=' or bad \\xNN escape)",
};

/*
 * The number scanners stop at the first byte that is not a digit; the caller requires that byte
 * to be the token end, so "12ab" fails as a whole. *p is advanced past the digits.
 */
static enum value_problem scan_decimal(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t value = 0;

	if (s == end || *s == ' ')
		return PROBLEM_EMPTY;
	if (end - s >= 2 && s[0] == '0' && s[1] == 'x')
		return PROBLEM_NEEDS_DECIMAL;
	const char *first = s;
	for (; s < end; s++) {
		unsigned digit = (unsigned char)*s - '0';
		if (digit > 9)
			break;
		if (__builtin_mul_overflow(value, 10, &value) ||
		    __builtin_add_overflow(value, digit, &value))
			return PROBLEM_OVERFLOW;
	}
	if (s == first || (s < end && *s != ' '))
		return PROBLEM_BAD_DECIMAL;
	*p = s;
	*out = value;
	return PROBLEM_NONE;
}

static enum value_problem scan_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t value = 0;

	if (s == end || *s == ' ')
		return PROBLEM_EMPTY;
	if (end - s < 2 || s[0] != '0' || s[1] != 'x') {
		/* Say "needs 0x" only if it would have been a fine number with it. */
		for (; s < end && *s != ' '; s++)
			if (!hex_digit_plus_one[(unsigned char)*s])
				return PROBLEM_BAD_HEX;
		return PROBLEM_NEEDS_HEX;
	}
	s += 2;
	const char *first = s;
	for (; s < end; s++) {
		unsigned digit = hex_digit_plus_one[(unsigned char)*s];
		if (!digit)
			break;
		if (value >> 60)
			return PROBLEM_OVERFLOW;
		value = value << 4 | (digit - 1);
	}
	if (s == first || (s < end && *s != ' '))
		return PROBLEM_BAD_HEX;
	*p = s;
	*out = value;
	return PROBLEM_NONE;
}

static enum value_problem scan_any_base(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	if (end - s >= 2 && s[0] == '0' && s[1] == 'x')
		return scan_hex(p, end, out);
	return scan_decimal(p, end, out);
}

static enum value_problem scan_signed(const char **p, const char *end, int64_t *out)
{
	const char *s = *p;
	uint64_t magnitude;
	enum value_problem problem;

	if (s < end && *s == '-') {
		s++;
		if (s == end || *s == ' ')
			return PROBLEM_BAD_DECIMAL;
		problem = scan_decimal(&s, end, &magnitude);
		if (problem)
			return problem;
		if (magnitude > (uint64_t)INT64_MAX + 1)
			return PROBLEM_OVERFLOW;
		*out = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
	} else {
		problem = scan_decimal(&s, end, &magnitude);
		if (problem)
			return problem;
		if (magnitude > (uint64_t)INT64_MAX)
			return PROBLEM_OVERFLOW;
		*out = (int64_t)magnitude;
	}
	*p = s;
	return PROBLEM_NONE;
}

#define MAX_ERRNO 4095

static enum value_problem scan_ret(const char **p, const char *end, struct gg_ret *out)
{
	const char *s = *p;
	enum value_problem problem;

	if (s < end && *s == '-') {
		s++;
		if (s == end || *s == ' ')
			return PROBLEM_BAD_DECIMAL;
		problem = scan_decimal(&s, end, &out->value);
		if (problem)
			return problem;
		if (out->value == 0 || out->value > MAX_ERRNO)
			return PROBLEM_ERRNO_RANGE;
		out->failed = true;
	} else {
		problem = scan_any_base(&s, end, &out->value);
		if (problem)
			return problem;
		out->failed = false;
	}
	*p = s;
	return PROBLEM_NONE;
}

/* A loop, not memchr: tokens are short, and the call would cost more than the scan. */
static const char *token_end(const char *p, const char *end)
{
	while (p < end && *p != ' ')
		p++;
	return p;
}

static enum value_problem check_string(const char *s, const char *end)
{
	while (s < end) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x21 || c > 0x7e || c == '=')
			return PROBLEM_BAD_STRING;
		if (c == '\\') {
			if (end - s < 4 || s[1] != 'x' || !hex_digit_plus_one[(unsigned char)s[2]] ||
			    !hex_digit_plus_one[(unsigned char)s[3]])
				return PROBLEM_BAD_STRING;
			s += 4;
		} else {
			s++;
		}
	}
	return PROBLEM_NONE;
}

static enum value_problem check_pte_flags(const char *s, size_t n, unsigned *out)
{
	static const char letters[] = "PWUADNH";
	unsigned flags = 0;

	if (n != 7)
		return PROBLEM_BAD_FLAGS;
	for (unsigned i = 0; i < 7; i++) {
		if (s[i] == letters[i])
			flags |= 1u << i;
		else if (s[i] != '-')
			return PROBLEM_BAD_FLAGS;
	}
	*out = flags;
	return PROBLEM_NONE;
}

/* Match s against the table without first searching for the token end; *p moves past it. */
static enum value_problem scan_enum(const struct name_table *table, const char **p,
				    const char *end, unsigned *out)
{
	const char *s = *p;
	size_t available = (size_t)(end - s);

	if (available == 0 || *s == ' ')
		return PROBLEM_EMPTY;
	for (unsigned i = 0; i < table->count; i++) {
		size_t n = table->lengths[i];
		if (n && n <= available && table->names[i][0] == *s && memcmp(s, table->names[i], n) == 0 &&
		    (n == available || s[n] == ' ')) {
			*out = i;
			*p = s + n;
			return PROBLEM_NONE;
		}
	}
	return PROBLEM_BAD_ENUM;
}

/* One parsed value, before it is copied into the typed event. */
union slot {
	uint64_t u;
	int64_t s;
	bool b;
	unsigned e;
	struct gg_ret ret;
	struct gg_span span;
	struct {
		bool all;
		uint64_t count;
	} pages;
};

/*
 * Key prediction. The module writes keys in the ABI's order, so the next key is almost always
 * the one after the previous key in that order; checking that guess with two 8-byte compares is
 * much cheaper than scanning for '=' and switching on the name. A wrong guess just falls back to
 * the general scanner, so the order is an optimisation, never a requirement.
 */
#define ORDER_END KEY_TOTAL
static const unsigned char common_order[] = {
	KEY_SEQ, KEY_TS, KEY_CPU, KEY_PID, KEY_TID, KEY_CR3, KEY_PGD, KEY_EV, ORDER_END
};
static const unsigned char type_orders[GG_EV_TYPE_COUNT][20] = {
	[GG_EV_MMAP] = { KEY_ADDR, KEY_LEN, KEY_PROT, KEY_FLAGS, KEY_PGOFF, KEY_ANON, KEY_FILE,
			 KEY_RET, ORDER_END },
	[GG_EV_MUNMAP] = { KEY_ADDR, KEY_LEN, KEY_RET, ORDER_END },
	[GG_EV_MREMAP] = { KEY_ADDR, KEY_OLD_LEN, KEY_NEW_LEN, KEY_FLAGS, KEY_NEW_ADDR, KEY_RET,
			   ORDER_END },
	[GG_EV_MPROTECT] = { KEY_ADDR, KEY_LEN, KEY_PROT, KEY_RET, ORDER_END },
	[GG_EV_MADVISE] = { KEY_ADDR, KEY_LEN, KEY_ADVICE, KEY_RET, ORDER_END },
	[GG_EV_BRK] = { KEY_BRK, KEY_RET, ORDER_END },
	[GG_EV_FAULT] = { KEY_ADDR, KEY_IP, KEY_ACCESS, KEY_ORIGIN, KEY_LOCK, KEY_LEVEL, KEY_OLD,
			  KEY_NEW, KEY_OLD_FLAGS, KEY_NEW_FLAGS, KEY_OLD_PFN, KEY_NEW_PFN, KEY_TRANS,
			  KEY_RESULT, KEY_VMF, KEY_NODE, KEY_FFLAGS, ORDER_END },
	[GG_EV_TLB_FLUSH] = { KEY_START, KEY_END, KEY_STRIDE, KEY_PAGES, KEY_FREED, ORDER_END },
	[GG_EV_FORK] = { KEY_CHILD, KEY_THREAD, ORDER_END },
	[GG_EV_EXEC] = { KEY_FILENAME, ORDER_END },
	[GG_EV_EXIT] = { KEY_CODE, KEY_GROUP_DEAD, ORDER_END },
	[GG_EV_MARKER] = { KEY_TEXT, ORDER_END },
	[GG_EV_LOST] = { KEY_COUNT, ORDER_END },
	[GG_EV_UNKNOWN] = { ORDER_END },
};

/* "name=" zero-padded to 16 bytes, and a mask of its bytes, compared 8 bytes at a time. */
struct key_pattern {
	uint64_t word[2], mask[2];
	char text[16];
	unsigned char length; /* with the '=' */
};
static struct key_pattern key_patterns[KEY_TOTAL];
static bool key_patterns_ready;

static uint64_t load64(const char *p)
{
	uint64_t value;
	memcpy(&value, p, sizeof(value));
	return value;
}

/* Idempotent, so two threads racing through it would write the same bytes. */
static void build_key_patterns(void)
{
	build_name_lengths();
	for (unsigned k = 0; k < KEY_TOTAL; k++) {
		struct key_pattern *pattern = &key_patterns[k];
		char mask[16] = { 0 };
		size_t length = strlen(key_names[k]);
		memset(pattern->text, 0, sizeof(pattern->text));
		memcpy(pattern->text, key_names[k], length);
		pattern->text[length] = '=';
		pattern->length = (unsigned char)(length + 1);
		memset(mask, 0xff, length + 1);
		memcpy(pattern->word, pattern->text, 16);
		memcpy(pattern->mask, mask, 16);
	}
	key_patterns_ready = true;
}

static bool key_is_at(const char *p, const char *end, unsigned key)
{
	const struct key_pattern *pattern = &key_patterns[key];
	if (end - p >= 16)
		return ((load64(p) ^ pattern->word[0]) & pattern->mask[0]) == 0 &&
		       ((load64(p + 8) ^ pattern->word[1]) & pattern->mask[1]) == 0;
	return (size_t)(end - p) >= pattern->length && memcmp(p, pattern->text, pattern->length) == 0;
}

/* Position after `key` in `order`, or `position` unchanged if the key is not in it. */
static unsigned position_after(const unsigned char *order, unsigned position, enum gg_key key)
{
	for (unsigned i = 0; order[i] != ORDER_END; i++)
		if (order[i] == key)
			return i + 1;
	return position;
}

static int fail(struct gg_parse_error *error, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct gg_parse_error *error, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(error->message, sizeof(error->message), format, args);
	va_end(args);
	return -1;
}

/* Copy a value for a message: at most 48 bytes, non-printable bytes as \xNN. */
static void quote_for_message(char *out, size_t out_size, const char *s, size_t n)
{
	size_t used = 0;
	size_t shown = n > 48 ? 48 : n;

	for (size_t i = 0; i < shown && used + 5 < out_size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c <= 0x7e && c != '\\')
			out[used++] = (char)c;
		else
			used += (size_t)snprintf(out + used, out_size - used, "\\x%02x", c);
	}
	if (shown < n && used + 4 < out_size) {
		memcpy(out + used, "...", 3);
		used += 3;
	}
	out[used] = '\0';
}

static int fail_value(struct gg_parse_error *error, enum gg_key key, enum value_problem problem,
		      const char *value, const char *end)
{
	char quoted[256];
	quote_for_message(quoted, sizeof(quoted), value, (size_t)(token_end(value, end) - value));
	return fail(error, "key '%s': %s: '%s'", key_names[key], problem_texts[problem], quoted);
}

/* Parse the value of `key` starting at *p; on success *p is the end of the token. */
static enum value_problem scan_value(enum gg_key key, const char **p, const char *end,
				     union slot *slot)
{
	const char *s = *p;
	enum value_problem problem = PROBLEM_NONE;

	switch ((enum value_kind)key_kinds[key]) {
	case VALUE_DEC:
		return scan_decimal(p, end, &slot->u);
	case VALUE_DEC32:
		problem = scan_decimal(p, end, &slot->u);
		if (!problem && slot->u > UINT32_MAX)
			problem = PROBLEM_OVERFLOW;
		return problem;
	case VALUE_HEX:
		return scan_hex(p, end, &slot->u);
	case VALUE_ANY_BASE:
		return scan_any_base(p, end, &slot->u);
	case VALUE_SIGNED:
		return scan_signed(p, end, &slot->s);
	case VALUE_RET:
		return scan_ret(p, end, &slot->ret);
	case VALUE_PAGES:
		if (end - s >= 3 && memcmp(s, "all", 3) == 0 && (end - s == 3 || s[3] == ' ')) {
			slot->pages.all = true;
			slot->pages.count = 0;
			*p = s + 3;
			return PROBLEM_NONE;
		}
		slot->pages.all = false;
		return scan_decimal(p, end, &slot->pages.count);
	case VALUE_ENUM:
		return scan_enum(&enum_tables[key], p, end, &slot->e);
	case VALUE_PTE_FLAGS:
		if (end - s >= 7 && (end - s == 7 || s[7] == ' ')) {
			problem = check_pte_flags(s, 7, &slot->e);
			if (!problem)
				*p = s + 7;
			return problem;
		}
		break; /* wrong length: reported below */
	case VALUE_BOOL:
		if (end - s >= 1 && (*s == '0' || *s == '1') && (end - s == 1 || s[1] == ' ')) {
			slot->b = *s == '1';
			*p = s + 1;
			return PROBLEM_NONE;
		}
		break; /* reported below */
	case VALUE_TEXT: /* handled by the caller; only reached if text is a plain token */
	case VALUE_STRING:
	case VALUE_TYPE:
		break;
	}

	const char *e = token_end(s, end);
	size_t n = (size_t)(e - s);
	switch ((enum value_kind)key_kinds[key]) {
	case VALUE_STRING:
	case VALUE_TEXT:
		problem = check_string(s, e);
		slot->span = (struct gg_span){ s, n };
		break;
	case VALUE_BOOL:
		if (n == 1 && (*s == '0' || *s == '1'))
			slot->b = *s == '1';
		else
			problem = n ? PROBLEM_BAD_BOOL : PROBLEM_EMPTY;
		break;
	case VALUE_PTE_FLAGS:
		problem = n ? check_pte_flags(s, n, &slot->e) : PROBLEM_EMPTY;
		break;
	case VALUE_TYPE:
		problem = n ? PROBLEM_NONE : PROBLEM_EMPTY;
		slot->span = (struct gg_span){ s, n };
		break;
	default:
		break;
	}
	if (!problem)
		*p = e;
	return problem;
}

static void fill_event(struct gg_event *event, const union slot *slots, uint64_t seen)
{
	event->seq = slots[KEY_SEQ].u;
	event->ts = slots[KEY_TS].u;
	event->cpu = (uint32_t)slots[KEY_CPU].u;
	event->pid = (uint32_t)slots[KEY_PID].u;
	event->tid = (uint32_t)slots[KEY_TID].u;
	event->cr3 = slots[KEY_CR3].u;
	event->pgd = slots[KEY_PGD].u;
	event->type_name = slots[KEY_EV].span;

	switch (event->type) {
	case GG_EV_MMAP:
		event->mmap.addr = slots[KEY_ADDR].u;
		event->mmap.len = slots[KEY_LEN].u;
		event->mmap.prot = slots[KEY_PROT].u;
		event->mmap.flags = slots[KEY_FLAGS].u;
		event->mmap.pgoff = slots[KEY_PGOFF].u;
		event->mmap.anon = slots[KEY_ANON].b;
		/* file presence was checked against anon by the caller */
		event->mmap.file = event->mmap.anon ? (struct gg_span){ "", 0 } : slots[KEY_FILE].span;
		event->mmap.ret = slots[KEY_RET].ret;
		break;
	case GG_EV_MUNMAP:
		event->munmap.addr = slots[KEY_ADDR].u;
		event->munmap.len = slots[KEY_LEN].u;
		event->munmap.ret = slots[KEY_RET].ret;
		break;
	case GG_EV_MREMAP:
		event->mremap.addr = slots[KEY_ADDR].u;
		event->mremap.old_len = slots[KEY_OLD_LEN].u;
		event->mremap.new_len = slots[KEY_NEW_LEN].u;
		event->mremap.flags = slots[KEY_FLAGS].u;
		event->mremap.new_addr = slots[KEY_NEW_ADDR].u;
		event->mremap.ret = slots[KEY_RET].ret;
		break;
	case GG_EV_MPROTECT:
		event->mprotect.addr = slots[KEY_ADDR].u;
		event->mprotect.len = slots[KEY_LEN].u;
		event->mprotect.prot = slots[KEY_PROT].u;
		event->mprotect.ret = slots[KEY_RET].ret;
		break;
	case GG_EV_MADVISE:
		event->madvise.addr = slots[KEY_ADDR].u;
		event->madvise.len = slots[KEY_LEN].u;
		event->madvise.advice = slots[KEY_ADVICE].u;
		event->madvise.ret = slots[KEY_RET].ret;
		break;
	case GG_EV_BRK:
		event->brk.brk = slots[KEY_BRK].u;
		event->brk.ret = slots[KEY_RET].ret;
		break;
	case GG_EV_FAULT: {
		struct gg_fault *f = &event->fault;
		f->addr = slots[KEY_ADDR].u;
		f->ip = slots[KEY_IP].u;
		f->access = (enum gg_access)slots[KEY_ACCESS].e;
		f->origin = (enum gg_origin)slots[KEY_ORIGIN].e;
		f->lock = (enum gg_lock)slots[KEY_LOCK].e;
		f->level = (enum gg_level)slots[KEY_LEVEL].e;
		f->old_entry = slots[KEY_OLD].u;
		f->new_entry = slots[KEY_NEW].u;
		f->old_flags = slots[KEY_OLD_FLAGS].e;
		f->new_flags = slots[KEY_NEW_FLAGS].e;
		f->old_pfn = slots[KEY_OLD_PFN].u;
		f->new_pfn = slots[KEY_NEW_PFN].u;
		f->trans = (enum gg_trans)slots[KEY_TRANS].e;
		f->result = (enum gg_result)slots[KEY_RESULT].e;
		f->vmf = slots[KEY_VMF].u;
		f->node = slots[KEY_NODE].s;
		f->fflags = slots[KEY_FFLAGS].u;
		f->has_ptes = (seen & BIT(KEY_PTES)) != 0;
		if (f->has_ptes) {
			f->ptes = slots[KEY_PTES].u;
			f->ptes_start = slots[KEY_PTES_START].u;
			f->ptes_end = slots[KEY_PTES_END].u;
		} else {
			gg_fault_default_ptes(f);
		}
		break;
	}
	case GG_EV_TLB_FLUSH:
		event->tlb_flush.start = slots[KEY_START].u;
		event->tlb_flush.end = slots[KEY_END].u;
		event->tlb_flush.stride = slots[KEY_STRIDE].u;
		event->tlb_flush.whole_mm = slots[KEY_PAGES].pages.all;
		event->tlb_flush.pages = slots[KEY_PAGES].pages.count;
		event->tlb_flush.freed = slots[KEY_FREED].b;
		break;
	case GG_EV_FORK:
		event->fork.child = (uint32_t)slots[KEY_CHILD].u;
		event->fork.thread = slots[KEY_THREAD].b;
		break;
	case GG_EV_EXEC:
		event->exec.filename = slots[KEY_FILENAME].span;
		break;
	case GG_EV_EXIT:
		event->exit.code = slots[KEY_CODE].s;
		event->exit.group_dead = slots[KEY_GROUP_DEAD].b;
		break;
	case GG_EV_MARKER:
		event->marker.text = slots[KEY_TEXT].span;
		event->marker.text_plain =
			gg_plain_prefix(event->marker.text.ptr, event->marker.text.len) ==
			event->marker.text.len;
		break;
	case GG_EV_LOST:
		event->lost.count = slots[KEY_COUNT].u;
		break;
	case GG_EV_UNKNOWN:
		break;
	}
}

static int fail_missing(struct gg_parse_error *error, uint64_t missing, enum gg_type type,
			bool type_known)
{
	enum gg_key key = (enum gg_key)__builtin_ctzll(missing);
	if (!type_known)
		return fail(error, "missing key '%s'", key_names[key]);
	return fail(error, "missing key '%s' for ev=%s", key_names[key], type_names[type]);
}

int gg_parse_line(const char *line, size_t length, struct gg_event *event,
		  struct gg_parse_error *error)
{
	const char *p = line;
	const char *end = line + length;
	union slot slots[KEY_TOTAL];
	uint64_t seen = 0;
	uint64_t accepted = COMMON_KEYS; /* type keys are accepted once ev= is known */
	enum gg_type type = GG_EV_UNKNOWN;
	const unsigned char *order = common_order;
	unsigned order_position = 0;

	if (!key_patterns_ready)
		build_key_patterns();
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;

		enum gg_key key;
		unsigned expected = order[order_position];
		if (expected != ORDER_END && key_is_at(p, end, expected)) {
			key = (enum gg_key)expected;
			p += key_patterns[expected].length;
			order_position++;
		} else {
			const char *key_start = p;
			while (p < end && *p != '=' && *p != ' ')
				p++;
			if (p == end || *p == ' ') {
				char quoted[256];
				quote_for_message(quoted, sizeof(quoted), key_start,
						  (size_t)(p - key_start));
				return fail(error, "token '%s' has no '=' (truncated key?)", quoted);
			}
			size_t key_length = (size_t)(p - key_start);
			if (key_length == 0)
				return fail(error, "empty key before '=' at column %zu",
					    (size_t)(key_start - line) + 1);
			p++; /* past '=' */
			key = lookup_key(key_start, key_length);
			if (key != KEY_UNKNOWN)
				order_position = position_after(order, order_position, key);
		}

		if (key == KEY_UNKNOWN || !(accepted & BIT(key))) {
			p = token_end(p, end); /* forward compatibility: ignore it */
			continue;
		}
		if (seen & BIT(key))
			return fail(error, "duplicate key '%s'", key_names[key]);
		seen |= BIT(key);

		if (key == KEY_TEXT) { /* only accepted for ev=marker: the rest of the line */
			slots[KEY_TEXT].span = (struct gg_span){ p, (size_t)(end - p) };
			break;
		}

		const char *value = p;
		enum value_problem problem = scan_value(key, &p, end, &slots[key]);
		if (problem)
			return fail_value(error, key, problem, value, end);

		if (key == KEY_EV) {
			type = lookup_type(slots[KEY_EV].span.ptr, slots[KEY_EV].span.len);
			accepted = COMMON_KEYS | required_keys[type] | optional_keys[type];
			order = type_orders[type];
			order_position = 0;
		}
	}

	uint64_t missing = COMMON_KEYS & ~seen;
	if (missing)
		return fail_missing(error, missing, type, false);
	missing = required_keys[type] & ~seen;
	if (missing)
		return fail_missing(error, missing, type, true);
	if (type == GG_EV_MMAP) {
		bool has_file = seen & BIT(KEY_FILE);
		if (slots[KEY_ANON].b && has_file)
			return fail(error, "key 'file' given with anon=1");
		if (!slots[KEY_ANON].b && !has_file)
			return fail(error, "missing key 'file' for ev=mmap with anon=0");
	}

	if (type == GG_EV_FAULT) {
		uint64_t ptes_keys = seen & optional_keys[GG_EV_FAULT];
		if (ptes_keys && ptes_keys != optional_keys[GG_EV_FAULT])
			return fail(error, "keys 'ptes', 'ptes_start' and 'ptes_end' come together");
		if (ptes_keys && slots[KEY_PTES_END].u < slots[KEY_PTES_START].u)
			return fail(error, "'ptes_end' is below 'ptes_start'");
		if (ptes_keys && slots[KEY_PTES].u > GG_FAULT_PTES_MAX)
			return fail(error, "'ptes' is above 512, the entries of one page table");
	}

	event->type = type;
	fill_event(event, slots, seen);
	return 0;
}
