// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the event parser (see "The fast path" in event.h).
 *
 * It only ever accepts a line that gg_parse_line() accepts, with the same values: it handles
 * the exact layout the module writes for `fault`, `tlb_flush`, `marker` and `mmap` (every key
 * in ABI order, once, one space between tokens, lower-case hex of at most 16 digits, decimals of
 * at most 16 digits) and returns "declined" at the first byte that does not fit, whether the line is wrong or just
 * unusual; gg_parser_parse() then runs the strict general parser on it. The fuzzer checks this
 * agreement line by line (fuzz/fuzz_parse.c).
 *
 * Cost model (callgrind instructions, `make bench-reader`):
 *  - numbers are converted 8 bytes at a time (SWAR): one 64-bit load finds how many leading
 *    bytes are digits and yields their values; a few shifts and multiplies combine them;
 *  - keys are compared as one masked 64-bit word against a constant;
 *  - runs of tokens that repeat from line to line (the prefix after `ts=`, `ip=`, the
 *    `access= origin= lock= level=` group, `old=`, the two flag strings, `old_pfn=`, the
 *    fault's tail `trans= .. fflags=`, the flush's tail `stride= pages= freed=`) are kept in
 *    small memos: a run whose bytes equal a memo's bytes is not parsed again, its values are
 *    copied. Equal bytes at the same place of the layout parse to the same values, so a memo
 *    hit can never change the result.
 * The scanners may read up to GG_PARSE_PADDING bytes past the end of the line; what they find
 * there is only ever used to decline.
 */
#include "escape_text.h"
#include "event.h"

#include <string.h>

