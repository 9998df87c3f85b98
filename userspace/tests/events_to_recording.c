// SPDX-License-Identifier: GPL-2.0
/*
 * Event lines back into the binary recording the module's events_raw would have given for
 * them: for `make bench-reader`, which measures `check --all`'s events (kept as lines by
 * `check --keep`, since check reads the text stream) in both formats. The lines are parsed by
 * the tool's strict parser; every value the module's formatter writes comes from one field of
 * the record, so `gogrowth print` of the result gives the lines back byte for byte, which
 * `make test` checks (report_test.sh). The one field no line shows, a fault's raw old_level
 * and new_level, is set to its level=.
 * Usage: events_to_recording < LINES > RECORDING
 */
#include "event.h"
#include "recording.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * \xNN escapes back to their bytes (the parser checked the form); -1 if there are more than a
 * record holds (GG_STR_MAX), which no line of the module has.
 */
static int unescape(struct gg_span escaped, char *out, uint16_t *length)
{
	uint16_t n = 0;

	for (size_t i = 0; i < escaped.len; n++) {
		if (n == GG_STR_MAX)
			return -1;
		if (escaped.ptr[i] == '\\') {
			char hex[3] = { escaped.ptr[i + 2], escaped.ptr[i + 3], 0 };
			out[n] = (char)strtoul(hex, NULL, 16);
			i += 4;
		} else {
			out[n] = escaped.ptr[i++];
		}
	}
	*length = n;
	return 0;
}

static int64_t ret_value(struct gg_ret ret)
{
	return ret.failed ? -(int64_t)ret.value : (int64_t)ret.value;
}

static void fault_record(const struct gg_fault *f, struct gg_ev_fault *out)
{
	out->addr = f->addr;
	out->ip = f->ip;
	out->old = f->old_entry;
	out->new = f->new_entry;
	out->ptes_start = f->ptes_start;
	out->ptes_end = f->ptes_end;
	out->ptes = (uint32_t)f->ptes;
	out->fflags = (uint32_t)f->fflags;
	out->vmf = (uint32_t)f->vmf;
	out->node = (int32_t)f->node;
	out->origin = (uint8_t)f->origin;
	out->old_level = out->new_level = (uint8_t)f->level;
	out->d.old_pfn = f->old_pfn;
	out->d.new_pfn = f->new_pfn;
	out->d.access = (uint8_t)f->access;
	out->d.lock = (uint8_t)f->lock;
	out->d.level = (uint8_t)f->level;
	out->d.trans = (uint8_t)f->trans;
	out->d.result = (uint8_t)f->result;
	out->d.old_flags = (uint8_t)f->old_flags;
	out->d.new_flags = (uint8_t)f->new_flags;
}

/*
 * The payload of @e in @u; returns its length in bytes (as the module sizes it), or -1 with
 * what the module could not have written in *why.
 */
