// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the event parser (see "The fast path" in event.h).
 *
 * It only ever accepts a line that gg_parse_line() accepts, with the same values: it handles
 * the exact layout the module writes for `fault`, `tlb_flush`, `marker` and `mmap` (every key
 * in ABI order, once, one space between tokens, lower-case hex of at most 16 digits, decimals of
 * at most 16 digits) and returns "declined" at the first byte that does not fit, whether the
 * line is wrong or just unusual; the strict general parser then runs on it, so every message
 * about a bad line is that parser's. The fuzzer checks this agreement line by line
 * (fuzz/fuzz_parse.c).
 *
 * A stream's reader need not split lines first (gg_parser_next_line): a line of this layout
 * ends where its last value stops, so the parser finds the '\n' itself, and a marker's text is
 * scanned once for both its end and whether it needs escaping.
 *
 * Cost model (callgrind instructions, `make bench-reader`):
 *  - a hex value (up to 16 digits) is one 16-byte load: range compares find the digits, their
 *    nibbles are paired, packed and byte-swapped into the number (SSE2; 8 bytes at a time in
 *    general registers elsewhere); decimals are converted 8 bytes at a time (SWAR);
 *  - a key is one 8-byte load compared with a constant, together with the 0x of a hex value
 *    where both fit;
 *  - runs of tokens that repeat from line to line (cpu= .. pgd=, the `access= .. level=` group,
 *    the two flag strings, the fault's `trans= .. fflags=`, the flush's `stride= pages=`) are
 *    kept in small memos: a run whose bytes equal a memo's is not parsed again, its values are
 *    copied. The values that change on every line (seq, ts, addresses, entries, pfns) are
 *    converted directly: a memo would miss.
 * The scanners may read up to GG_PARSE_PADDING bytes past the end of the data; what they find
 * there is only ever used to decline.
 */
#include "escape_text.h"
#include "event.h"

#include <stddef.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
 * next token starts after it). The last token's end is returned as it is: what must follow it
 * (the end of the line, or its '\n') is the caller's to check (see finish_line()).
 */
static inline __attribute__((always_inline)) const char *
after_value(const char *q, const char *end, bool last)
{
	if (last)
		return q;
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
static inline __attribute__((always_inline)) const char *
decimal_token(const char *p, const char *end, uint64_t *out, bool last)
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

#ifdef __SSE2__

/*
 * 1 to 16 lower-case hex digits at p (after the 0x), in one 16-byte load: which bytes are digits
 * and their nibbles come from two range compares; the nibbles are paired into bytes, packed to
 * one word and byte-swapped, so the first digit ends up the most significant. Nibbles past the
 * digits are shifted out. Returns the number of digits, 0 if none.
 */
static inline __attribute__((always_inline)) unsigned hex_digits16(const char *p, uint64_t *value)
{
	__m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i digit = _mm_sub_epi8(bytes, _mm_set1_epi8('0'));
	__m128i letter = _mm_sub_epi8(bytes, _mm_set1_epi8('a'));
	__m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit);
	__m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(5)), letter);
	unsigned valid = (unsigned)_mm_movemask_epi8(_mm_or_si128(is_digit, is_letter));
	unsigned n = (unsigned)__builtin_ctz(~valid); /* bit 16 is always clear: at most 16 */
	__m128i ten_up = _mm_add_epi8(letter, _mm_set1_epi8(10));
	__m128i nibbles = _mm_or_si128(_mm_and_si128(is_digit, digit),
				       _mm_and_si128(is_letter, ten_up));
	/* each 16-bit lane: first digit << 4 | second digit in its low byte */
	__m128i pairs = _mm_or_si128(_mm_slli_epi16(nibbles, 4), _mm_srli_epi16(nibbles, 8));
	pairs = _mm_and_si128(pairs, _mm_set1_epi16(0xff));
	uint64_t big_endian = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(pairs, pairs));
	*value = n ? __builtin_bswap64(big_endian) >> (64 - 4 * n) : 0;
	return n;
}