void gg_parser_init(struct gg_parser *parser)
{
	memset(parser, 0, sizeof(*parser));
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

#define ONES UINT64_C(0x0101010101010101)
#define MASK(n) ((n) >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * (n))) - 1)

static inline __attribute__((always_inline)) uint64_t load64(const char *p)
{
	uint64_t value;
	memcpy(&value, p, sizeof(value));
	return value;
}

/* Up to 8 bytes of a string literal as a little-endian word; folds to a constant. */
static inline __attribute__((always_inline)) uint64_t literal(const char *s, size_t n)
{
	uint64_t value = 0;
	memcpy(&value, s, n);
	return value;
}

#define LITERAL(s) literal(s, sizeof(s) - 1)
/* The key `s` ("name=", at most 8 bytes) at p. */
#define KEY_AT(p, s) ((load64(p) & MASK(sizeof(s) - 1)) == LITERAL(s))

/*
 * q is where a value stopped. A middle token must be followed by a space inside the line (the
 * next token starts after it); the last token must end exactly at the end of the line.
 */
static inline __attribute__((always_inline)) const char *after_value(const char *q, const char *end, bool last)
{
	if (last)
		return q == end ? q : NULL;
	return q < end && *q == ' ' ? q + 1 : NULL;
}

/* Eight decimal digit values (0..9), the first in the low byte, to their number. */
static inline __attribute__((always_inline)) uint64_t decimal8(uint64_t x)
{
	x = (x * 10 + (x >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
	x = (x * 100 + (x >> 16)) & UINT64_C(0x0000ffff0000ffff);
	return (x * 10000 + (x >> 32)) & UINT64_C(0xffffffff);
}

static const uint64_t powers_of_ten[9] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
};

/* Byte values minus '0'; the high bit of each byte that is not a digit (exact up to the first). */
static inline __attribute__((always_inline)) uint64_t not_digits(uint64_t x)
{
	return ((x + 0x76 * ONES) | x) & (0x80 * ONES);
}

/* 1 to 16 decimal digits; more, or none, declines. */
static inline __attribute__((always_inline)) const char *decimal_token(const char *p, const char *end, uint64_t *out, bool last)
{
	uint64_t x = load64(p) ^ (0x30 * ONES);
	uint64_t stop = not_digits(x);
	uint64_t value;
	unsigned n;

	if (stop) {
		n = (unsigned)__builtin_ctzll(stop) >> 3;
		if (n == 0)
			return NULL;
		value = decimal8(x << (64 - 8 * n));
	} else {
		uint64_t y = load64(p + 8) ^ (0x30 * ONES);
		uint64_t stop2 = not_digits(y);
		unsigned n2 = stop2 ? (unsigned)__builtin_ctzll(stop2) >> 3 : 8;
		value = decimal8(x);
		if (n2)
			value = value * powers_of_ten[n2] + decimal8(y << (64 - 8 * n2));
		n = 8 + n2;
	}
	const char *next = after_value(p + n, end, last);
	if (next)
		*out = value;
	return next;
}

/*
 * Number of leading lower-case hex digits in the 8 bytes of w (8 if all are), and their values
 * in *nibbles (one per byte, the first in the low byte). Each byte is decoded as if it were a
 * digit and encoded back: only a real digit survives the round trip.
 */
static inline __attribute__((always_inline)) unsigned hex_digits(uint64_t w, uint64_t *nibbles)
{
	uint64_t v = ((w & (0x0f * ONES)) + ((w >> 6) & ONES) * 9) & (0x0f * ONES);
	uint64_t letter = ((v + 0x76 * ONES) >> 7) & ONES;
	uint64_t bad = (v + 0x30 * ONES + letter * 0x27) ^ w;
	*nibbles = v;
	return bad ? (unsigned)__builtin_ctzll(bad) >> 3 : 8;
}

/* Eight nibbles, the first (most significant) in the low byte, to a 32-bit number. */
static inline __attribute__((always_inline)) uint64_t pack_nibbles(uint64_t v)
{
	v = __builtin_bswap64(v);
	v = (v | v >> 4) & UINT64_C(0x00ff00ff00ff00ff);
	v = (v | v >> 8) & UINT64_C(0x0000ffff0000ffff);
	return (v | v >> 16) & UINT64_C(0xffffffff);
}

/* 0x and 1 to 16 lower-case hex digits. */
static inline __attribute__((always_inline)) const char *hex_token(const char *p, const char *end, uint64_t *out, bool last)
{
	uint16_t prefix;
	memcpy(&prefix, p, sizeof(prefix));
	if (prefix != ('0' | 'x' << 8))
		return NULL;
	p += 2;

	uint64_t first, second, value;
	unsigned n = hex_digits(load64(p), &first);
	if (n < 8) {
		if (n == 0)
			return NULL;
		value = pack_nibbles(first) >> (32 - 4 * n);
	} else {
		unsigned n2 = hex_digits(load64(p + 8), &second);
		value = pack_nibbles(first) << (4 * n2) | pack_nibbles(second) >> (32 - 4 * n2);
		n = 8 + n2;
	}
	const char *next = after_value(p + n, end, last);
	if (next)
		*out = value;
	return next;
}

/* ---- the less frequent values, parsed only when a memo misses ---- */

static const char *key_token(const char *p, const char *end, const char *key)
{
	size_t length = strlen(key);
	if ((size_t)(end - p) <= length || memcmp(p, key, length) != 0)
		return NULL;
	return p + length;
}

static const char *name_token(const char *p, const char *end, const char *key,
			      const char *const *names, unsigned count, uint64_t *out, bool last)
{
	p = key_token(p, end, key);
	if (!p)
		return NULL;
	for (unsigned i = 0; i < count; i++) {
		if (!names[i])
			continue;
		size_t n = strlen(names[i]);
		if ((size_t)(end - p) < n || memcmp(p, names[i], n) != 0)
			continue;
		const char *next = after_value(p + n, end, last);
		if (next) {
			*out = i;
			return next;
		}
	}
	return NULL;
}

static const char *flags_token(const char *p, const char *end, const char *key, uint64_t *out)
{
	static const char letters[] = "PWUADNH";
	unsigned flags = 0;

	p = key_token(p, end, key);
	if (!p || end - p < 7)
		return NULL;
	for (unsigned i = 0; i < 7; i++) {
		if (p[i] == letters[i])
			flags |= 1u << i;
		else if (p[i] != '-')
			return NULL;
	}
	const char *next = after_value(p + 7, end, false);
	if (next)
		*out = flags;
	return next;
}

static const char *hex_key_token(const char *p, const char *end, const char *key, uint64_t *out,
				 bool last)
{
	p = key_token(p, end, key);
	return p ? hex_token(p, end, out, last) : NULL;
}

static const char *decimal_key_token(const char *p, const char *end, const char *key,
				     uint64_t *out, bool last)
{
	p = key_token(p, end, key);
	return p ? decimal_token(p, end, out, last) : NULL;
}

#define COUNT(array) (unsigned)(sizeof(array) / sizeof(array[0]))

/* ---- runs of tokens: parse functions and memos ---- */

/* cpu= pid= tid= cr3= pgd= -> values[0..4] */
static const char *parse_prefix(const char *p, const char *end, uint64_t *v)
{
	if (!(p = decimal_key_token(p, end, "cpu=", &v[0], false)) || v[0] > UINT32_MAX ||
	    !(p = decimal_key_token(p, end, "pid=", &v[1], false)) || v[1] > UINT32_MAX ||
	    !(p = decimal_key_token(p, end, "tid=", &v[2], false)) || v[2] > UINT32_MAX ||
	    !(p = hex_key_token(p, end, "cr3=", &v[3], false)))
		return NULL;
	return hex_key_token(p, end, "pgd=", &v[4], false);
}

static const char *parse_ip(const char *p, const char *end, uint64_t *v)
{
	return hex_key_token(p, end, "ip=", &v[0], false);
}

static const char *parse_old(const char *p, const char *end, uint64_t *v)
{
	return hex_key_token(p, end, "old=", &v[0], false);
}

static const char *parse_old_pfn(const char *p, const char *end, uint64_t *v)
{
	return hex_key_token(p, end, "old_pfn=", &v[0], false);
}

/* access= origin= lock= level= */
static const char *parse_fault_kind(const char *p, const char *end, uint64_t *v)
{
	if (!(p = name_token(p, end, "access=", gg_line_access_names, COUNT(gg_line_access_names), &v[0], false)) ||
	    !(p = name_token(p, end, "origin=", gg_line_origin_names, COUNT(gg_line_origin_names), &v[1], false)) ||
	    !(p = name_token(p, end, "lock=", gg_line_lock_names, COUNT(gg_line_lock_names), &v[2], false)))
		return NULL;
	return name_token(p, end, "level=", gg_line_level_names, COUNT(gg_line_level_names), &v[3], false);
}

static const char *parse_flags(const char *p, const char *end, uint64_t *v)
{
	if (!(p = flags_token(p, end, "old_flags=", &v[0])))
		return NULL;
	return flags_token(p, end, "new_flags=", &v[1]);
}

/* trans= result= vmf= node= fflags= */
static const char *parse_fault_tail(const char *p, const char *end, uint64_t *v)
{
	if (!(p = name_token(p, end, "trans=", gg_line_trans_names, COUNT(gg_line_trans_names), &v[0], false)) ||
	    !(p = name_token(p, end, "result=", gg_line_result_names, COUNT(gg_line_result_names), &v[1], false)) ||
	    !(p = hex_key_token(p, end, "vmf=", &v[2], false)) ||
	    !(p = key_token(p, end, "node=")))
		return NULL;
	bool negative = p < end && *p == '-';
	if (!(p = decimal_token(p + negative, end, &v[3], false)))
		return NULL;
	v[3] = negative ? (uint64_t)-(int64_t)v[3] : v[3]; /* at most 16 digits: no overflow */
	return hex_key_token(p, end, "fflags=", &v[4], false);
}

/* stride= pages= freed=, the end of the line; values: stride, pages, whole_mm, freed */
static const char *parse_tlb_tail(const char *p, const char *end, uint64_t *v)
{
	if (!(p = decimal_key_token(p, end, "stride=", &v[0], false)) ||
	    !(p = key_token(p, end, "pages=")))
		return NULL;
	if (end - p >= 3 && memcmp(p, "all", 3) == 0) {
		p = after_value(p + 3, end, false);
		v[1] = 0;
		v[2] = 1;
	} else {
		p = decimal_token(p, end, &v[1], false);
		v[2] = 0;
	}
	if (!p || !(p = key_token(p, end, "freed=")) || end - p < 1 || (*p != '0' && *p != '1'))
		return NULL;
	v[3] = *p == '1';
	return after_value(p + 1, end, true);
}

typedef const char *(*run_parser)(const char *p, const char *end, uint64_t *values);

/* Compares `words` (a constant per run, so the loop unrolls) masked words. */
static inline __attribute__((always_inline)) bool
memo_matches(const struct gg_parse_memo *memo, const char *p, const char *end, bool last,
	     unsigned words)
{
	size_t available = (size_t)(end - p);
	if (last ? available != memo->length : available <= memo->length)
		return false;
	/* memos of one run mostly differ early: leave at the first differing pair of words */
	for (unsigned i = 0; i < words; i += 2) {
		uint64_t diff = (load64(p + 8 * i) ^ memo->text[i]) & memo->mask[i];
		if (i + 1 < words)
			diff |= (load64(p + 8 * i + 8) ^ memo->text[i + 1]) & memo->mask[i + 1];
		if (diff)
			return false;
	}
	return true;
}

/* Remember a run of at most 8 * words bytes (a longer one is not remembered). */
static void memo_store(struct gg_parse_memo *memo, const char *p, size_t length, unsigned words,
		       const uint64_t *values, unsigned count)
{
	if (length == 0 || length > 8 * words) {
		memo->length = 0;
		memset(memo->mask, 0, sizeof(memo->mask)); /* length 0 never matches anyway */
		return;
	}
	for (unsigned i = 0; i < 8; i++) {
		size_t start = 8 * (size_t)i;
		size_t bytes = length <= start ? 0 : length - start >= 8 ? 8 : length - start;
		memo->mask[i] = bytes == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * bytes)) - 1;
		memo->text[i] = bytes ? load64(p + start) & memo->mask[i] : 0;
	}
	memo->length = (uint8_t)length;
	memcpy(memo->values, values, count * sizeof(*values));
}

