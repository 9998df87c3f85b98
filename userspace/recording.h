/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary recordings: what `gogrowth record --binary` writes and every command that reads a
 * recording accepts beside the text lines (Documentation/ABI.md, "Binary recordings").
 *
 * A recording is a struct gg_recording_header, then the records exactly as the module's
 * events_raw delivers them (<linux/gogrowth.h>): a struct gg_hdr, gg_hdr.len payload bytes, zeros
 * to the next multiple of 8. Fields are in the byte order of the machine that recorded; a reader
 * on another byte order refuses the file (byte_order tells).
 */
#ifndef GOGROWTH_RECORDING_H
#define GOGROWTH_RECORDING_H

#include "event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define GG_RECORDING_MAGIC "GGRECORD" /* 8 bytes, no NUL */
#define GG_RECORDING_MAGIC_SIZE 8
/* Raised when the header or the framing of records changes meaning. */
#define GG_RECORDING_VERSION 1
#define GG_RECORDING_BYTE_ORDER 0x01020304u

struct gg_recording_header {
	char magic[GG_RECORDING_MAGIC_SIZE];
	uint32_t version;        /* GG_RECORDING_VERSION */
	uint32_t header_size;    /* bytes from the start of the file to the first record */
	uint32_t record_version; /* GG_RECORD_VERSION of the records (the module's `stats`) */
	uint32_t byte_order;     /* GG_RECORDING_BYTE_ORDER as written by the recording machine */
};

/* A payload longer than this is a corrupt record, not one from a newer module. */
#define GG_RECORD_MAX_PAYLOAD 4096

void gg_recording_header_init(struct gg_recording_header *header);

/* Whether @data (@size bytes of a file's start) begins with the recording magic. */
bool gg_recording_is_binary(const void *data, size_t size);

/*
 * Check a header read from the start of a file: 0, or -1 with the reason in @why (no prefix).
 */
int gg_recording_check_header(const struct gg_recording_header *header, char *why,
			      size_t why_size);

/*
 * Of the @available bytes at @data, the size of the first record: > 0 when the whole record is
 * there, 0 when more bytes are needed, -1 when the header is corrupt (payload too long).
 */
long gg_record_size(const void *data, size_t available);

/*
 * One record of @size bytes as the module's event line (newline included) in @line, which holds
 * GG_LINE_MAX bytes: byte for byte what `events` prints for it. Returns the line's length.
 */
int gg_record_format(const void *data, size_t size, char *line);

/*
 * Scratch space for gg_record_to_event(): the escaped strings (file and exec names) the event's
 * spans point into. Valid until the next call with the same scratch.
 */
struct gg_record_scratch {
	char text[GG_LINE_MAX];
};

/*
 * One record of @size bytes as a parsed event, the same as gg_parse_line() gives for its line:
 * 0, or -1 with the reason in @error for a record whose line gg_parse_line() refuses too (the
 * module never writes one). A marker's text span points into @data itself (it needs no
 * escaping): valid while @data is.
 */
int gg_record_to_event(const void *data, size_t size, struct gg_event *event,
		       struct gg_record_scratch *scratch, struct gg_parse_error *error);

/*
 * Pieces of gg_record_to_event(), for a reader that counts the frequent records (faults, TLB
 * flushes, markers) without building a struct gg_event: the same values, and the same records
 * taken.
 */

/* Whether gg_record_to_event() takes @fault (its whole struct) as it is. */
static inline bool gg_record_fault_valid(const struct gg_ev_fault *fault)
{
	const struct gg_fault_decoded *d = &fault->d;

	/* one branch, not one per field: nearly every record is valid */
	return (fault->origin < GG_ORIGIN_NR) & (d->access < GG_ACCESS_NR) &
	       (d->lock < GG_LOCK_NR) & (d->level < GG_LVL_P4D || d->level == GG_LVL_UNKNOWN) &
	       (d->trans < GG_TRANS_NR) & (d->result < GG_RESULT_NR) &
	       ((d->old_flags | d->new_flags) < 128) & (fault->ptes_end >= fault->ptes_start) &
	       (fault->ptes <= GG_FAULT_PTES_MAX);
}

/* The tlb_flush event's `pages`: 0 for a whole-mm flush or a range it cannot count. */
static inline uint64_t gg_record_tlb_pages(const struct gg_ev_tlb *tlb)
{
	if (tlb->end != GG_TLB_FLUSH_ALL && tlb->end >= tlb->start && tlb->stride < 64)
		return (tlb->end - tlb->start) >> tlb->stride;
	return 0;
}

/*
 * A marker record's text (of a record of @size bytes), verbatim as the line has it: up to the
 * first NUL, as %.*s prints it, and never past the record's bytes, beyond which the line sees
 * zeros. Returns its first byte, in @data, and in @limit how many bytes it may have. Inline: a
 * reader that keeps the text where it lies needs nothing more of a marker.
 */
static inline const char *gg_record_marker_bytes(const void *data, size_t size, size_t *limit)
{
	const char *payload = (const char *)data + sizeof(struct gg_hdr);
	size_t available = size > sizeof(struct gg_hdr) ? size - sizeof(struct gg_hdr) : 0;
	size_t text_offset = offsetof(struct gg_ev_str, s);
	uint16_t declared = 0;

	if (available > sizeof(union gg_payload))
		available = sizeof(union gg_payload);
	if (__builtin_expect(available >= sizeof(declared), 1)) /* a constant size: one load */
		memcpy(&declared, payload, sizeof(declared));
	else
		memcpy(&declared, payload, available);
	*limit = declared < GG_STR_MAX ? declared : GG_STR_MAX;
	size_t present = available > text_offset ? available - text_offset : 0;
	if (*limit > present)
		*limit = present;
	return payload + text_offset;
}

/*
 * That text's span and whether it is plain, as the event's marker.text and marker.text_plain:
 * points into @data.
 */
void gg_record_marker_text(const void *data, size_t size, struct gg_span *text, bool *plain);

struct gg_line_reader;

/* Takes one record of @size bytes; non-zero means out of memory (or output failed) and stops. */
typedef int (*gg_record_sink)(const void *data, size_t size, void *context);

/*
 * Reads a binary recording from @reader (positioned at its start): checks the header and hands
 * each record to @sink. Returns 0, or 1 after writing to @err what went wrong, naming @name and
 * the record's number and offset.
 */
int gg_recording_read(struct gg_line_reader *reader, const char *name, gg_record_sink sink,
		      void *context, FILE *err);

/*
 * gg_recording_read() of a recording whole in memory (@size bytes at @data, from its header on: a
 * mapped file): the same records, refused with the same messages; each record is handed to @sink
 * where it lies, so what points into it stays valid as long as @data does.
 */
int gg_recording_read_memory(const char *data, size_t size, const char *name,
			     gg_record_sink sink, void *context, FILE *err);

#endif /* GOGROWTH_RECORDING_H */
