// SPDX-License-Identifier: GPL-2.0
/*
 * Escaping of verbatim text: see escape_text.h. Step names are marker texts, and a marker-heavy
 * recording prints one per step, so runs of bytes that go out as they are (nearly all of a
 * real marker's) are checked and stored 64 or 16 bytes at a time, without a separate copy.
 */
#include "escape_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

static const char hex_digits[] = "0123456789abcdef";

static inline bool needs_escape(unsigned char c)
{
	return c < 0x20 || c > 0x7e || c == '\\';
}

/* A byte at a time: for texts too short for a vector, and where there is no SSE2. */
static inline size_t plain_prefix_bytewise(const char *text, size_t length)
{
	size_t i = 0;

	while (i < length && !needs_escape((unsigned char)text[i]))
		i++;
	return i;
}

static char *put_escape(char *out, unsigned char c)
{
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex_digits[c >> 4];
	out[3] = hex_digits[c & 15];
	return out + 4;
}

/* Fewer than 16 bytes, as overlapping moves rather than a call to memcpy. */
static inline void copy_short(char *out, const char *text, size_t n)
{
	if (n >= 8) {
		uint64_t a, b;
		memcpy(&a, text, 8);
		memcpy(&b, text + n - 8, 8);
		memcpy(out, &a, 8);
		memcpy(out + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, text, 4);
		memcpy(&b, text + n - 4, 4);
		memcpy(out, &a, 4);
		memcpy(out + n - 4, &b, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			out[i] = text[i];
	}
}

#ifdef __SSE2__

/* 0xff in each byte that goes out as it is: 0x20..0x7e but '\'. */
static inline __m128i plain_bytes(__m128i bytes)
{
	/* +0x60 moves 0x20..0x7e to 0x80..0xde, the signed bytes below -0x21 */
	__m128i printable = _mm_cmplt_epi8(_mm_add_epi8(bytes, _mm_set1_epi8(0x60)),
					   _mm_set1_epi8(-0x21));
	return _mm_andnot_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')), printable);
}

static inline __m128i load16(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static inline void store16(char *p, __m128i v)
{
	_mm_storeu_si128((__m128i *)(void *)p, v);
}

/* gg_plain_prefix() of a text of 16 bytes or more that is known to hold an escape. */
static size_t first_escape(const char *text, size_t length)
{
	size_t i = 0;

	while (length - i >= 16) {
		unsigned escape = ~(unsigned)_mm_movemask_epi8(plain_bytes(load16(text + i))) & 0xffff;
		if (escape)
			return i + (unsigned)__builtin_ctz(escape);
		i += 16;
	}
	/* the last 16 bytes, of which the first 16 - rest were seen already */
	size_t rest = length - i;
	if (rest == 0)
		return length;
	unsigned escape = ~(unsigned)_mm_movemask_epi8(plain_bytes(load16(text + length - 16)));
	escape = (escape & 0xffff) >> (16 - rest);
	return escape ? i + (unsigned)__builtin_ctz(escape) : length;
}

/*
 * Byte minus 0x20 is at most 0x5e (unsigned) for the printable range: the largest of these over
 * the whole text, and whether any was a '\', are gathered without a branch per vector; nearly
 * every marker is plain, and only one that is not is searched for where.
 */
static inline void gather_plain(__m128i bytes, __m128i *highest, __m128i *backslashes)
{
	__m128i shifted = _mm_sub_epi8(bytes, _mm_set1_epi8(0x20));
	*highest = _mm_max_epu8(*highest, shifted);
	*backslashes = _mm_or_si128(*backslashes, _mm_cmpeq_epi8(shifted, _mm_set1_epi8('\\' - 0x20)));
}

/* What gather_plain() gathered: the plain prefix's length, @length when all of it is plain. */
static inline size_t gathered_plain_prefix(__m128i highest, __m128i backslashes, const char *text,
					   size_t length)
{
	__m128i in_range = _mm_cmpeq_epi8(_mm_max_epu8(highest, _mm_set1_epi8(0x5e)),
					  _mm_set1_epi8(0x5e));
	if (_mm_movemask_epi8(_mm_andnot_si128(backslashes, in_range)) == 0xffff)
		return length;
	return first_escape(text, length);
}

#ifdef HAVE_AVX2_PATH

/*
 * A text of 32 bytes or more checked 32 bytes a vector where the machine has AVX2 (asked at run
 * time: the build assumes SSE2 only): half the instructions of 16-byte vectors, and a marker's
 * text is some 100 to 250 bytes, checked once per step printed.
 */
#define AVX2 __attribute__((target("avx2")))

/* Asked once, at start-up: one load where it is used, not the CPU model's test. */
static bool use_avx2;

__attribute__((constructor)) static void ask_the_cpu_for_avx2(void)
{
	__builtin_cpu_init();
	use_avx2 = __builtin_cpu_supports("avx2");
}

static inline bool have_avx2(void)
{
	return use_avx2;
}

/* gather_plain() 32 bytes a vector, the text copied to @out too when @copy. */
static AVX2 inline __attribute__((always_inline)) size_t plain_prefix32(char *out, const char *text,
									   size_t length, bool copy)
{
	/* the constants named once: gcc made each again at every use */
	const __m256i space = _mm256_set1_epi8(0x20), shifted_backslash = _mm256_set1_epi8('\\' - 0x20);
	const __m256i shifted_tilde = _mm256_set1_epi8('~' - 0x20);
	__m256i highest = _mm256_setzero_si256(), backslashes = _mm256_setzero_si256();

	/* one vector a turn: two a turn saved no instruction on a marker's 100 to 250 bytes */
	for (size_t i = 0; i + 32 < length; i += 32) {
		__m256i bytes = _mm256_loadu_si256((const __m256i *)(const void *)(text + i));
		if (copy)
			_mm256_storeu_si256((__m256i *)(void *)(out + i), bytes);
		__m256i shifted = _mm256_sub_epi8(bytes, space);
		highest = _mm256_max_epu8(highest, shifted);
		backslashes = _mm256_or_si256(backslashes, _mm256_cmpeq_epi8(shifted, shifted_backslash));
	}
	/* the last 32 bytes; may overlap: harmless */
	__m256i bytes = _mm256_loadu_si256((const __m256i *)(const void *)(text + length - 32));
	if (copy)
		_mm256_storeu_si256((__m256i *)(void *)(out + length - 32), bytes);
	__m256i shifted = _mm256_sub_epi8(bytes, space);
	highest = _mm256_max_epu8(highest, shifted);
	backslashes = _mm256_or_si256(backslashes, _mm256_cmpeq_epi8(shifted, shifted_backslash));
	__m256i in_range = _mm256_cmpeq_epi8(_mm256_max_epu8(highest, shifted_tilde), shifted_tilde);
	if ((uint32_t)_mm256_movemask_epi8(_mm256_andnot_si256(backslashes, in_range)) == 0xffffffffu)
		return length;
	return first_escape(text, length);
}

static AVX2 const char *first_escaped_avx2(const char *p)
{
	/* +0x60 moves 0x20..0x7e to 0x80..0xde, the signed bytes below -0x21 */
	const __m256i shift = _mm256_set1_epi8(0x60), bound = _mm256_set1_epi8(-0x21);
	const __m256i backslash = _mm256_set1_epi8('\\');

	for (;; p += 32) {
		__m256i bytes = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i printable = _mm256_cmpgt_epi8(bound, _mm256_add_epi8(bytes, shift));
		__m256i plain = _mm256_andnot_si256(_mm256_cmpeq_epi8(bytes, backslash), printable);
		uint32_t escaped = ~(uint32_t)_mm256_movemask_epi8(plain);
		if (escaped)
			return p + __builtin_ctz(escaped);
	}
}

static AVX2 size_t plain_prefix_avx2(const char *text, size_t length)
{
	return plain_prefix32(NULL, text, length, false);
}

static AVX2 size_t copy_plain_prefix_avx2(char *out, const char *text, size_t length)
{
	return plain_prefix32(out, text, length, true);
}

#endif /* HAVE_AVX2_PATH */

size_t gg_plain_prefix(const char *text, size_t length)
{
#ifdef HAVE_AVX2_PATH
	if (length >= 32 && have_avx2())
		return plain_prefix_avx2(text, length);
#endif
	if (length < 16)
		return plain_prefix_bytewise(text, length);
	__m128i highest = _mm_setzero_si128(), backslashes = _mm_setzero_si128();
	size_t i = 0;
	for (; length - i >= 32; i += 32) {
		gather_plain(load16(text + i), &highest, &backslashes);
		gather_plain(load16(text + i + 16), &highest, &backslashes);
	}
	if (length - i >= 16)
		gather_plain(load16(text + i), &highest, &backslashes);
	gather_plain(load16(text + length - 16), &highest, &backslashes); /* may overlap: harmless */
	return gathered_plain_prefix(highest, backslashes, text, length);
}

/* gg_copy_plain_prefix(), inline in gg_put_escaped_to_nul(): one call per marker printed. */
static inline size_t copy_plain_prefix(char *out, const char *text, size_t length)
{
#ifdef HAVE_AVX2_PATH
	if (length >= 32 && have_avx2())
		return copy_plain_prefix_avx2(out, text, length);
#endif
	if (length < 16) {
		copy_short(out, text, length);
		return plain_prefix_bytewise(text, length);
	}
	__m128i highest = _mm_setzero_si128(), backslashes = _mm_setzero_si128();
	size_t i = 0;
	for (; length - i >= 32; i += 32) {
		__m128i a = load16(text + i), b = load16(text + i + 16);
		store16(out + i, a);
		store16(out + i + 16, b);
		gather_plain(a, &highest, &backslashes);
		gather_plain(b, &highest, &backslashes);
	}
	if (length - i >= 16) {
		__m128i a = load16(text + i);
		store16(out + i, a);
		gather_plain(a, &highest, &backslashes);
	}
	__m128i last = load16(text + length - 16); /* may overlap: harmless */
	store16(out + length - 16, last);
	gather_plain(last, &highest, &backslashes);
	return gathered_plain_prefix(highest, backslashes, text, length);
}

size_t gg_copy_plain_prefix(char *out, const char *text, size_t length)
{
	return copy_plain_prefix(out, text, length);
}

const char *gg_first_escaped(const char *p)
{
#ifdef HAVE_AVX2_PATH
	if (have_avx2())
		return first_escaped_avx2(p);
#endif
	for (;; p += 16) {
		unsigned escaped = ~(unsigned)_mm_movemask_epi8(plain_bytes(load16(p))) & 0xffff;
		if (escaped)
			return p + __builtin_ctz(escaped);
	}
}

char *gg_put_escaped(char *out, const char *text, size_t length)
{
	size_t i = 0;

	/*
	 * A vector is stored whole before its escape (if any) is known: the bytes after the escape
	 * are overwritten next. Stores stay inside the room: out is at most 4 * i past its start,
	 * and a vector is only stored while 16 bytes of text remain.
	 */
	for (;;) {
		while (length - i >= 64) {
			__m128i a = load16(text + i), b = load16(text + i + 16);
			__m128i c = load16(text + i + 32), d = load16(text + i + 48);
			__m128i plain = _mm_and_si128(_mm_and_si128(plain_bytes(a), plain_bytes(b)),
						      _mm_and_si128(plain_bytes(c), plain_bytes(d)));
			if (_mm_movemask_epi8(plain) != 0xffff)
				break;
			store16(out, a);
			store16(out + 16, b);
			store16(out + 32, c);
			store16(out + 48, d);
			i += 64;
			out += 64;
		}
		while (length - i >= 16) {
			__m128i bytes = load16(text + i);
			unsigned escape = ~(unsigned)_mm_movemask_epi8(plain_bytes(bytes)) & 0xffff;
			store16(out, bytes);
			if (escape) {
				unsigned run = (unsigned)__builtin_ctz(escape);
				out = put_escape(out + run, (unsigned char)text[i + run]);
				i += run + 1;
				goto next;
			}
			i += 16;
			out += 16;
		}
		size_t rest = length - i;
		if (rest == 0)
			return out;
		size_t run = 0;
		if (length >= 16) {
			/* the last 16 bytes, of which the first 16 - rest were seen already */
			unsigned escape = ~(unsigned)_mm_movemask_epi8(plain_bytes(load16(text + length - 16)));
			escape = (escape & 0xffff) >> (16 - rest);
			run = escape ? (unsigned)__builtin_ctz(escape) : rest;
		} else {
			while (run < rest && !needs_escape((unsigned char)text[i + run]))
				run++;
		}
		copy_short(out, text + i, run);
		out += run;
		i += run;
		if (i == length)
			return out;
		out = put_escape(out, (unsigned char)text[i]);
		i++;
next:;
	}
}

#else /* no SSE2: a byte at a time */

size_t gg_plain_prefix(const char *text, size_t length)
{
	return plain_prefix_bytewise(text, length);
}

static inline size_t copy_plain_prefix(char *out, const char *text, size_t length)
{
	memcpy(out, text, length);
	return gg_plain_prefix(text, length);
}

const char *gg_first_escaped(const char *p)
{
	while (!needs_escape((unsigned char)*p))
		p++;
	return p;
}

size_t gg_copy_plain_prefix(char *out, const char *text, size_t length)
{
	return copy_plain_prefix(out, text, length);
}

char *gg_put_escaped(char *out, const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (needs_escape(c))
			out = put_escape(out, c);
		else
			*out++ = (char)c;
	}
	return out;
}

#endif

char *gg_put_escaped_to_nul(char *out, const char *text, size_t limit)
{
	size_t plain = copy_plain_prefix(out, text, limit);

	/* a NUL needs escaping: the plain prefix stops at the text's end too */
	if (plain == limit || text[plain] == '\0')
		return out + plain;
	size_t length = plain + strnlen(text + plain, limit - plain);
	return gg_put_escaped(out + plain, text + plain, length - plain);
}

void gg_escape_text_allow_avx2(bool allow)
{
#ifdef HAVE_AVX2_PATH
	__builtin_cpu_init();
	use_avx2 = allow && __builtin_cpu_supports("avx2");
#else
	(void)allow;
#endif
}
