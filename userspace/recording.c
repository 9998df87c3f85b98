// SPDX-License-Identifier: GPL-2.0
/* Binary recordings and their records: see recording.h. */
#include "recording.h"

#include "escape_text.h"
#include "line_reader.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The largest -errno a return value holds, as the kernel's MAX_ERRNO. */
#define MAX_ERRNO 4095

void gg_recording_header_init(struct gg_recording_header *header)
{
	memset(header, 0, sizeof(*header));
	memcpy(header->magic, GG_RECORDING_MAGIC, GG_RECORDING_MAGIC_SIZE);
	header->version = GG_RECORDING_VERSION;
	header->header_size = sizeof(*header);
	header->record_version = GG_RECORD_VERSION;
	header->byte_order = GG_RECORDING_BYTE_ORDER;
}

bool gg_recording_is_binary(const void *data, size_t size)
{
	return size >= GG_RECORDING_MAGIC_SIZE &&
	       memcmp(data, GG_RECORDING_MAGIC, GG_RECORDING_MAGIC_SIZE) == 0;
}

int gg_recording_check_header(const struct gg_recording_header *header, char *why,
			      size_t why_size)
{
	if (header->byte_order != GG_RECORDING_BYTE_ORDER) {
		snprintf(why, why_size, "recorded on a machine of another byte order (0x%08x)",
			 header->byte_order);
		return -1;
	}
	if (header->version != GG_RECORDING_VERSION) {
		snprintf(why, why_size, "recording format version %u, this tool reads version %u",
			 header->version, GG_RECORDING_VERSION);
		return -1;
	}
	if (header->record_version != GG_RECORD_VERSION) {
		snprintf(why, why_size, "records of version %u, this tool reads version %u",
			 header->record_version, GG_RECORD_VERSION);
		return -1;
	}
	if (header->header_size < sizeof(*header) || header->header_size % 8 ||
	    header->header_size > GG_RECORD_MAX_PAYLOAD) {
		snprintf(why, why_size, "header size %u is not a multiple of 8 in [%zu, %d]",
			 header->header_size, sizeof(*header), GG_RECORD_MAX_PAYLOAD);
		return -1;
	}
	return 0;
}

long gg_record_size(const void *data, size_t available)
{
	uint32_t len; /* the header's only field read: once per record */

	if (available < sizeof(struct gg_hdr))
		return 0;
	memcpy(&len, (const char *)data + offsetof(struct gg_hdr, len), sizeof(len));
	if (len > GG_RECORD_MAX_PAYLOAD)
		return -1;
	size_t size = GG_RECORD_SIZE(len);
	return available < size ? 0 : (long)size;
}

/* The record, aligned, zero beyond what it holds (a shorter payload from an older module). */
static void load(struct gg_rec *record, const void *data, size_t size)
{
	size_t copied = size < sizeof(*record) ? size : sizeof(*record);

	/* only the bytes past the record are cleared: a marker's record is half the struct */
	memcpy(record, data, copied);
	memset((char *)record + copied, 0, sizeof(*record) - copied);
	if (record->h.len > sizeof(record->u))
		record->h.len = sizeof(record->u);
}

int gg_record_format(const void *data, size_t size, char *line)
{
	struct gg_rec record;

	load(&record, data, size);
	return gg_format(&record, line, GG_LINE_MAX);
}

/* A string as format.c writes it: space, '=', '\' and non-printable bytes as \xNN. */
static struct gg_span escape(const char *s, unsigned length, char **out)
{
	static const char hex[] = "0123456789abcdef";
	struct gg_span span = { *out, 0 };
	char *p = *out;

	if (length > GG_STR_MAX)
		length = GG_STR_MAX;
	for (unsigned i = 0; i < length; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e || c == '=' || c == '\\') {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	span.len = (size_t)(p - *out);
	*out = p;
	return span;
}

/* `ret=` as the line shows it: -errno is a failure, anything else a value. */
static struct gg_ret ret_of(int64_t ret)
{
	struct gg_ret r;

