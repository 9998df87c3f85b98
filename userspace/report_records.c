// SPDX-License-Identifier: GPL-2.0
/*
 * A binary recording into the report's aggregate: see report_records.h. A fault record was
 * converted into a whole struct gg_event (some thirty fields) to have six of them counted; here
 * the frequent records are read for what the aggregate counts, and only once the record is known
 * to be one gg_record_to_event() takes as it is. Every other record, and any record it would
 * refuse, goes through gg_record_to_event() and gg_aggregate_event(): the same counts, the same
 * messages.
 */
#include "report_records.h"

#include "line_reader.h"
#include "recording.h"

#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

struct records_context {
	struct gg_aggregate *aggregate;
	const char *name;
	FILE *err;
	uint64_t number; /* of the record being counted, from 1 */
	bool kept; /* the records stay where they lie (a mapped file): markers' texts are not copied */
};

bool gg_report_records_apply(int fd)
{
	char magic[GG_RECORDING_MAGIC_SIZE];
	off_t at = lseek(fd, 0, SEEK_CUR);

	/* a pipe cannot be looked at without taking its bytes: the event stream reads those */
	if (at < 0)
		return false;
	return pread(fd, magic, sizeof(magic), at) == (ssize_t)sizeof(magic) &&
	       gg_recording_is_binary(magic, sizeof(magic));
}

static int out_of_memory(struct records_context *context)
{
	fprintf(context->err, "gogrowth: out of memory\n");
	return 1;
}

/* The record as gg_event_stream_read() hands it on: refused with its message, or aggregated. */
static int aggregate_event_of(const void *data, size_t size, struct records_context *context)
{
	static struct gg_record_scratch scratch; /* 1.5 KiB: not on the stack */
	struct gg_parse_error error;
	struct gg_event event;

	if (gg_record_to_event(data, size, &event, &scratch, &error)) {
		fprintf(context->err, "gogrowth: %s: record %" PRIu64 ": %s\n", context->name,
			context->number, error.message);
		return 1;
	}
	return gg_aggregate_event(context->aggregate, &event) ? out_of_memory(context) : 0;
}

static int aggregate_record(const void *data, size_t size, void *opaque)
{
	struct records_context *context = opaque;
	const char *payload = (const char *)data + sizeof(struct gg_hdr);
	size_t payload_size = size - sizeof(struct gg_hdr); /* gg_recording_read(): whole headers */
	int32_t ids[2]; /* pid, tid */
	uint16_t type;
	int failed;

	context->number++;
	memcpy(ids, (const char *)data + offsetof(struct gg_hdr, pid), sizeof(ids));
	memcpy(&type, (const char *)data + offsetof(struct gg_hdr, type), sizeof(type));
	if ((ids[0] | ids[1]) < 0) /* refused */
		return aggregate_event_of(data, size, context);

	switch (type) {
	case GG_EV_FAULT: {
		struct gg_ev_fault fault;
		if (payload_size < sizeof(fault))
			break; /* from an older module: zeros for the rest, as the event has them */
		memcpy(&fault, payload, sizeof(fault));
		if (!gg_record_fault_valid(&fault))
			break;
		struct gg_fault_extent extent = {
			fault.addr, fault.ptes, fault.ptes_start, fault.ptes_end,
			(enum gg_level)fault.d.level, (enum gg_trans)fault.d.trans,
		};
		failed = gg_aggregate_fault(context->aggregate, &extent);
		goto counted;
	}
	case GG_EV_TLB_FLUSH: {
		struct gg_ev_tlb tlb;
		if (payload_size < sizeof(tlb))
			break;
		memcpy(&tlb, payload, sizeof(tlb));
		if (tlb.freed > 1)
			break;
		failed = gg_aggregate_tlb_flush(context->aggregate, tlb.start,
						tlb.end == GG_TLB_FLUSH_ALL, gg_record_tlb_pages(&tlb));
		goto counted;
	}
	case GG_EV_MARKER: {
		if (!context->kept)
			break;
		size_t limit;
		const char *text = gg_record_marker_bytes(data, size, &limit);
		failed = gg_aggregate_kept_marker(context->aggregate, text, limit);
		goto counted;
	}
	}
	return aggregate_event_of(data, size, context);
counted:
	return failed ? out_of_memory(context) : 0;
}

/* The mapped file's name, for the message of a file that shrinks under the mapping. */
static const char *mapped_name;

static void mapped_file_shrank(int signal_number)
{
	static const char prefix[] = "gogrowth: ", suffix[] =
		": the file shrank while it was read (a page of the mapping went past its end)\n";

	(void)signal_number;
	/* only async-signal-safe calls: the report is left unwritten, and the exit status says so */
	(void)!write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
	(void)!write(STDERR_FILENO, mapped_name, strlen(mapped_name));
	(void)!write(STDERR_FILENO, suffix, sizeof(suffix) - 1);
	_exit(1);
}

/*
 * A mapped file truncated by someone else while the report reads it (or prints the markers'
 * texts, which stay in the mapping) raises SIGBUS at the first page past its new end. Without
 * this the tool dies of the signal; with it, it says which file and exits 1, as for a file
 * already cut short when it was opened.
 */
static void say_when_the_mapped_file_shrinks(const char *name)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = mapped_file_shrank;
	sigemptyset(&action.sa_mask);
	mapped_name = name;
	sigaction(SIGBUS, &action, NULL);
}

int gg_report_read_records(int fd, const char *name, struct gg_aggregate *aggregate, FILE *err)
{
	struct records_context context = { aggregate, name, err, 0, false };
	struct gg_line_reader reader;
	off_t at = lseek(fd, 0, SEEK_CUR);
	struct stat file;
	int status;

	/*
	 * A file is mapped whole, so that a marker's text, a step's name, is kept where it lies: a
	 * marker-heavy recording spent most of its time copying each text, then copying it again
	 * into the report. Anything that cannot be mapped is read, and its markers copied.
	 */
	if (at >= 0 && fstat(fd, &file) == 0 && S_ISREG(file.st_mode) && file.st_size > at &&
	    (uint64_t)file.st_size <= SIZE_MAX) {
		void *mapping = mmap(NULL, (size_t)file.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (mapping != MAP_FAILED) {
			say_when_the_mapped_file_shrinks(name);
			gg_aggregate_keep_mapping(aggregate, mapping, (size_t)file.st_size);
			context.kept = true;
			return gg_recording_read_memory((const char *)mapping + at,
							(size_t)(file.st_size - at), name,
							aggregate_record, &context, err);
		}
	}
	if (gg_line_reader_init(&reader, fd)) {
		fprintf(err, "gogrowth: out of memory\n");
		return 1;
	}
	status = gg_recording_read(&reader, name, aggregate_record, &context, err);
	gg_line_reader_free(&reader);
	return status;
}