/* 0x and 1 to 16 lower-case hex digits. */
static inline __attribute__((always_inline)) const char *
hex_token(const char *p, const char *end, uint64_t *out, bool last)
{
	uint16_t prefix;
	memcpy(&prefix, p, sizeof(prefix));
	if (prefix != ('0' | 'x' << 8))
		return NULL;
	uint64_t value;
	unsigned n = hex_digits16(p + 2, &value);
	if (n == 0)
		return NULL;
	const char *next = after_value(p + 2 + n, end, last);
	if (next)
		*out = value;
	return next;
}

#else /* the same, 8 bytes at a time in general registers */

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
static inline __attribute__((always_inline)) const char *
hex_token(const char *p, const char *end, uint64_t *out, bool last)
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

#endif

/* ---- the less frequent values, parsed only when a memo misses ---- */

/*
 * A literal key of at most 16 bytes at p, compared as one or two masked words (inlined, so the
 * key's length and words fold to constants).
 */
static inline __attribute__((always_inline)) const char *key_token(const char *p, const char *end,
								    const char *key)
{
	size_t length = strlen(key);
	if ((size_t)(end - p) <= length)
		return NULL;
	if (length <= 8)
		return (load64(p) & MASK(length)) == literal(key, length) ? p + length : NULL;
	return load64(p) == literal(key, 8) &&
			       (load64(p + 8) & MASK(length - 8)) == literal(key + 8, length - 8)
		       ? p + length
		       : NULL;
}

static inline __attribute__((always_inline)) const char *
name_token(const char *p, const char *end, const char *key, const char *const *names,
	   unsigned count, uint64_t *out, bool last)
{
	p = key_token(p, end, key);
	if (!p)
		return NULL;
	/* the value runs to the next space: only a name of its length and first byte can match */
	const char *q = p;
	while (q < end && *q != ' ')
		q++;
	size_t n = (size_t)(q - p);
	for (unsigned i = 0; i < count; i++) {
		if (names[i] && names[i][0] == *p && strlen(names[i]) == n &&
		    memcmp(p, names[i], n) == 0) {
			const char *next = after_value(q, end, last);
			if (next)
				*out = i;
			return next;
		}
	}
	return NULL;
}

static inline __attribute__((always_inline)) const char *
flags_token(const char *p, const char *end, const char *key, uint64_t *out)
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

static inline __attribute__((always_inline)) const char *
hex_key_token(const char *p, const char *end, const char *key, uint64_t *out, bool last)
{
	p = key_token(p, end, key);
	return p ? hex_token(p, end, out, last) : NULL;
}

static inline __attribute__((always_inline)) const char *
decimal_key_token(const char *p, const char *end, const char *key, uint64_t *out, bool last)
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

/* access= origin= lock= level= */
static const char *parse_fault_kind(const char *p, const char *end, uint64_t *v)
{
	if (!(p = name_token(p, end, "access=", gg_line_access_names, COUNT(gg_line_access_names), &v[0], false)) ||
	    !(p = name_token(p, end, "origin=", gg_line_origin_names, COUNT(gg_line_origin_names), &v[1], false)) ||
	    !(p = name_token(p, end, "lock=", gg_line_lock_names, COUNT(gg_line_lock_names), &v[2], false)))
		return NULL;
	return name_token(p, end, "level=", gg_line_level_names, COUNT(gg_line_level_names), &v[3], false);
}

/* access= origin= lock= level= old= */
static const char *parse_fault_kind_old(const char *p, const char *end, uint64_t *v)
{
	if (!(p = parse_fault_kind(p, end, v)))
		return NULL;
	return hex_key_token(p, end, "old=", &v[4], false);
}