	r.failed = ret < 0 && ret >= -MAX_ERRNO;
	r.value = r.failed ? (uint64_t)-ret : (uint64_t)ret;
	return r;
}

static void fault_to_event(const struct gg_ev_fault *f, struct gg_fault *out)
{
	const struct gg_fault_decoded *d = &f->d;

	out->addr = f->addr;
	out->ip = f->ip;
	out->access = (enum gg_access)d->access;
	out->origin = (enum gg_origin)f->origin;
	out->lock = (enum gg_lock)d->lock;
	out->level = (enum gg_level)d->level;
	out->old_entry = f->old;
	out->new_entry = f->new;
	out->old_flags = d->old_flags;
	out->new_flags = d->new_flags;
	out->old_pfn = d->old_pfn;
	out->new_pfn = d->new_pfn;
	out->trans = (enum gg_trans)d->trans;
	out->result = (enum gg_result)d->result;
	out->vmf = f->vmf;
	out->node = f->node;
	out->fflags = f->fflags;
	out->has_ptes = true;
	out->ptes = f->ptes;
	out->ptes_start = f->ptes_start;
	out->ptes_end = f->ptes_end;
}

/*
 * What gg_parse_line() refuses on the fault's line, refused here too: an enumerated value no name
 * stands for (the line would say "unknown", which reads back as another value, and counters are
 * indexed by these), flags beyond "PWUADNH", and a range that ends before it starts.
 */
static int fault_invalid(const struct gg_ev_fault *f, struct gg_parse_error *error)
{
	const struct gg_fault_decoded *d = &f->d;
	const char *what = NULL;

	if (gg_record_fault_valid(f))
		return 0;
	if (f->origin >= GG_ORIGIN_NR)
		what = "origin";
	else if (d->access >= GG_ACCESS_NR)
		what = "access";
	else if (d->lock >= GG_LOCK_NR)
		what = "lock";
	else if (d->level >= GG_LVL_NR || d->level == GG_LVL_P4D || d->level == GG_LVL_PGD)
		what = "level";
	else if (d->trans >= GG_TRANS_NR)
		what = "trans";
	else if (d->result >= GG_RESULT_NR)
		what = "result";
	else if (d->old_flags >= 128 || d->new_flags >= 128)
		what = "old_flags or new_flags";
	if (what) {
		snprintf(error->message, sizeof(error->message), "a fault record's %s is out of range",
			 what);
		return -1;
	}
	if (f->ptes_end < f->ptes_start) {
		snprintf(error->message, sizeof(error->message), "'ptes_end' is below 'ptes_start'");
		return -1;
	}
	if (f->ptes > GG_FAULT_PTES_MAX) {
		snprintf(error->message, sizeof(error->message),
			 "a fault record's ptes is above %d, the entries of one page table",
			 GG_FAULT_PTES_MAX);
		return -1;
	}
	return 0;
}

/* A `ret=` printed in decimal: -errno or a non-negative status. */
static bool status_invalid(int64_t ret)
{
	return ret < -MAX_ERRNO;
}

/* The `ev=` name of a record's type, its length measured once per type rather than per record. */
static struct gg_span type_name(unsigned int type)
{
	static struct gg_span known[GG_EV_NR];
	if (type >= GG_EV_NR) {
		const char *name = gg_type_name(type);
		return (struct gg_span){ name, strlen(name) };
	}
	if (!known[type].ptr) {
		known[type].ptr = gg_type_name(type);
		known[type].len = strlen(known[type].ptr);
	}
	return known[type];
}

/*
 * A payload as the struct of its type: the record's bytes (padding included, as load() takes
 * them), zero beyond them. Only the type's struct is copied, not the whole union: most records
 * are faults, flushes and markers, a fraction of its size.
 */
static inline __attribute__((always_inline)) void load_payload(void *payload, size_t payload_size,
								 const void *data, size_t size)
{
	size_t available = size > sizeof(struct gg_hdr) ? size - sizeof(struct gg_hdr) : 0;

	if (available >= payload_size) {
		memcpy(payload, (const char *)data + sizeof(struct gg_hdr), payload_size);
		return;
	}
	memcpy(payload, (const char *)data + sizeof(struct gg_hdr), available);
	memset((char *)payload + available, 0, payload_size - available);
}

#define LOAD_PAYLOAD(payload, data, size) load_payload(&(payload), sizeof(payload), (data), (size))

static int refuse(struct gg_parse_error *error, const char *what)
{
	snprintf(error->message, sizeof(error->message), "%s", what);
	return -1;
}

/*
 * The text's length, from its first @plain bytes that need no escaping: the NUL is looked for by
 * the scan for bytes that need escaping (a NUL is one), so whether the text is plain is known
 * without a second pass.
 */
static size_t marker_length(const char *text, size_t limit, size_t plain, bool *ends_plain)
{
	*ends_plain = plain == limit || text[plain] == '\0';
	return *ends_plain ? plain : plain + strnlen(text + plain, limit - plain);
}

void gg_record_marker_text(const void *data, size_t size, struct gg_span *text, bool *plain)
{
	size_t limit;
	const char *bytes = gg_record_marker_bytes(data, size, &limit);

	text->ptr = bytes;
	text->len = marker_length(bytes, limit, gg_plain_prefix(bytes, limit), plain);
}

int gg_record_to_event(const void *data, size_t size, struct gg_event *event,
		       struct gg_record_scratch *scratch, struct gg_parse_error *error)
{
	struct gg_hdr h;
	char *text = scratch->text;

