/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record the probes store: include/uapi/linux/gogrowth.h, shared with
 * the tool. Probes store raw values only; what a human reads is derived
 * when the ring is read (format.c, decode.c).
 */
#ifndef GOGROWTH_EVENT_H
#define GOGROWTH_EVENT_H

#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/gogrowth.h>

/* Bytes of a string-carrying payload actually stored for @len characters. */
#define GG_STR_PAYLOAD(type, field, len)	(offsetof(type, field) + (len))

#endif /* GOGROWTH_EVENT_H */