/* old_flags= new_flags= old_pfn= */
static const char *parse_flags_old_pfn(const char *p, const char *end, uint64_t *v)
{
	if (!(p = flags_token(p, end, "old_flags=", &v[0])) ||
	    !(p = flags_token(p, end, "new_flags=", &v[1])))
		return NULL;
	return hex_key_token(p, end, "old_pfn=", &v[2], false);
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

/* trans= result= vmf= node= fflags= ptes= */
static const char *parse_fault_tail_ptes(const char *p, const char *end, uint64_t *v)
{
	if (!(p = parse_fault_tail(p, end, v)))
		return NULL;
	return decimal_key_token(p, end, "ptes=", &v[5], false);
}

/* stride= pages=: values stride, pages, whole_mm */
static const char *parse_tlb_middle(const char *p, const char *end, uint64_t *v)
{
	if (!(p = decimal_key_token(p, end, "stride=", &v[0], false)) ||
	    !(p = key_token(p, end, "pages=")))
		return NULL;
	if (end - p >= 3 && memcmp(p, "all", 3) == 0) {
		v[1] = 0;
		v[2] = 1;
		return after_value(p + 3, end, false);
	}
	v[2] = 0;
	return decimal_token(p, end, &v[1], false);
}

/* ---- memos of runs of tokens ---- */

typedef const char *(*run_parser)(const char *p, const char *end, uint64_t *values);

/*
 * Whether the bytes at p are the memo's run, with more of the line after it. A run is 16 to
 * 16 * chunks bytes (chunks is a constant per run, so the ifs below fold away): it is compared
 * as `chunks` 16-byte pieces, the bytes past the run let through by the memo's `beyond` mask
 * rather than by a length-dependent load (they lie in the line or in the padding after it).
 */
static inline __attribute__((always_inline)) bool
memo_matches(const struct gg_parse_memo *memo, const char *p, const char *end, unsigned chunks)
{
	size_t length = memo->length;
	if (length == 0 || (size_t)(end - p) <= length)
		return false;
#ifdef __SSE2__
	__m128i same = _mm_set1_epi8(-1);
#define VECTOR(at) (*(const __m128i *)(const void *)(at))
#define COMPARE_CHUNK(i) \
	if (chunks > i) \
		same = _mm_and_si128(same, _mm_or_si128( \
			_mm_cmpeq_epi8(_mm_loadu_si128(&VECTOR(p + 16 * i)), \
				       VECTOR(memo->text + 16 * i)), \
			VECTOR(memo->beyond + 16 * i)));
	COMPARE_CHUNK(0)
	COMPARE_CHUNK(1)
	COMPARE_CHUNK(2)
	COMPARE_CHUNK(3)
	COMPARE_CHUNK(4)
#undef COMPARE_CHUNK
#undef VECTOR
	return _mm_movemask_epi8(same) == 0xffff;
#else
	(void)chunks;
	return memcmp(p, memo->text, length) == 0;
#endif
}

/*
 * Remember a run (one shorter than 16 or longer than 16 * chunks bytes is not remembered) and
 * the @size bytes of the event it filled.
 */
static void memo_store(struct gg_parse_memo *memo, const char *p, size_t length, unsigned chunks,
		       const void *filled, size_t size)
{
	if (length < 16 || length > 16 * chunks) {
		memo->length = 0;
		return;
	}
	memset(memo->text, 0, sizeof(memo->text));
	memcpy(memo->text, p, length);
	memset(memo->beyond, 0, length);
	memset(memo->beyond + length, 0xff, sizeof(memo->beyond) - length);
	memo->length = (uint8_t)length;
	memcpy(memo->values, filled, size);
}

/* A run's values, as parsed, into the @size bytes of the event it fills at @fields. */
typedef void (*run_filler)(void *fields, const uint64_t *values);

/*
 * A run at p: from a memo if its bytes repeat (the most recently used memo first), else parsed
 * and remembered in the next slot round robin. Equal bytes at the same place of the layout
 * parse to the same values, so a hit never changes the result. The run fills @size adjacent
 * bytes of the event at @fields (a constant size: the copy of a hit is a couple of moves).
 */
static inline __attribute__((always_inline)) const char *
run(struct gg_parse_memo_set *set, const char *p, const char *end, unsigned chunks,
    run_parser parse, run_filler fill, void *fields, size_t size)
{
	const struct gg_parse_memo *memo = &set->slot[set->recent];
	if (memo_matches(memo, p, end, chunks)) {
		memcpy(fields, memo->values, size);
		return p + memo->length;
	}
	for (unsigned i = 0; i < GG_PARSE_MEMO_SLOTS; i++) {
		memo = &set->slot[i];
		if (i != set->recent && memo_matches(memo, p, end, chunks)) {
			set->recent = (uint8_t)i;
			memcpy(fields, memo->values, size);
			return p + memo->length;
		}
	}
	uint64_t values[6];
	const char *next = parse(p, end, values);
	if (next) {
		fill(fields, values);
		set->recent = set->next;
		set->next = (uint8_t)((set->next + 1) % GG_PARSE_MEMO_SLOTS);
		memo_store(&set->slot[set->recent], p, (size_t)(next - p), chunks, fields, size);
	}
	return next;
}

/*
 * What each run fills: adjacent fields of the event (struct gg_event and struct gg_fault keep
 * them so), copied as one range on a hit.
 */
#define FIELDS(type, first, last) \
	(offsetof(type, last) + sizeof(((type *)0)->last) - offsetof(type, first))
/* The struct whose field `first` is at fields. */
#define FIELDS_OF(type, first, fields) ((type *)((char *)(fields) - offsetof(type, first)))

static void fill_prefix(void *fields, const uint64_t *v)
{
	struct gg_event *event = FIELDS_OF(struct gg_event, cpu, fields);
	event->cpu = (uint32_t)v[0];
	event->pid = (uint32_t)v[1];
	event->tid = (uint32_t)v[2];
	event->cr3 = v[3];
	event->pgd = v[4];
}
#define PREFIX_FIELDS FIELDS(struct gg_event, cpu, pgd)

static void fill_fault_kind_old(void *fields, const uint64_t *v)
{
	struct gg_fault *f = FIELDS_OF(struct gg_fault, access, fields);
	f->access = (enum gg_access)v[0];
	f->origin = (enum gg_origin)v[1];
	f->lock = (enum gg_lock)v[2];
	f->level = (enum gg_level)v[3];
	f->old_entry = v[4];
}
#define FAULT_KIND_OLD_FIELDS FIELDS(struct gg_fault, access, old_entry)

static void fill_flags_old_pfn(void *fields, const uint64_t *v)
{
	struct gg_fault *f = FIELDS_OF(struct gg_fault, old_flags, fields);
	f->old_flags = (unsigned)v[0];
	f->new_flags = (unsigned)v[1];
	f->old_pfn = v[2];
}
#define FLAGS_OLD_PFN_FIELDS FIELDS(struct gg_fault, old_flags, old_pfn)

static void fill_fault_tail_ptes(void *fields, const uint64_t *v)
{
	struct gg_fault *f = FIELDS_OF(struct gg_fault, trans, fields);
	f->trans = (enum gg_trans)v[0];
	f->result = (enum gg_result)v[1];
	f->vmf = v[2];
	f->node = (int64_t)v[3];
	f->fflags = v[4];
	f->ptes = v[5];
}
#define FAULT_TAIL_PTES_FIELDS FIELDS(struct gg_fault, trans, ptes)

static void fill_tlb_middle(void *fields, const uint64_t *v)
{
	struct gg_event *event = FIELDS_OF(struct gg_event, tlb_flush.stride, fields);
	event->tlb_flush.stride = v[0];
	event->tlb_flush.pages = v[1];
	event->tlb_flush.whole_mm = v[2];
}
#define TLB_MIDDLE_FIELDS FIELDS(struct gg_event, tlb_flush.stride, tlb_flush.pages)

_Static_assert(PREFIX_FIELDS <= sizeof(((struct gg_parse_memo *)0)->values) &&
	       FAULT_KIND_OLD_FIELDS <= sizeof(((struct gg_parse_memo *)0)->values) &&
	       FLAGS_OLD_PFN_FIELDS <= sizeof(((struct gg_parse_memo *)0)->values) &&
	       FAULT_TAIL_PTES_FIELDS <= sizeof(((struct gg_parse_memo *)0)->values) &&
	       TLB_MIDDLE_FIELDS <= sizeof(((struct gg_parse_memo *)0)->values),
	       "a memo holds the fields its run fills");

/* ---- the event types ---- */

/* "key=0x" (at most 8 bytes with the 0x) and its hex value, a middle token. */
#define HEX_AFTER(p, end, key, out) \
	(KEY_AT(p, key) ? hex_value(p + sizeof(key) - 1, end, out, false) : NULL)

/* The digits of a hex value whose 0x was matched with its key. */
static inline __attribute__((always_inline)) const char *hex_value(const char *p, const char *end,
								   uint64_t *out, bool last)
{
#ifdef __SSE2__
	uint64_t value;
	unsigned n = hex_digits16(p, &value);
	if (n == 0)
		return NULL;
	const char *next = after_value(p + n, end, last);
	if (next)
		*out = value;
	return next;
#else
	return hex_token(p - 2, end, out, last);
#endif
}

/*
 * Returns where the last value (ptes_end) stops. What changes from fault to fault (the address,
 * ip, the new entry and its pfn, the range) is converted; the runs between them mostly repeat.
 */
static const char *fault_body(struct gg_parser *parser, const char *p, const char *end,
			      struct gg_fault *f)
{
	if (!(p = HEX_AFTER(p, end, "addr=0x", &f->addr)) ||
	    !(p = HEX_AFTER(p, end, "ip=0x", &f->ip)) ||
	    !(p = run(&parser->fault_kind, p, end, 5, parse_fault_kind_old, fill_fault_kind_old,
		      &f->access, FAULT_KIND_OLD_FIELDS)) ||
	    !(p = HEX_AFTER(p, end, "new=0x", &f->new_entry)) ||
	    !(p = run(&parser->flags, p, end, 4, parse_flags_old_pfn, fill_flags_old_pfn,
		      &f->old_flags, FLAGS_OLD_PFN_FIELDS)) ||
	    /* "new_pfn=" fills a word: its 0x is checked with the value */
	    !KEY_AT(p, "new_pfn=") || !(p = hex_token(p + 8, end, &f->new_pfn, false)) ||
	    !(p = run(&parser->fault_tail, p, end, 5, parse_fault_tail_ptes, fill_fault_tail_ptes,
		      &f->trans, FAULT_TAIL_PTES_FIELDS)))
		return NULL;
	/* ptes_start= ptes_end=, the end of the line; a line without them declines */
	if (!KEY_AT(p, "ptes_sta") || !KEY_AT(p + 8, "rt=0x") ||
	    !(p = hex_value(p + 13, end, &f->ptes_start, false)) ||
	    !KEY_AT(p, "ptes_end") || !KEY_AT(p + 8, "=0x") ||
	    !(p = hex_value(p + 11, end, &f->ptes_end, true)) || f->ptes_end < f->ptes_start ||
	    f->ptes > GG_FAULT_PTES_MAX)
		return NULL;
	f->has_ptes = true;
	return p;
}

/* Returns where the last value (freed) stops. */
static const char *tlb_body(struct gg_parser *parser, const char *p, const char *end,
			    struct gg_event *event)
{
	if (!(p = HEX_AFTER(p, end, "start=0x", &event->tlb_flush.start)) ||
	    !(p = HEX_AFTER(p, end, "end=0x", &event->tlb_flush.end)) ||
	    !(p = run(&parser->tlb_middle, p, end, 2, parse_tlb_middle, fill_tlb_middle,
		      &event->tlb_flush.stride, TLB_MIDDLE_FIELDS)) ||
	    !KEY_AT(p, "freed=") || (p[6] != '0' && p[6] != '1') || p + 6 >= end)
		return NULL;
	event->tlb_flush.freed = p[6] == '1';
	return p + 7;
}

/*
 * `mmap`: rare next to faults, but gg_parse_line() takes thousands of instructions on one, and a
 * Go program's heap grows by them. The module's layout only: decimal len and pgoff, hex ret, a
 * file name of plain bytes; an escaped, empty or otherwise unusual one declines. Returns where
 * the last value (ret) stops.
 */
static __attribute__((noinline, cold)) const char *mmap_body(const char *p, const char *end,
							     struct gg_event *event)
{
	uint64_t anon;

	if (!KEY_AT(p, "addr=") || !(p = hex_token(p + 5, end, &event->mmap.addr, false)) ||
	    !KEY_AT(p, "len=") || !(p = decimal_token(p + 4, end, &event->mmap.len, false)) ||
	    !KEY_AT(p, "prot=") || !(p = hex_token(p + 5, end, &event->mmap.prot, false)) ||
	    !KEY_AT(p, "flags=") || !(p = hex_token(p + 6, end, &event->mmap.flags, false)) ||
	    !KEY_AT(p, "pgoff=") || !(p = decimal_token(p + 6, end, &event->mmap.pgoff, false)) ||
	    !KEY_AT(p, "anon=") || p + 6 >= end || (p[5] != '0' && p[5] != '1') || p[6] != ' ')
		return NULL;
	anon = p[5] == '1';
	p += 7;
	event->mmap.anon = anon;
	event->mmap.file = (struct gg_span){ "", 0 };
	if (!anon) {
		if (!KEY_AT(p, "file="))
			return NULL;
		const char *name = p + 5, *q = name;
		while (q < end && *q != ' ') {
			unsigned char c = (unsigned char)*q;
			if (c < 0x21 || c > 0x7e || c == '=' || c == '\\')
				return NULL;
			q++;
		}
		if (q == name || q == end)
			return NULL;
		event->mmap.file = (struct gg_span){ name, (size_t)(q - name) };
		p = q + 1;
	}
	if (!KEY_AT(p, "ret=") || !(p = hex_token(p + 4, end, &event->mmap.ret.value, true)))
		return NULL;
	event->mmap.ret.failed = false;
	return p;
}

/*
 * The other events of a Go program's run (its threads' forks and exits, the heap's madvise),
 * rare but each thousands of instructions in gg_parse_line(). The module's layout only: a
 * failed madvise, a hex len, a ret in hex decline. Each returns where its last value stops.
 */
static __attribute__((noinline, cold)) const char *fork_body(const char *p, const char *end,
							     struct gg_event *event)
{
	uint64_t child;

	if (!KEY_AT(p, "child=") || !(p = decimal_token(p + 6, end, &child, false)) ||
	    child > UINT32_MAX || !KEY_AT(p, "thread=") || (p[7] != '0' && p[7] != '1') ||
	    p + 7 >= end)
		return NULL;
	event->fork.child = (uint32_t)child;
	event->fork.thread = p[7] == '1';
	return p + 8;
}

static __attribute__((noinline, cold)) const char *exit_body(const char *p, const char *end,
							     struct gg_event *event)
{
	uint64_t code;

	if (!KEY_AT(p, "code="))
		return NULL;
	bool negative = p[5] == '-';
	/* at most 16 digits: the code fits an int64_t either way */
	if (!(p = decimal_token(p + 5 + negative, end, &code, false)) ||
	    !KEY_AT(p, "group_de") || !KEY_AT(p + 8, "ad=") || (p[11] != '0' && p[11] != '1') ||
	    p + 11 >= end)
		return NULL;
	event->exit.code = negative ? -(int64_t)code : (int64_t)code;
	event->exit.group_dead = p[11] == '1';
	return p + 12;
}

static __attribute__((noinline, cold)) const char *madvise_body(const char *p, const char *end,
								struct gg_event *event)
{
	if (!(p = HEX_AFTER(p, end, "addr=0x", &event->madvise.addr)) ||
	    !KEY_AT(p, "len=") || !(p = decimal_token(p + 4, end, &event->madvise.len, false)) ||
	    !KEY_AT(p, "advice=") ||
	    !(p = decimal_token(p + 7, end, &event->madvise.advice, false)) ||
	    !KEY_AT(p, "ret=") || !(p = decimal_token(p + 4, end, &event->madvise.ret.value, true)))
		return NULL;
	event->madvise.ret.failed = false;
	return p;
}

/*
 * The line at p up to its last value, which must stop below end. Returns where it stops, what
 * follows being the caller's to check; for a marker, where its text starts (the rest of the
 * line). NULL: declined.
 */
static const char *fast_line(struct gg_parser *parser, const char *p, const char *end,
			     struct gg_event *event)
{
	if (!KEY_AT(p, "seq=") || !(p = decimal_token(p + 4, end, &event->seq, false)) ||
	    !KEY_AT(p, "ts=") || !(p = decimal_token(p + 3, end, &event->ts, false)) ||
	    !(p = run(&parser->prefix, p, end, 4, parse_prefix, fill_prefix, &event->cpu,
		      PREFIX_FIELDS)))
		return NULL;

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
		return p + 15;
	}
	if (word == LITERAL("ev=tlb_f") && end - p > 13 &&
	    (load64(p + 8) & MASK(5)) == LITERAL("lush ")) {
		event->type = GG_EV_TLB_FLUSH;
		event->type_name = (struct gg_span){ p + 3, 9 };
		return tlb_body(parser, p + 13, end, event);
	}
	if (word == LITERAL("ev=mmap ") && end - p > 8) {
		event->type = GG_EV_MMAP;
		event->type_name = (struct gg_span){ p + 3, 4 };
		return mmap_body(p + 8, end, event);
	}
	if (word == LITERAL("ev=fork ") && end - p > 8) {
		event->type = GG_EV_FORK;
		event->type_name = (struct gg_span){ p + 3, 4 };
		return fork_body(p + 8, end, event);
	}
	if (word == LITERAL("ev=exit ") && end - p > 8) {
		event->type = GG_EV_EXIT;
		event->type_name = (struct gg_span){ p + 3, 4 };
		return exit_body(p + 8, end, event);
	}
	if (word == LITERAL("ev=madvi") && end - p > 11 &&
	    (load64(p + 8) & MASK(3)) == LITERAL("se ")) {
		event->type = GG_EV_MADVISE;
		event->type_name = (struct gg_span){ p + 3, 7 };
		return madvise_body(p + 11, end, event);
	}
	return NULL;
}

