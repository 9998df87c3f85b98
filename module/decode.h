/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_DECODE_H
#define GOGROWTH_DECODE_H

#include "event.h"

/*
 * Fills in what a reader derives from a record's raw values (a fault's
 * struct gg_fault_decoded) and extends its length to cover it. Process
 * context, on a copy of the record taken from the ring.
 */
void gg_decode(struct gg_rec *r);

#endif /* GOGROWTH_DECODE_H */