/*
 * A run at p: from a memo if its bytes repeat, else parsed (and remembered). A run is at most
 * 8 * words bytes long (words <= 8); an empty memo has length 0 and never matches (a run is
 * never empty, and a middle one needs more bytes after it).
 */
static inline __attribute__((always_inline)) const char *
run(struct gg_parse_memo_set *set, const char *p, const char *end, bool last, unsigned words,
    run_parser parse, uint64_t *values, unsigned count)
{
	const struct gg_parse_memo *memo = &set->slot[set->recent];
	if (memo->length && memo_matches(memo, p, end, last, words)) {
		memcpy(values, memo->values, count * sizeof(*values));
		return p + memo->length;
	}
	for (unsigned i = 0; i < GG_PARSE_MEMO_SLOTS; i++) {
		memo = &set->slot[i];
		if (i != set->recent && memo->length && memo_matches(memo, p, end, last, words)) {
			set->recent = (uint8_t)i;
			memcpy(values, memo->values, count * sizeof(*values));
			return p + memo->length;
		}
	}
	const char *next = parse(p, end, values);
	if (next) {
		set->recent = set->next;
		set->next = (uint8_t)((set->next + 1) % GG_PARSE_MEMO_SLOTS);
		memo_store(&set->slot[set->recent], p, (size_t)(next - p), words, values, count);
	}
	return next;
}

