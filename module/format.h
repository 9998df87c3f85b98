/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_FORMAT_H
#define GOGROWTH_FORMAT_H

#include <linux/types.h>

#include "event.h"

const char *gg_type_name(unsigned int type);
int gg_format(const struct gg_rec *r, char *buf, size_t size);

#endif /* GOGROWTH_FORMAT_H */