int gg_parser_try_fast(struct gg_parser *parser, const char *line, size_t length,
		       struct gg_event *event)
{
	const char *end = line + length;
	const char *stop = fast_line(parser, line, end, event);

	if (!stop)
		return 1;
	if (event->type == GG_EV_MARKER) {
		event->marker.text = (struct gg_span){ stop, (size_t)(end - stop) };
		event->marker.text_plain = gg_plain_prefix(stop, (size_t)(end - stop)) ==
					   (size_t)(end - stop);
		return 0;
	}
	return stop == end ? 0 : 1;
}

int gg_parser_next_line(struct gg_parser *parser, const char *data, const char *limit,
			struct gg_event *event, size_t *length)
{
	const char *stop = fast_line(parser, data, limit, event);

	if (!stop)
		return 1;
	if (event->type == GG_EV_MARKER) {
		const char *text = stop;
		stop = gg_first_escaped(text); /* the '\n' or the padding stops it */
		event->marker.text_plain = stop < limit && *stop == '\n';
		if (!event->marker.text_plain) {
			stop = stop < limit ? memchr(stop, '\n', (size_t)(limit - stop)) : NULL;
			if (!stop)
				return 1;
		}
		event->marker.text = (struct gg_span){ text, (size_t)(stop - text) };
	} else if (stop >= limit || *stop != '\n') {
		return 1;
	}
	*length = (size_t)(stop - data);
	return 0;
}

#else /* not little-endian: the general parser only */

int gg_parser_try_fast(struct gg_parser *parser, const char *line, size_t length,
		       struct gg_event *event)
{
	(void)parser, (void)line, (void)length, (void)event;
	return 1;
}

int gg_parser_next_line(struct gg_parser *parser, const char *data, const char *limit,
			struct gg_event *event, size_t *length)
{
	(void)parser, (void)data, (void)limit, (void)event, (void)length;
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