/* ---- the event types ---- */

static int fault_body(struct gg_parser *parser, const char *p, const char *end,
		      struct gg_fault *f)
{
	uint64_t v[5];

	if (!KEY_AT(p, "addr=") || !(p = hex_token(p + 5, end, &f->addr, false)) ||
	    !(p = run(&parser->ip, p, end, false, 3, parse_ip, v, 1)))
		return 1;
	f->ip = v[0];
	if (!(p = run(&parser->fault_kind, p, end, false, 6, parse_fault_kind, v, 4)))
		return 1;
	f->access = (enum gg_access)v[0];
	f->origin = (enum gg_origin)v[1];
	f->lock = (enum gg_lock)v[2];
	f->level = (enum gg_level)v[3];
	if (!(p = run(&parser->old, p, end, false, 3, parse_old, v, 1)))
		return 1;
	f->old_entry = v[0];
	if (!KEY_AT(p, "new=") || !(p = hex_token(p + 4, end, &f->new_entry, false)) ||
	    !(p = run(&parser->flags, p, end, false, 5, parse_flags, v, 2)))
		return 1;
	f->old_flags = (unsigned)v[0];
	f->new_flags = (unsigned)v[1];
	if (!(p = run(&parser->old_pfn, p, end, false, 3, parse_old_pfn, v, 1)))
		return 1;
	f->old_pfn = v[0];
	if (!KEY_AT(p, "new_pfn=") || !(p = hex_token(p + 8, end, &f->new_pfn, false)) ||
	    !(p = run(&parser->fault_tail, p, end, false, 8, parse_fault_tail, v, 5)))
		return 1;
	/*
	 * ptes= ptes_start= ptes_end=, the end of the line; a line without them declines. Keys
	 * compared as words: these change on every line, so no memo holds them.
	 */
	if (!KEY_AT(p, "ptes=") || !(p = decimal_token(p + 5, end, &f->ptes, false)) ||
	    !KEY_AT(p, "ptes_sta") || !KEY_AT(p + 8, "rt=") ||
	    !(p = hex_token(p + 11, end, &f->ptes_start, false)) ||
	    !KEY_AT(p, "ptes_end") || p[8] != '=' ||
	    !hex_token(p + 9, end, &f->ptes_end, true) || f->ptes_end < f->ptes_start)
		return 1;
	f->has_ptes = true;
	f->trans = (enum gg_trans)v[0];
	f->result = (enum gg_result)v[1];
	f->vmf = v[2];
	f->node = (int64_t)v[3];
	f->fflags = v[4];
	return 0;
}

