/* SPDX-License-Identifier: GPL-2.0 */
/* Verbatim text (a marker's, naming a step) made safe for a terminal. */
#ifndef GOGROWTH_ESCAPE_TEXT_H
#define GOGROWTH_ESCAPE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * @length bytes of @text at @out, every byte but printable ASCII, and '\' (so \x is never
 * ambiguous), as \xNN with lower-case hex. @out has room for 4 * @length bytes; returns the end
 * of what was written.
 */
char *gg_put_escaped(char *out, const char *text, size_t length);

/*
 * How many leading bytes of @text gg_put_escaped() would write as they are: @length when none
 * needs escaping. A NUL needs escaping, so this also stops at the end of a C string: a reader
 * that scans a text for its NUL learns whether it is plain for the same pass.
 */
size_t gg_plain_prefix(const char *text, size_t length);

/*
 * gg_plain_prefix() of @text, which is also copied to @out (@length bytes, nothing beyond): a
 * text kept verbatim is checked in the same pass that keeps it.
 */
size_t gg_copy_plain_prefix(char *out, const char *text, size_t length);

/*
 * gg_put_escaped() of a text that ends at its first NUL within @limit bytes, measured and checked
 * in the pass that copies it out (a marker's text, kept where it lay in the recording): @out has
 * room for 4 * @limit bytes; returns the end of what was written.
 */
char *gg_put_escaped_to_nul(char *out, const char *text, size_t limit);

/*
 * The first byte at or after @p that gg_put_escaped() would escape, looked for without a length:
 * the caller knows there is one (a line's '\n', or the zero padding after the data) and that 32
 * bytes past it may be read. A parser finds a marker text's end and learns whether it is plain
 * in this one pass.
 */
const char *gg_first_escaped(const char *p);

/*
 * Whether the functions above may take their AVX2 paths where the CPU has AVX2 (the default):
 * the tests turn it off to check the SSE2 paths on a machine that has AVX2.
 */
void gg_escape_text_allow_avx2(bool allow);

#endif /* GOGROWTH_ESCAPE_TEXT_H */