static long payload(const struct gg_event *e, union gg_payload *u, const char **why)
{
	*why = "a string is longer than a record holds (GG_STR_MAX bytes)";
	switch (e->type) {
	case GG_EV_LOST:
		u->lost.count = e->lost.count;
		return sizeof(u->lost);
	case GG_EV_MMAP:
		u->mmap.addr = e->mmap.addr;
		u->mmap.len = e->mmap.len;
		u->mmap.prot = e->mmap.prot;
		u->mmap.flags = e->mmap.flags;
		u->mmap.pgoff = e->mmap.pgoff;
		u->mmap.ret = ret_value(e->mmap.ret);
		u->mmap.anon = e->mmap.anon;
		if (unescape(e->mmap.file, u->mmap.name, &u->mmap.name_len))
			return -1;
		return (long)(offsetof(struct gg_ev_mmap, name) + u->mmap.name_len);
	case GG_EV_MUNMAP:
		u->munmap.addr = e->munmap.addr;
		u->munmap.len = e->munmap.len;
		u->munmap.ret = ret_value(e->munmap.ret);
		return sizeof(u->munmap);
	case GG_EV_MREMAP:
		u->mremap.addr = e->mremap.addr;
		u->mremap.old_len = e->mremap.old_len;
		u->mremap.new_len = e->mremap.new_len;
		u->mremap.flags = e->mremap.flags;
		u->mremap.new_addr = e->mremap.new_addr;
		u->mremap.ret = ret_value(e->mremap.ret);
		return sizeof(u->mremap);
	case GG_EV_MPROTECT:
		u->mprotect.addr = e->mprotect.addr;
		u->mprotect.len = e->mprotect.len;
		u->mprotect.prot = e->mprotect.prot;
		u->mprotect.ret = ret_value(e->mprotect.ret);
		return sizeof(u->mprotect);
	case GG_EV_MADVISE:
		u->madvise.addr = e->madvise.addr;
		u->madvise.len = e->madvise.len;
		u->madvise.advice = (int64_t)e->madvise.advice;
		u->madvise.ret = ret_value(e->madvise.ret);
		return sizeof(u->madvise);
	case GG_EV_BRK:
		u->brk.brk = e->brk.brk;
		u->brk.ret = (uint64_t)ret_value(e->brk.ret);
		return sizeof(u->brk);
	case GG_EV_FAULT:
		fault_record(&e->fault, &u->fault);
		return sizeof(u->fault); /* events_raw delivers the decoding too */
	case GG_EV_TLB_FLUSH:
		u->tlb.start = e->tlb_flush.start;
		u->tlb.end = e->tlb_flush.end;
		u->tlb.stride = (uint32_t)e->tlb_flush.stride;
		u->tlb.freed = e->tlb_flush.freed;
		return sizeof(u->tlb);
	case GG_EV_FORK:
		u->fork.child = (int32_t)e->fork.child;
		u->fork.thread = e->fork.thread;
		return sizeof(u->fork);
	case GG_EV_EXEC:
		if (unescape(e->exec.filename, u->exec.s, &u->exec.len))
			return -1;
		return (long)(offsetof(struct gg_ev_str, s) + u->exec.len);
	case GG_EV_EXIT:
		u->exit.code = (int32_t)e->exit.code;
		u->exit.group_dead = e->exit.group_dead;
		return sizeof(u->exit);
	case GG_EV_MARKER: /* verbatim: the writer allows no NUL and no newline */
		if (e->marker.text.len > GG_STR_MAX)
			return -1;
		if (memchr(e->marker.text.ptr, 0, e->marker.text.len)) {
			*why = "a marker's text holds a NUL, which ends it in a record";
			return -1;
		}
		u->marker.len = (uint16_t)e->marker.text.len;
		memcpy(u->marker.s, e->marker.text.ptr, u->marker.len);
		return (long)(offsetof(struct gg_ev_str, s) + u->marker.len);
	default:
		*why = "an event type the module does not record";
		return -1;
	}
}

int main(void)
{
	struct gg_recording_header header;
	char *line = NULL;
	size_t capacity = 0, number = 0;
	ssize_t length;
	int status = 0;

	gg_recording_header_init(&header);
	if (fwrite(&header, sizeof(header), 1, stdout) != 1)
		status = 1;
	while (status == 0 && (length = getline(&line, &capacity, stdin)) > 0) {
		struct gg_parse_error error;
		struct gg_event event;
		struct gg_rec record;

		number++;
		if (line[length - 1] == '\n')
			line[--length] = '\0';
		if (gg_parse_line(line, (size_t)length, &event, &error)) {
			fprintf(stderr, "events_to_recording: line %zu: %s\n", number, error.message);
			status = 1;
			break;
		}
		memset(&record, 0, sizeof(record));
		const char *why;
		long len = payload(&event, &record.u, &why);
		if (len < 0) {
			fprintf(stderr, "events_to_recording: line %zu: %s\n", number, why);
			status = 1;
			break;
		}
		record.h.seq = event.seq;
		record.h.ts = event.ts;
		record.h.cr3 = event.cr3;
		record.h.pgd = event.pgd;
		record.h.pid = (int32_t)event.pid;
		record.h.tid = (int32_t)event.tid;
		record.h.type = (uint16_t)event.type;
		record.h.cpu = (uint16_t)event.cpu;
		record.h.len = (uint32_t)len;
		if (fwrite(&record, GG_RECORD_SIZE(record.h.len), 1, stdout) != 1)
			status = 1;
	}
	free(line);
	if (fflush(stdout) || ferror(stdout)) {
		fputs("events_to_recording: cannot write the recording\n", stderr);
		status = 1;
	}
	return status;
}