static int tlb_body(struct gg_parser *parser, const char *p, const char *end,
		    struct gg_event *event)
{
	uint64_t v[4];

	if (!KEY_AT(p, "start=") || !(p = hex_token(p + 6, end, &event->tlb_flush.start, false)) ||
	    !KEY_AT(p, "end=") || !(p = hex_token(p + 4, end, &event->tlb_flush.end, false)) ||
	    !run(&parser->tlb_tail, p, end, true, 5, parse_tlb_tail, v, 4))
		return 1;
	event->tlb_flush.stride = v[0];
	event->tlb_flush.pages = v[1];
	event->tlb_flush.whole_mm = v[2];
	event->tlb_flush.freed = v[3];
	return 0;
}

/*
 * `mmap`: rare next to faults, but gg_parse_line() takes thousands of instructions on one, and a
 * Go program's heap grows by them. The module's layout only: decimal len and pgoff, hex ret, a
 * file name of plain bytes; an escaped, empty or otherwise unusual one declines.
 */
static __attribute__((noinline, cold)) int mmap_body(const char *p, const char *end,
						 struct gg_event *event)
{
	uint64_t anon;

	if (!KEY_AT(p, "addr=") || !(p = hex_token(p + 5, end, &event->mmap.addr, false)) ||
	    !KEY_AT(p, "len=") || !(p = decimal_token(p + 4, end, &event->mmap.len, false)) ||
	    !KEY_AT(p, "prot=") || !(p = hex_token(p + 5, end, &event->mmap.prot, false)) ||
	    !KEY_AT(p, "flags=") || !(p = hex_token(p + 6, end, &event->mmap.flags, false)) ||
	    !KEY_AT(p, "pgoff=") || !(p = decimal_token(p + 6, end, &event->mmap.pgoff, false)) ||
	    !KEY_AT(p, "anon=") || p + 6 >= end || (p[5] != '0' && p[5] != '1') || p[6] != ' ')
		return 1;
	anon = p[5] == '1';
	p += 7;
	event->mmap.anon = anon;
	event->mmap.file = (struct gg_span){ "", 0 };
	if (!anon) {
		if (!KEY_AT(p, "file="))
			return 1;
		const char *name = p + 5, *q = name;
		while (q < end && *q != ' ') {
			unsigned char c = (unsigned char)*q;
			if (c < 0x21 || c > 0x7e || c == '=' || c == '\\')
				return 1;
			q++;
		}
		if (q == name || q == end)
			return 1;
		event->mmap.file = (struct gg_span){ name, (size_t)(q - name) };
		p = q + 1;
	}
	if (!KEY_AT(p, "ret=") || !hex_token(p + 4, end, &event->mmap.ret.value, true))
		return 1;
	event->mmap.ret.failed = false;
	return 0;
}