	if (size >= sizeof(h)) {
		memcpy(&h, data, sizeof(h));
	} else {
		memset(&h, 0, sizeof(h));
		memcpy(&h, data, size);
	}
	/* the frequent types set every field they have below; the others start from zero */
	if (h.type != GG_EV_FAULT && h.type != GG_EV_TLB_FLUSH && h.type != GG_EV_MARKER)
		memset(event, 0, sizeof(*event));
	/* What no module writes and gg_parse_line() refuses on the line is refused here too. */
	if (h.pid < 0 || h.tid < 0)
		return refuse(error, "a negative pid or tid");
	event->seq = h.seq;
	event->ts = h.ts;
	event->cpu = h.cpu;
	event->pid = (uint32_t)h.pid;
	event->tid = (uint32_t)h.tid;
	event->cr3 = h.cr3;
	event->pgd = h.pgd;
	event->type = h.type < GG_EV_NR ? (enum gg_type)h.type : GG_EV_UNKNOWN;
	event->type_name = type_name(h.type);

	switch (event->type) {
	case GG_EV_LOST: {
		struct gg_ev_lost lost;
		LOAD_PAYLOAD(lost, data, size);
		event->lost.count = lost.count;
		break;
	}
	case GG_EV_MMAP: {
		struct gg_ev_mmap mmap;
		LOAD_PAYLOAD(mmap, data, size);
		if (mmap.anon > 1)
			return refuse(error, "mmap's anon is neither 0 nor 1");
		event->mmap.addr = mmap.addr;
		event->mmap.len = mmap.len;
		event->mmap.prot = mmap.prot;
		event->mmap.flags = mmap.flags;
		event->mmap.pgoff = mmap.pgoff;
		event->mmap.anon = mmap.anon;
		if (!mmap.anon)
			event->mmap.file = escape(mmap.name, mmap.name_len, &text);
		event->mmap.ret = ret_of(mmap.ret);
		break;
	}
	case GG_EV_MUNMAP: {
		struct gg_ev_munmap munmap;
		LOAD_PAYLOAD(munmap, data, size);
		if (status_invalid(munmap.ret))
			return refuse(error, "munmap's ret is below -4095");
		event->munmap.addr = munmap.addr;
		event->munmap.len = munmap.len;
		event->munmap.ret = ret_of(munmap.ret);
		break;
	}
	case GG_EV_MREMAP: {
		struct gg_ev_mremap mremap;
		LOAD_PAYLOAD(mremap, data, size);
		event->mremap.addr = mremap.addr;
		event->mremap.old_len = mremap.old_len;
		event->mremap.new_len = mremap.new_len;
		event->mremap.flags = mremap.flags;
		event->mremap.new_addr = mremap.new_addr;
		event->mremap.ret = ret_of(mremap.ret);
		break;
	}
	case GG_EV_MPROTECT: {
		struct gg_ev_mprotect mprotect;
		LOAD_PAYLOAD(mprotect, data, size);
		if (status_invalid(mprotect.ret))
			return refuse(error, "mprotect's ret is below -4095");
		event->mprotect.addr = mprotect.addr;
		event->mprotect.len = mprotect.len;
		event->mprotect.prot = mprotect.prot;
		event->mprotect.ret = ret_of(mprotect.ret);
		break;
	}
	case GG_EV_MADVISE: {
		struct gg_ev_madvise madvise;
		LOAD_PAYLOAD(madvise, data, size);
		if (status_invalid(madvise.ret) || madvise.advice < 0)
			return refuse(error, "madvise's ret is below -4095 or its advice negative");
		event->madvise.addr = madvise.addr;
		event->madvise.len = madvise.len;
		event->madvise.advice = (uint64_t)madvise.advice;
		event->madvise.ret = ret_of(madvise.ret);
		break;
	}
	case GG_EV_BRK: {
		struct gg_ev_brk brk;
		LOAD_PAYLOAD(brk, data, size);
		event->brk.brk = brk.brk;
		event->brk.ret.failed = false;
		event->brk.ret.value = brk.ret;
		break;
	}
	case GG_EV_FAULT: {
		struct gg_ev_fault fault;
		LOAD_PAYLOAD(fault, data, size);
		if (fault_invalid(&fault, error))
			return -1;
		fault_to_event(&fault, &event->fault);
		break;
	}
	case GG_EV_TLB_FLUSH: {
		struct gg_ev_tlb t;
		LOAD_PAYLOAD(t, data, size);
		if (t.freed > 1)
			return refuse(error, "tlb_flush's freed is neither 0 nor 1");
		event->tlb_flush.start = t.start;
		event->tlb_flush.end = t.end;
		event->tlb_flush.stride = t.stride;
		event->tlb_flush.whole_mm = t.end == GG_TLB_FLUSH_ALL;
		event->tlb_flush.pages = gg_record_tlb_pages(&t);
		event->tlb_flush.freed = t.freed;
		break;
	}
	case GG_EV_FORK: {
		struct gg_ev_fork fork;
		LOAD_PAYLOAD(fork, data, size);
		if (fork.child < 0 || fork.thread > 1)
			return refuse(error, "fork's child is negative or its thread neither 0 nor 1");
		event->fork.child = (uint32_t)fork.child;
		event->fork.thread = fork.thread;
		break;
	}
	case GG_EV_EXEC: {
		struct gg_ev_str exec;
		LOAD_PAYLOAD(exec, data, size);
		event->exec.filename = escape(exec.s, exec.len, &text);
		break;
	}
	case GG_EV_EXIT: {
		struct gg_ev_exit exit;
		LOAD_PAYLOAD(exit, data, size);
		if (exit.group_dead > 1)
			return refuse(error, "exit's group_dead is neither 0 nor 1");
		event->exit.code = exit.code;
		event->exit.group_dead = exit.group_dead;
		break;
	}
	case GG_EV_MARKER:
		gg_record_marker_text(data, size, &event->marker.text, &event->marker.text_plain);
		break;
	case GG_EV_UNKNOWN:
		break;
	}
	return 0;
}

/*
 * Where the records are read from: a line reader, or a recording already whole in memory, handed
 * out in the same pieces so that both are framed, and refused, by the same code.
 */
struct record_source {
	struct gg_line_reader *reader; /* NULL: the bytes below */
	const char *bytes;
	size_t size, at;
};

static long source_peek(struct record_source *source, size_t n, const char **data)
{
	if (source->reader)
		return gg_line_reader_peek(source->reader, n, data);
	size_t left = source->size - source->at;
	*data = source->bytes + source->at;
	return (long)(n < left ? n : left);
}

static void source_skip(struct record_source *source, size_t n)
{
	if (source->reader)
		gg_line_reader_skip(source->reader, n);
	else
		source->at += n;
}

/* The header, checked, and consumed. 0, or 1 after a message. */
static int read_header(struct record_source *source, const char *name, uint64_t *size,
		       FILE *err)
{
	struct gg_recording_header header;
	const char *data;
	char why[160];
	long got;

	got = source_peek(source, sizeof(header), &data);
	if (got == (long)sizeof(header)) {
		memcpy(&header, data, sizeof(header));
		if (gg_recording_check_header(&header, why, sizeof(why))) {
			fprintf(err, "gogrowth: %s: %s\n", name, why);
			return 1;
		}
		got = source_peek(source, header.header_size, &data);
		if (got == (long)header.header_size) {
			source_skip(source, header.header_size);
			*size = header.header_size;
			return 0;
		}
	}
	fprintf(err, "gogrowth: %s: %s\n", name,
		got < 0 ? strerror(errno) : "a binary recording cut short in its header");
	return 1;
}

_Static_assert(GG_RECORD_SIZE(GG_RECORD_MAX_PAYLOAD) <= GG_MAX_LINE_LENGTH,
	       "a peek of GG_MAX_LINE_LENGTH bytes holds the longest record");

static int read_records(struct record_source *source, const char *name, gg_record_sink sink,
			void *context, FILE *err)
{
	uint64_t number = 0, offset;
	const char *data;
	long got, size;

	if (read_header(source, name, &offset, err))
		return 1;
	for (;;) {
		/*
		 * As many bytes as the reader holds (up to 64 KiB, at least one whole record unless
		 * the input ends), then every record wholly inside them: the reader is asked once per
		 * few hundred records, not once per record.
		 */
		got = source_peek(source, GG_MAX_LINE_LENGTH, &data);
		if (got < 0) {
			fprintf(err, "gogrowth: %s: read error: %s\n", name, strerror(errno));
			return 1;
		}
		if (got == 0)
			return 0;
		size_t used = 0;
		while (used < (size_t)got) {
			size = gg_record_size(data + used, (size_t)got - used);
			if (size == 0 && used > 0)
				break; /* the rest of this record is not read yet */
			number++;
			if (size <= 0) { /* cut short: only at the end of the input (see above) */
				fprintf(err, "gogrowth: %s: record %" PRIu64 " at byte %" PRIu64 ": %s\n",
					name, number, offset,
					size < 0 ? "corrupt (a payload longer than 4096 bytes)"
						 : "cut short");
				return 1;
			}
			if (sink(data + used, (size_t)size, context))
				return 1;
			used += (size_t)size;
			offset += (uint64_t)size;
		}
		source_skip(source, used);
	}
}

int gg_recording_read(struct gg_line_reader *reader, const char *name, gg_record_sink sink,
		      void *context, FILE *err)
{
	struct record_source source = { reader, NULL, 0, 0 };

	return read_records(&source, name, sink, context, err);
}

int gg_recording_read_memory(const char *data, size_t size, const char *name,
			     gg_record_sink sink, void *context, FILE *err)
{
	struct record_source source = { NULL, data, size, 0 };

	return read_records(&source, name, sink, context, err);
}
