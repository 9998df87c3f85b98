/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What format.c needs, in the kernel and in the gogrowth tool: format.c is
 * compiled into both, so that the tool prints a record exactly as the
 * module's `events` file does.
 */
#ifndef GOGROWTH_FORMAT_ENV_H
#define GOGROWTH_FORMAT_ENV_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/types.h>
#else
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;

/* __printf() comes from the tool's Makefile: the formats are checked there too. */
#define ARRAY_SIZE(x)		(sizeof(x) / sizeof((x)[0]))

/* The kernel's: the bytes written, never more than @size - 1. */
static inline int vscnprintf(char *buf, size_t size, const char *fmt,
			     va_list args)
{
	int n;

	if (!size)
		return 0;
	n = vsnprintf(buf, size, fmt, args);
	if (n < 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}
#endif

#endif /* GOGROWTH_FORMAT_ENV_H */