static int try_fast(struct gg_parser *parser, const char *p, const char *end,
		    struct gg_event *event)
{
	uint64_t v[5];

	if (!KEY_AT(p, "seq=") || !(p = decimal_token(p + 4, end, &event->seq, false)) ||
	    !KEY_AT(p, "ts=") || !(p = decimal_token(p + 3, end, &event->ts, false)) ||
	    !(p = run(&parser->prefix, p, end, false, 8, parse_prefix, v, 5)))
		return 1;
	event->cpu = (uint32_t)v[0];
	event->pid = (uint32_t)v[1];
	event->tid = (uint32_t)v[2];
	event->cr3 = v[3];
	event->pgd = v[4];

	uint64_t word = load64(p);
	if (word == LITERAL("ev=fault") && end - p > 9 && p[8] == ' ') {
		event->type = GG_EV_FAULT;
		event->type_name = (struct gg_span){ p + 3, 5 };
		return fault_body(parser, p + 9, end, &event->fault);
	}
	/*
	 * A marker's text is the rest of the line, whatever it holds (gg_parse_line takes it
	 * verbatim too), so only the key has to be there; programs label every growth step with
	 * one, and in a Swiss-map run they are most of the lines.
	 */
	if (word == LITERAL("ev=marke") && end - p >= 15 &&
	    (load64(p + 8) & MASK(7)) == LITERAL("r text=")) {
		event->type = GG_EV_MARKER;
		event->type_name = (struct gg_span){ p + 3, 6 };
		event->marker.text = (struct gg_span){ p + 15, (size_t)(end - (p + 15)) };
		event->marker.text_plain =
			gg_plain_prefix(event->marker.text.ptr, event->marker.text.len) ==
			event->marker.text.len;
		return 0;
	}
	if (word == LITERAL("ev=tlb_f") && end - p > 13 &&
	    (load64(p + 8) & MASK(5)) == LITERAL("lush ")) {
		event->type = GG_EV_TLB_FLUSH;
		event->type_name = (struct gg_span){ p + 3, 9 };
		return tlb_body(parser, p + 13, end, event);
	}
	if (word == LITERAL("ev=mmap ")) {
		event->type = GG_EV_MMAP;
		event->type_name = (struct gg_span){ p + 3, 4 };
		return mmap_body(p + 8, end, event);
	}
	return 1;
}

int gg_parser_try_fast(struct gg_parser *parser, const char *line, size_t length,
		       struct gg_event *event)
{
	return try_fast(parser, line, line + length, event);
}

#else /* not little-endian: the general parser only */

int gg_parser_try_fast(struct gg_parser *parser, const char *line, size_t length,
		       struct gg_event *event)
{
	(void)parser, (void)line, (void)length, (void)event;
	return 1;
}

#endif

int gg_parser_parse(struct gg_parser *parser, const char *line, size_t length,
		    struct gg_event *event, struct gg_parse_error *error)
{
	if (gg_parser_try_fast(parser, line, length, event) == 0) {
		parser->fast_lines++;
		return 0;
	}
	parser->slow_lines++;
	return gg_parse_line(line, length, event, error);
}
