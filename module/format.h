/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One record as one text line (Documentation/ABI.md, "Event lines"), and
 * the names of its enumerated values: shared by the module and the tool.
 */
#ifndef GOGROWTH_FORMAT_H
#define GOGROWTH_FORMAT_H

#include <linux/gogrowth.h>

/* "unknown" for a value out of range. */
const char *gg_type_name(unsigned int type);
const char *gg_origin_name(unsigned int origin);
const char *gg_level_name(unsigned int level);
const char *gg_access_name(unsigned int access);
const char *gg_lock_name(unsigned int lock);
const char *gg_trans_name(unsigned int trans);
const char *gg_result_name(unsigned int result);

/*
 * @r must be decoded (a fault's gg_fault_decoded filled in, as events_raw
 * delivers it). Returns the length of the line written to @buf, newline
 * included; @size GG_LINE_MAX always holds a whole line.
 */
int gg_format(const struct gg_rec *r, char *buf, size_t size);

#endif /* GOGROWTH_FORMAT_H */
