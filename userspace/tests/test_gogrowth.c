// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the parser, the aggregator and the report command.
 * Usage: test_gogrowth [TESTS_DIR]   (TESTS_DIR holds sample.events; default "tests")
 * The last line of output is "N passed, N failed"; the exit status is 1 if anything failed.
 */
#include "aggregate.h"
#include "check.h"
#include "go_rules.h"
#include "trace_events.h"
#include "cli.h"
#include "event.h"
#include "escape_text.h"
#include "event_compare.h"
#include "recording.h"
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned passed, failed;
static const char *current_test;

#define CHECK(condition) check((condition), #condition, __FILE__, __LINE__)
#define CHECK_U64(actual, expected) check_u64((actual), (expected), #actual, __FILE__, __LINE__)
#define CHECK_STR(actual, expected) check_str((actual), (expected), #actual, __FILE__, __LINE__)

static void check(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: %s:%d: %s\n", current_test, file, line, what);
}

static void check_u64(uint64_t actual, uint64_t expected, const char *what, const char *file,
		      int line)
{
	if (actual == expected) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: %s:%d: %s is %" PRIu64 " (0x%" PRIx64 "), expected %" PRIu64 "\n",
	       current_test, file, line, what, actual, actual, expected);
}

static void check_str(const char *actual, const char *expected, const char *what,
		      const char *file, int line)
{
	if (actual && strcmp(actual, expected) == 0) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: %s:%d: %s is \"%s\", expected \"%s\"\n", current_test, file, line, what,
	       actual ? actual : "(null)", expected);
}

static bool span_equals(struct gg_span span, const char *text)
{
	return span.len == strlen(text) && memcmp(span.ptr, text, span.len) == 0;
}

#define PREFIX "seq=7 ts=123456789 cpu=3 pid=1234 tid=1235 cr3=0x10b2a6801 pgd=0x10b2a6000 "

/* Parse a NUL-terminated line; 0 on success. The error message is kept in last_error. */
static struct gg_parse_error last_error;
static int parse(const char *line, struct gg_event *event)
{
	memset(event, 0xa5, sizeof(*event)); /* catch fields the parser forgets to set */
	last_error.message[0] = '\0';
	return gg_parse_line(line, strlen(line), event, &last_error);
}

/* Expect a parse failure whose message contains `fragment`. */
static void expect_error(const char *line, const char *fragment, int source_line)
{
	struct gg_event event;
	int result = parse(line, &event);
	check(result == -1, "parse fails", __FILE__, source_line);
	if (result == -1 && !strstr(last_error.message, fragment)) {
		failed++;
		printf("FAIL %s: %s:%d: message \"%s\" lacks \"%s\"\n", current_test, __FILE__,
		       source_line, last_error.message, fragment);
	} else if (result == -1) {
		passed++;
	}
}
#define EXPECT_ERROR(line, fragment) expect_error((line), (fragment), __LINE__)

/* ---- parser: every event type ---- */

static void test_common_prefix(void)
{
	struct gg_event e;
	current_test = "common prefix";
	CHECK(parse(PREFIX "ev=brk brk=0x4000 ret=0x5000", &e) == 0);
	CHECK_U64(e.seq, 7);
	CHECK_U64(e.ts, 123456789);
	CHECK_U64(e.cpu, 3);
	CHECK_U64(e.pid, 1234);
	CHECK_U64(e.tid, 1235);
	CHECK_U64(e.cr3, 0x10b2a6801);
	CHECK_U64(e.pgd, 0x10b2a6000);
	CHECK(e.type == GG_EV_BRK);
	CHECK(span_equals(e.type_name, "brk"));
	CHECK_U64(e.brk.brk, 0x4000);
	CHECK(!e.brk.ret.failed);
	CHECK_U64(e.brk.ret.value, 0x5000);
}

static void test_mmap(void)
{
	struct gg_event e;
	current_test = "mmap";
	CHECK(parse(PREFIX "ev=mmap addr=0xc000000000 len=67108864 prot=0x0 flags=0x22 pgoff=0 "
			   "anon=1 ret=0xc000000000", &e) == 0);
	CHECK(e.type == GG_EV_MMAP);
	CHECK_U64(e.mmap.addr, 0xc000000000);
	CHECK_U64(e.mmap.len, 67108864);
	CHECK_U64(e.mmap.prot, 0);
	CHECK_U64(e.mmap.flags, 0x22);
	CHECK_U64(e.mmap.pgoff, 0);
	CHECK(e.mmap.anon);
	CHECK_U64(e.mmap.file.len, 0);
	CHECK(!e.mmap.ret.failed);
	CHECK_U64(e.mmap.ret.value, 0xc000000000);

	/* file mapping; len and pgoff in hex are accepted (the ABI leaves their base open) */
	CHECK(parse(PREFIX "ev=mmap addr=0x0 len=0x2000 prot=0x5 flags=0x802 pgoff=0x10 anon=0 "
			   "file=libc\\x20copy.so ret=-12", &e) == 0);
	CHECK_U64(e.mmap.len, 0x2000);
	CHECK_U64(e.mmap.pgoff, 0x10);
	CHECK(!e.mmap.anon);
	CHECK(span_equals(e.mmap.file, "libc\\x20copy.so"));
	CHECK(e.mmap.ret.failed);
	CHECK_U64(e.mmap.ret.value, 12);

	/* an empty file name is a file name */
	CHECK(parse(PREFIX "ev=mmap addr=0x0 len=1 prot=0x1 flags=0x2 pgoff=0 anon=0 file= ret=0x1000",
		    &e) == 0);
	CHECK_U64(e.mmap.file.len, 0);
}

static void test_munmap_mremap_mprotect_madvise(void)
{
	struct gg_event e;
	current_test = "munmap/mremap/mprotect/madvise";
	CHECK(parse(PREFIX "ev=munmap addr=0x7f0000000000 len=8192 ret=0", &e) == 0);
	CHECK(e.type == GG_EV_MUNMAP);
	CHECK_U64(e.munmap.addr, 0x7f0000000000);
	CHECK_U64(e.munmap.len, 8192);
	CHECK(!e.munmap.ret.failed);
	CHECK_U64(e.munmap.ret.value, 0);

	CHECK(parse(PREFIX "ev=mremap addr=0x1000 old_len=4096 new_len=8192 flags=0x1 "
			   "new_addr=0x0 ret=0x7f0000010000", &e) == 0);
	CHECK(e.type == GG_EV_MREMAP);
	CHECK_U64(e.mremap.addr, 0x1000);
	CHECK_U64(e.mremap.old_len, 4096);
	CHECK_U64(e.mremap.new_len, 8192);
	CHECK_U64(e.mremap.flags, 1);
	CHECK_U64(e.mremap.new_addr, 0);
	CHECK_U64(e.mremap.ret.value, 0x7f0000010000);

	CHECK(parse(PREFIX "ev=mprotect addr=0x1000 len=4096 prot=0x3 ret=-22", &e) == 0);
	CHECK(e.type == GG_EV_MPROTECT);
	CHECK_U64(e.mprotect.prot, 3);
	CHECK(e.mprotect.ret.failed);
	CHECK_U64(e.mprotect.ret.value, 22);

	CHECK(parse(PREFIX "ev=madvise addr=0xc000000000 len=65536 advice=14 ret=0", &e) == 0);
	CHECK(e.type == GG_EV_MADVISE);
	CHECK_U64(e.madvise.addr, 0xc000000000);
	CHECK_U64(e.madvise.len, 65536);
	CHECK_U64(e.madvise.advice, 14);
	CHECK(!e.madvise.ret.failed);
}

static void test_fault(void)
{
	struct gg_event e;
	current_test = "fault";
	CHECK(parse(PREFIX "ev=fault addr=0x7f0000001000 ip=0x401136 access=write origin=user "
			   "lock=mmap level=pte old=0x0 new=0x8000000012345867 old_flags=------- "
			   "new_flags=PWUAD-- old_pfn=0x0 new_pfn=0x12345 trans=none->present "
			   "result=minor vmf=0x0 node=0 fflags=0x255", &e) == 0);
	CHECK(e.type == GG_EV_FAULT);
	CHECK_U64(e.fault.addr, 0x7f0000001000);
	CHECK_U64(e.fault.ip, 0x401136);
	CHECK(e.fault.access == GG_ACCESS_WRITE);
	CHECK(e.fault.origin == GG_ORIGIN_USER);
	CHECK(e.fault.lock == GG_LOCK_MMAP);
	CHECK(e.fault.level == GG_LVL_PTE);
	CHECK_U64(e.fault.old_entry, 0);
	CHECK_U64(e.fault.new_entry, 0x8000000012345867);
	CHECK_U64(e.fault.old_flags, 0);
	CHECK_U64(e.fault.new_flags, GG_PTE_PRESENT | GG_PTE_WRITABLE | GG_PTE_USER |
					     GG_PTE_ACCESSED | GG_PTE_DIRTY);
	CHECK_U64(e.fault.old_pfn, 0);
	CHECK_U64(e.fault.new_pfn, 0x12345);
	CHECK(e.fault.trans == GG_TRANS_NONE_PRESENT);
	CHECK(e.fault.result == GG_RESULT_MINOR);
	CHECK_U64(e.fault.vmf, 0);
	CHECK(e.fault.node == 0);
	CHECK_U64(e.fault.fflags, 0x255);

	/* the other enum values, node=-1, all seven flags */
	CHECK(parse(PREFIX "ev=fault addr=0x1 ip=0x0 access=exec origin=gup lock=vma level=none "
			   "old=0x1 new=0x0 old_flags=PWUADNH new_flags=------- old_pfn=0x1 "
			   "new_pfn=0x0 trans=present->present-newpfn result=error vmf=0x2 "
			   "node=-1 fflags=0x20", &e) == 0);
	CHECK(e.fault.access == GG_ACCESS_EXEC);
	CHECK(e.fault.origin == GG_ORIGIN_GUP);
	CHECK(e.fault.lock == GG_LOCK_VMA);
	CHECK(e.fault.level == GG_LVL_NONE);
	CHECK_U64(e.fault.old_flags, 0x7f);
	CHECK(e.fault.trans == GG_TRANS_NEWPFN);
	CHECK(e.fault.result == GG_RESULT_ERROR);
	CHECK(e.fault.node == -1);

	static const char *const trans[GG_TRANS_NR] = {
		[GG_TRANS_NONE_PRESENT] = "none->present", [GG_TRANS_RO_RW_COW] = "ro->rw-cow",
		[GG_TRANS_RO_RW] = "ro->rw", [GG_TRANS_PRESENT] = "present->present",
		[GG_TRANS_PRESENT_NONE] = "present->none", [GG_TRANS_NONE_NONE] = "none->none",
		[GG_TRANS_NEWPFN] = "present->present-newpfn", [GG_TRANS_UNKNOWN] = "unknown",
	};
	for (unsigned i = 0; i < GG_TRANS_NR; i++) {
		char line[512];
		snprintf(line, sizeof(line),
			 PREFIX "ev=fault addr=0x1 ip=0x0 access=read origin=kernel lock=mmap "
				"level=pmd old=0x0 new=0x0 old_flags=------- new_flags=------- "
				"old_pfn=0x0 new_pfn=0x0 trans=%s result=retry vmf=0x0 node=0 "
				"fflags=0x0", trans[i]);
		CHECK(parse(line, &e) == 0 && e.fault.trans == (enum gg_trans)i);
		CHECK_STR(gg_trans_name((enum gg_trans)i), trans[i]);
	}
}

/* ptes= ptes_start= ptes_end=: how many entries one fault set, and where */
static void test_fault_ptes(void)
{
	struct gg_event e;
#define FAULT_HEAD PREFIX "ev=fault addr=0x7f0000003000 ip=0x1 access=write origin=user " \
		   "lock=vma level=%s old=0x0 new=0x1 old_flags=------- new_flags=P------ " \
		   "old_pfn=0x0 new_pfn=0x1 trans=none->present result=minor vmf=0x0 node=0 " \
		   "fflags=0x0"
	char line[512];
	current_test = "fault ptes";
	snprintf(line, sizeof(line), FAULT_HEAD " ptes=16 ptes_start=0x7f0000000000 "
		 "ptes_end=0x7f0000010000", "pte");
	CHECK(parse(line, &e) == 0);
	CHECK(e.fault.has_ptes);
	CHECK_U64(e.fault.ptes, 16);
	CHECK_U64(e.fault.ptes_start, 0x7f0000000000);
	CHECK_U64(e.fault.ptes_end, 0x7f0000010000);
	CHECK_U64(gg_fault_pages(&e.fault), 16);

	/* a pmd entry is 512 pages */
	snprintf(line, sizeof(line), FAULT_HEAD " ptes=1 ptes_start=0x7f0000000000 "
		 "ptes_end=0x7f0000200000", "pmd");
	CHECK(parse(line, &e) == 0);
	CHECK_U64(gg_fault_pages(&e.fault), 512);

	/* an older module's line: one entry at the fault's own page (or block) */
	snprintf(line, sizeof(line), FAULT_HEAD, "pte");
	CHECK(parse(line, &e) == 0);
	CHECK(!e.fault.has_ptes);
	CHECK_U64(e.fault.ptes, 1);
	CHECK_U64(e.fault.ptes_start, 0x7f0000003000);
	CHECK_U64(e.fault.ptes_end, 0x7f0000004000);
	snprintf(line, sizeof(line), FAULT_HEAD, "pmd");
	CHECK(parse(line, &e) == 0);
	CHECK_U64(e.fault.ptes_start, 0x7f0000000000);
	CHECK_U64(e.fault.ptes_end, 0x7f0000200000);

	/* the three come together, and the range is not reversed */
	snprintf(line, sizeof(line), FAULT_HEAD " ptes=1", "pte");
	CHECK(parse(line, &e) == -1);
	CHECK(strstr(last_error.message, "come together") != NULL);
	snprintf(line, sizeof(line), FAULT_HEAD " ptes=1 ptes_start=0x2000 ptes_end=0x1000", "pte");
	CHECK(parse(line, &e) == -1);
	CHECK(strstr(last_error.message, "below") != NULL);
	snprintf(line, sizeof(line), FAULT_HEAD " ptes=x ptes_start=0x0 ptes_end=0x0", "pte");
	CHECK(parse(line, &e) == -1);

	/*
	 * At most the entries of one page table: a line claiming more would have the report count
	 * each page of its range (a fuzzed 2^50 took minutes).
	 */
	snprintf(line, sizeof(line), FAULT_HEAD " ptes=512 ptes_start=0x7f0000000000 "
		 "ptes_end=0x7f0000200000", "pte");
	CHECK(parse(line, &e) == 0);
	CHECK_U64(gg_fault_pages(&e.fault), 512);
	snprintf(line, sizeof(line), FAULT_HEAD " ptes=513 ptes_start=0x7f0000000000 "
		 "ptes_end=0x7f0000201000", "pte");
	CHECK(parse(line, &e) == -1);
	CHECK(strstr(last_error.message, "'ptes' is above 512") != NULL);
#undef FAULT_HEAD
}

static void test_tlb_flush(void)
{
	struct gg_event e;
	current_test = "tlb_flush";
	CHECK(parse(PREFIX "ev=tlb_flush start=0xc000000000 end=0xc000010000 stride=12 pages=16 "
			   "freed=0", &e) == 0);
	CHECK(e.type == GG_EV_TLB_FLUSH);
	CHECK_U64(e.tlb_flush.start, 0xc000000000);
	CHECK_U64(e.tlb_flush.end, 0xc000010000);
	CHECK_U64(e.tlb_flush.stride, 12);
	CHECK(!e.tlb_flush.whole_mm);
	CHECK_U64(e.tlb_flush.pages, 16);
	CHECK(!e.tlb_flush.freed);

	CHECK(parse(PREFIX "ev=tlb_flush start=0x0 end=0xffffffffffffffff stride=12 pages=all "
			   "freed=1", &e) == 0);
	CHECK_U64(e.tlb_flush.end, UINT64_MAX);
	CHECK(e.tlb_flush.whole_mm);
	CHECK_U64(e.tlb_flush.pages, 0);
	CHECK(e.tlb_flush.freed);
	EXPECT_ERROR(PREFIX "ev=tlb_flush start=0x0 end=0x1 stride=12 pages=allx freed=1",
		     "key 'pages'");
}

static void test_fork_exec_exit_lost(void)
{
	struct gg_event e;
	current_test = "fork/exec/exit/lost";
	CHECK(parse(PREFIX "ev=fork child=1240 thread=1", &e) == 0);
	CHECK(e.type == GG_EV_FORK);
	CHECK_U64(e.fork.child, 1240);
	CHECK(e.fork.thread);

	CHECK(parse(PREFIX "ev=exec filename=/usr/bin/go\\x5ctest", &e) == 0);
	CHECK(e.type == GG_EV_EXEC);
	CHECK(span_equals(e.exec.filename, "/usr/bin/go\\x5ctest"));

	CHECK(parse(PREFIX "ev=exit code=-9223372036854775808 group_dead=1", &e) == 0);
	CHECK(e.type == GG_EV_EXIT);
	CHECK(e.exit.code == INT64_MIN);
	CHECK(e.exit.group_dead);
	CHECK(parse(PREFIX "ev=exit code=256 group_dead=0", &e) == 0);
	CHECK(e.exit.code == 256);
	CHECK(!e.exit.group_dead);

	CHECK(parse("seq=20 ts=5 cpu=1 pid=0 tid=0 cr3=0x0 pgd=0x0 ev=lost count=12", &e) == 0);
	CHECK(e.type == GG_EV_LOST);
	CHECK_U64(e.lost.count, 12);
	CHECK_U64(e.pid, 0);
	CHECK_U64(e.cr3, 0);
}

static void test_marker(void)
{
	struct gg_event e;
	current_test = "marker";
	/* the text is the rest of the line: spaces, '=', and things that look like keys */
	const char *line = PREFIX "ev=marker text=grow 3  seq=9 ev=fault a=b ";
	CHECK(parse(line, &e) == 0);
	CHECK(e.type == GG_EV_MARKER);
	CHECK(span_equals(e.marker.text, "grow 3  seq=9 ev=fault a=b "));
	CHECK_U64(e.seq, 7);
	CHECK(parse(PREFIX "ev=marker text=", &e) == 0);
	CHECK_U64(e.marker.text.len, 0);
	/* text= on another type is an unknown key, ignored */
	CHECK(parse(PREFIX "ev=fork text=hello child=1 thread=0", &e) == 0);
	CHECK_U64(e.fork.child, 1);
	EXPECT_ERROR(PREFIX "ev=marker", "missing key 'text' for ev=marker");
}

static void test_unknown_type_and_keys(void)
{
	struct gg_event e;
	current_test = "unknown types and keys";
	CHECK(parse(PREFIX "ev=swap_out addr=0xzz whatever", &e) == -1); /* token without '=' */
	CHECK(parse(PREFIX "ev=swap_out addr=0xzz anything=goes", &e) == 0);
	CHECK(e.type == GG_EV_UNKNOWN);
	CHECK(span_equals(e.type_name, "swap_out"));
	/* unknown keys anywhere, and keys of other types, are ignored unvalidated */
	CHECK(parse("new_key=!!! " PREFIX "ev=lost count=1 future=0xzz count2=x addr=bad", &e) == 0);
	CHECK_U64(e.lost.count, 1);
	/* the common prefix in another order is still the common prefix */
	CHECK(parse("ev=lost pgd=0x0 cr3=0x0 tid=0 pid=0 cpu=0 ts=1 seq=2 count=5", &e) == 0);
	CHECK_U64(e.seq, 2);
	CHECK_U64(e.lost.count, 5);
	/* runs of spaces and a trailing space separate tokens too */
	CHECK(parse("seq=1  ts=2 cpu=0 pid=1 tid=1 cr3=0x0 pgd=0x0   ev=lost count=5 ", &e) == 0);
	CHECK_U64(e.lost.count, 5);
}

/* ---- parser: numbers at their limits ---- */

static void test_boundaries(void)
{
	struct gg_event e;
	current_test = "boundary numbers";
	CHECK(parse("seq=18446744073709551615 ts=18446744073709551615 cpu=4294967295 "
		    "pid=4294967295 tid=0 cr3=0xffffffffffffffff pgd=0xFFFFFFFFFFFFFFFF ev=lost "
		    "count=18446744073709551615", &e) == 0);
	CHECK_U64(e.seq, UINT64_MAX);
	CHECK_U64(e.ts, UINT64_MAX);
	CHECK_U64(e.cpu, UINT32_MAX);
	CHECK_U64(e.pid, UINT32_MAX);
	CHECK_U64(e.cr3, UINT64_MAX);
	CHECK_U64(e.pgd, UINT64_MAX);
	CHECK_U64(e.lost.count, UINT64_MAX);
	/* leading zeros do not overflow */
	CHECK(parse(PREFIX "ev=brk brk=0x0000000000000000000000001 ret=000000000000000000000042", &e) == 0);
	CHECK_U64(e.brk.brk, 1);
	CHECK_U64(e.brk.ret.value, 42);

	EXPECT_ERROR("seq=18446744073709551616 ts=1 cpu=0 pid=1 tid=1 cr3=0x0 pgd=0x0 ev=lost count=1",
		     "key 'seq': number out of range");
	EXPECT_ERROR(PREFIX "ev=brk brk=0x10000000000000000 ret=0x0", "key 'brk': number out of range");
	EXPECT_ERROR("seq=1 ts=1 cpu=4294967296 pid=1 tid=1 cr3=0x0 pgd=0x0 ev=lost count=1",
		     "key 'cpu': number out of range");

	/* ret: -1..-4095 are errnos; 0 and anything below -4095 are not */
	CHECK(parse(PREFIX "ev=munmap addr=0x1000 len=4096 ret=-4095", &e) == 0);
	CHECK(e.munmap.ret.failed);
	CHECK_U64(e.munmap.ret.value, 4095);
	CHECK(parse(PREFIX "ev=munmap addr=0x1000 len=4096 ret=-1", &e) == 0);
	CHECK_U64(e.munmap.ret.value, 1);
	EXPECT_ERROR(PREFIX "ev=munmap addr=0x1000 len=4096 ret=-4096", "key 'ret': negative value");
	EXPECT_ERROR(PREFIX "ev=munmap addr=0x1000 len=4096 ret=-0", "key 'ret': negative value");
	EXPECT_ERROR(PREFIX "ev=munmap addr=0x1000 len=4096 ret=-", "key 'ret'");
	EXPECT_ERROR(PREFIX "ev=munmap addr=0x1000 len=4096 ret=--5", "key 'ret'");

	CHECK(parse(PREFIX "ev=exit code=9223372036854775807 group_dead=0", &e) == 0);
	CHECK(e.exit.code == INT64_MAX);
	EXPECT_ERROR(PREFIX "ev=exit code=9223372036854775808 group_dead=0", "key 'code': number out of range");
	EXPECT_ERROR(PREFIX "ev=exit code=-9223372036854775809 group_dead=0", "key 'code': number out of range");
}

/* ---- parser: malformed lines ---- */

static void test_malformed(void)
{
	current_test = "malformed lines";
	EXPECT_ERROR("", "missing key 'seq'");
	EXPECT_ERROR("seq=1 ts=1 cpu=0 pid=1 tid=1 cr3=0x0 pgd=0x0", "missing key 'ev'");
	EXPECT_ERROR("seq=1 ts=1 cpu=0 pid=1 tid=1 cr3=0x0 ev=lost count=1", "missing key 'pgd'");
	EXPECT_ERROR(PREFIX "ev=", "key 'ev': empty value");
	EXPECT_ERROR(PREFIX "ev=munmap addr=0xzz len=1 ret=0", "key 'addr': bad hex number: '0xzz'");
	EXPECT_ERROR(PREFIX "ev=munmap addr=0x len=1 ret=0", "key 'addr': bad hex number");
	EXPECT_ERROR(PREFIX "ev=munmap addr=0x12g4 len=1 ret=0", "key 'addr': bad hex number");
	EXPECT_ERROR(PREFIX "ev=munmap addr=4096 len=1 ret=0", "key 'addr': expected a hex number with 0x");
	EXPECT_ERROR(PREFIX "ev=munmap addr= len=1 ret=0", "key 'addr': empty value");
	EXPECT_ERROR("seq=0x1 ts=1 cpu=0 pid=1 tid=1 cr3=0x0 pgd=0x0 ev=lost count=1",
		     "key 'seq': expected a decimal number");
	EXPECT_ERROR("seq=12ab ts=1 cpu=0 pid=1 tid=1 cr3=0x0 pgd=0x0 ev=lost count=1",
		     "key 'seq': bad decimal number: '12ab'");
	EXPECT_ERROR("seq=-1 ts=1 cpu=0 pid=1 tid=1 cr3=0x0 pgd=0x0 ev=lost count=1",
		     "key 'seq': bad decimal number");
	/* truncated: the line stops in the middle of a key */
	EXPECT_ERROR("seq=1 ts=1 cpu=0 pid=1 tid=1 cr3=0x0 pgd=0x0 ev=lost cou", "token 'cou' has no '='");
	EXPECT_ERROR("seq=1 ts=1 cpu", "token 'cpu' has no '='");
	EXPECT_ERROR("=5 seq=1", "empty key");
	/* duplicated keys are errors, in the prefix and after it */
	EXPECT_ERROR("seq=1 seq=2 ts=1 cpu=0 pid=1 tid=1 cr3=0x0 pgd=0x0 ev=lost count=1",
		     "duplicate key 'seq'");
	EXPECT_ERROR(PREFIX "ev=lost count=1 count=2", "duplicate key 'count'");
	EXPECT_ERROR(PREFIX "ev=lost ev=lost count=1", "duplicate key 'ev'");
	/* a missing type key names the type */
	EXPECT_ERROR(PREFIX "ev=munmap addr=0x1000 ret=0", "missing key 'len' for ev=munmap");
	/* type keys before ev= are unknown keys, so they count as missing */
	EXPECT_ERROR("count=1 " PREFIX "ev=lost", "missing key 'count' for ev=lost");
	/* enumerations, flags, booleans, strings */
	EXPECT_ERROR(PREFIX "ev=fault addr=0x1 ip=0x0 access=write origin=user lock=mmap level=pte "
			    "old=0x0 new=0x0 old_flags=------- new_flags=------- old_pfn=0x0 "
			    "new_pfn=0x0 trans=none->maybe result=minor vmf=0x0 node=0 fflags=0x0",
		     "key 'trans': unknown value: 'none->maybe'");
	EXPECT_ERROR(PREFIX "ev=fault addr=0x1 ip=0x0 access=write origin=user lock=mmap level=pte "
			    "old=0x0 new=0x0 old_flags=------- new_flags=WP----- old_pfn=0x0 "
			    "new_pfn=0x0 trans=none->present result=minor vmf=0x0 node=0 fflags=0x0",
		     "key 'new_flags'");
	EXPECT_ERROR(PREFIX "ev=fault addr=0x1 ip=0x0 access=write origin=user lock=mmap level=pte "
			    "old=0x0 new=0x0 old_flags=------ new_flags=------- old_pfn=0x0 "
			    "new_pfn=0x0 trans=none->present result=minor vmf=0x0 node=0 fflags=0x0",
		     "key 'old_flags'");
	EXPECT_ERROR(PREFIX "ev=fork child=1 thread=2", "key 'thread': expected 0 or 1");
	EXPECT_ERROR(PREFIX "ev=fork child=1 thread=", "key 'thread': empty value");
	EXPECT_ERROR(PREFIX "ev=mmap addr=0x0 len=1 prot=0x1 flags=0x2 pgoff=0 anon=1 file=x ret=0x1000",
		     "key 'file' given with anon=1");
	EXPECT_ERROR(PREFIX "ev=mmap addr=0x0 len=1 prot=0x1 flags=0x2 pgoff=0 anon=0 ret=0x1000",
		     "missing key 'file' for ev=mmap with anon=0");
	EXPECT_ERROR(PREFIX "ev=exec filename=a\\x2", "key 'filename': bad string");
	EXPECT_ERROR(PREFIX "ev=exec filename=a\\n", "key 'filename': bad string");
	EXPECT_ERROR(PREFIX "ev=exec filename=a=b", "key 'filename': bad string");
	EXPECT_ERROR(PREFIX "ev=exec filename=a\tb", "key 'filename': bad string");
	/* a carriage return (CRLF file) makes the last number bad rather than being ignored */
	EXPECT_ERROR(PREFIX "ev=lost count=1\r", "key 'count': bad decimal number: '1\\x0d'");

	/* bytes after the given length are never looked at */
	struct gg_event e;
	const char *line = PREFIX "ev=lost count=12345";
	CHECK(gg_parse_line(line, strlen(line) - 3, &e, &last_error) == 0);
	CHECK_U64(e.lost.count, 12);
	/* NUL bytes inside the length are ordinary (bad) bytes */
	const char with_nul[] = PREFIX "ev=lost count=1\0002";
	CHECK(gg_parse_line(with_nul, sizeof(with_nul) - 1, &e, &last_error) == -1);
	CHECK(strstr(last_error.message, "key 'count'") != NULL);
}

/* ---- aggregation ---- */

#define P0 "cpu=0 pid=1 tid=1 cr3=0x1000 pgd=0x1000 "

static const char *const hand_stream[] = {
	/* step 1 "(start)" */
	"seq=1 ts=1 " P0 "ev=mmap addr=0x0 len=12288 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=0x10000",
	"seq=2 ts=2 " P0 "ev=fault addr=0x10000 ip=0x1 access=write origin=user lock=mmap level=pte old=0x0 new=0x1 old_flags=------- new_flags=P------ old_pfn=0x0 new_pfn=0x1 trans=none->present result=minor vmf=0x0 node=0 fflags=0x0",
	"seq=3 ts=3 " P0 "ev=fault addr=0x10ff8 ip=0x1 access=read origin=user lock=mmap level=pte old=0x1 new=0x1 old_flags=P------ new_flags=P------ old_pfn=0x1 new_pfn=0x1 trans=present->present result=minor vmf=0x0 node=0 fflags=0x0",
	"seq=4 ts=4 " P0 "ev=fault addr=0x12000 ip=0x1 access=write origin=user lock=mmap level=pte old=0x1 new=0x2 old_flags=P------ new_flags=PW----- old_pfn=0x1 new_pfn=0x2 trans=ro->rw-cow result=minor vmf=0x0 node=0 fflags=0x0",
	"seq=5 ts=5 " P0 "ev=fault addr=0x50000 ip=0x1 access=read origin=user lock=mmap level=none old=0x0 new=0x0 old_flags=------- new_flags=------- old_pfn=0x0 new_pfn=0x0 trans=none->none result=sigsegv vmf=0x0 node=-1 fflags=0x0",
	/* step 2 "step two" */
	"seq=6 ts=6 " P0 "ev=marker text=step two",
	"seq=7 ts=7 " P0 "ev=mmap addr=0x11000 len=4096 prot=0x3 flags=0x32 pgoff=0 anon=1 ret=0x11000",
	"seq=8 ts=8 " P0 "ev=fault addr=0x11800 ip=0x1 access=write origin=user lock=mmap level=pte old=0x0 new=0x1 old_flags=------- new_flags=P------ old_pfn=0x0 new_pfn=0x3 trans=none->present result=minor vmf=0x0 node=0 fflags=0x0",
	"seq=9 ts=9 " P0 "ev=fault addr=0x10000 ip=0x1 access=write origin=user lock=mmap level=pte old=0x1 new=0x3 old_flags=P------ new_flags=PW----- old_pfn=0x1 new_pfn=0x1 trans=ro->rw result=minor vmf=0x0 node=0 fflags=0x0",
	"seq=10 ts=10 " P0 "ev=fault addr=0x12fff ip=0x1 access=write origin=user lock=mmap level=pmd old=0x0 new=0x1 old_flags=------- new_flags=P-----H old_pfn=0x0 new_pfn=0x200 trans=none->present result=minor vmf=0x0 node=0 fflags=0x0",
	"seq=11 ts=11 " P0 "ev=tlb_flush start=0x11000 end=0x12000 stride=12 pages=1 freed=0",
	"seq=12 ts=12 " P0 "ev=tlb_flush start=0x0 end=0xffffffffffffffff stride=12 pages=all freed=1",
	"seq=15 ts=13 cpu=0 pid=0 tid=0 cr3=0x0 pgd=0x0 ev=lost count=3",
	"seq=19 ts=14 cpu=1 pid=0 tid=0 cr3=0x0 pgd=0x0 ev=lost count=2",
	"seq=20 ts=15 " P0 "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=-12",
	"seq=21 ts=16 " P0 "ev=mmap addr=0x10000 len=12288 prot=0x3 flags=0x32 pgoff=0 anon=1 ret=0x10000",
	"seq=22 ts=17 " P0 "ev=fault addr=0x11000 ip=0x1 access=write origin=user lock=mmap level=pte old=0x0 new=0x1 old_flags=------- new_flags=P------ old_pfn=0x0 new_pfn=0x4 trans=none->present result=minor vmf=0x0 node=0 fflags=0x0",
	/* step 3 "empty" */
	"seq=23 ts=18 " P0 "ev=marker text=empty",
};

static int aggregate_lines(struct gg_aggregate *aggregate, const char *const *lines, size_t count)
{
	struct gg_event event;
	for (size_t i = 0; i < count; i++) {
		if (parse(lines[i], &event)) {
			printf("line %zu: %s\n", i + 1, last_error.message);
			return -1;
		}
		if (gg_aggregate_event(aggregate, &event))
			return -1;
	}
	return gg_aggregate_finish(aggregate);
}

static bool step_named(const struct gg_aggregate *aggregate, size_t step, const char *name)
{
	size_t length;
	const char *text = gg_step_name(aggregate, &aggregate->steps[step], &length);
	return length == strlen(name) && memcmp(text, name, length) == 0;
}

/* Expected numbers worked out by hand from hand_stream (see the comments). */
static void test_aggregate_hand_stream(void)
{
	struct gg_aggregate a;
	current_test = "aggregate hand stream";
	CHECK(gg_aggregate_init(&a) == 0);
	CHECK(aggregate_lines(&a, hand_stream, sizeof(hand_stream) / sizeof(hand_stream[0])) == 0);

	CHECK_U64(a.event_count, 18);
	CHECK_U64(a.lost_total, 5);  /* 3 + 2 */
	CHECK_U64(a.mapping_count, 2); /* A = (0x10000, 12288) twice, B = (0x11000, 4096) */
	CHECK_U64(a.step_count, 3);
	CHECK(step_named(&a, 0, "(start)"));
	CHECK(step_named(&a, 1, "step two"));
	CHECK(step_named(&a, 2, "empty"));
	CHECK_U64(a.steps[0].events, 5);
	CHECK_U64(a.steps[1].events, 12); /* seq 6..22: the marker, 11 others */
	CHECK_U64(a.steps[2].events, 1);
	CHECK_U64(a.steps[1].lost, 5);
	CHECK_U64(a.row_count, 5); /* step 1: A, other; step 2: A, B, other; step 3: none */
	if (a.row_count != 5) {
		gg_aggregate_free(&a);
		return;
	}
	CHECK_U64(a.mappings[0].start, 0x10000);
	CHECK_U64(a.mappings[0].end, 0x13000);
	CHECK_U64(a.mappings[1].start, 0x11000);
	CHECK_U64(a.mappings[1].end, 0x12000);

	/* step 1, mapping A: faults at 0x10000, 0x10ff8 (same page), 0x12000 */
	const struct gg_row *r = &a.rows[0];
	CHECK_U64(r->step, 0);
	CHECK_U64(r->mapping, 0);
	CHECK_U64(r->counts.mmaps, 1);
	CHECK_U64(r->counts.mmap_bytes, 12288);
	CHECK_U64(r->counts.faults, 3);
	CHECK_U64(r->counts.faults_by_trans[GG_TRANS_NONE_PRESENT], 1);
	CHECK_U64(r->counts.faults_by_trans[GG_TRANS_PRESENT], 1);
	CHECK_U64(r->counts.faults_by_trans[GG_TRANS_RO_RW_COW], 1);
	CHECK_U64(r->counts.faults_by_level[GG_LVL_PTE], 3);
	CHECK_U64(r->counts.pages_faulted, 2);
	/* step 1, other: the fault at 0x50000 outside every mapping */
	r = &a.rows[1];
	CHECK_U64(r->step, 0);
	CHECK_U64(r->mapping, GG_NO_MAPPING);
	CHECK_U64(r->counts.faults, 1);
	CHECK_U64(r->counts.faults_by_trans[GG_TRANS_NONE_NONE], 1);
	CHECK_U64(r->counts.faults_by_level[GG_LVL_NONE], 1);
	CHECK_U64(r->counts.pages_faulted, 1);
	CHECK_U64(r->counts.mmaps, 0);

	/* step 2, A: mmap again (same address and length), faults at 0x10000 (page seen in step 1,
	 * new in step 2), 0x12fff (pmd), 0x11000 (B's page, but A was mapped over B again) */
	r = &a.rows[2];
	CHECK_U64(r->step, 1);
	CHECK_U64(r->mapping, 0);
	CHECK_U64(r->counts.mmaps, 1);
	CHECK_U64(r->counts.mmap_bytes, 12288);
	CHECK_U64(r->counts.faults, 3);
	CHECK_U64(r->counts.faults_by_trans[GG_TRANS_RO_RW], 1);
	CHECK_U64(r->counts.faults_by_trans[GG_TRANS_NONE_PRESENT], 2);
	CHECK_U64(r->counts.faults_by_level[GG_LVL_PTE], 2);
	CHECK_U64(r->counts.faults_by_level[GG_LVL_PMD], 1);
	/* 0x10000 and 0x11000, and the pmd fault's 2 MiB block: 512 pages */
	CHECK_U64(r->counts.pages_faulted, 514);
	CHECK_U64(r->counts.tlb_flushes, 0);
	/* step 2, B: mapped over the middle page of A; one fault, one ranged flush */
	r = &a.rows[3];
	CHECK_U64(r->mapping, 1);
	CHECK_U64(r->counts.mmaps, 1);
	CHECK_U64(r->counts.mmap_bytes, 4096);
	CHECK_U64(r->counts.faults, 1);
	CHECK_U64(r->counts.pages_faulted, 1);
	CHECK_U64(r->counts.tlb_flushes, 1);
	CHECK_U64(r->counts.tlb_pages, 1);
	CHECK_U64(r->counts.tlb_whole_mm, 0);
	/* step 2, other: whole-mm flush, lost 3 + 2, the failed mmap */
	r = &a.rows[4];
	CHECK_U64(r->mapping, GG_NO_MAPPING);
	CHECK_U64(r->counts.tlb_flushes, 1);
	CHECK_U64(r->counts.tlb_whole_mm, 1);
	CHECK_U64(r->counts.tlb_pages, 0);
	CHECK_U64(r->counts.lost, 5);
	CHECK_U64(r->counts.mmap_failed, 1);
	CHECK_U64(r->counts.mmaps, 0);
	CHECK_U64(r->counts.faults, 0);
	/* step 3: only the marker, so no row (the report shows an all-zero "(other)" row) */
	CHECK_U64(a.rows[4].step, 1);
	gg_aggregate_free(&a);
}

static void test_aggregate_edges(void)
{
	struct gg_aggregate a;
	current_test = "aggregate edges";

	/* a stream that starts with a marker has no "(start)" step */
	static const char *const starts_with_marker[] = {
		"seq=1 ts=1 " P0 "ev=marker text=first",
		"seq=2 ts=2 " P0 "ev=exit code=0 group_dead=1",
	};
	CHECK(gg_aggregate_init(&a) == 0);
	CHECK(aggregate_lines(&a, starts_with_marker, 2) == 0);
	CHECK_U64(a.step_count, 1);
	CHECK(step_named(&a, 0, "first"));
	CHECK_U64(a.steps[0].events, 2);
	CHECK_U64(a.row_count, 0); /* nothing counted in a row */
	gg_aggregate_free(&a);

	/* an empty stream still reports nothing, without crashing */
	CHECK(gg_aggregate_init(&a) == 0);
	CHECK(gg_aggregate_finish(&a) == 0);
	CHECK_U64(a.step_count, 0);
	CHECK_U64(a.row_count, 0);
	gg_aggregate_free(&a);

	/* a mapping reaching the top of the address space saturates instead of wrapping; len=0
	 * makes a mapping that covers nothing */
	static const char *const huge[] = {
		"seq=1 ts=1 " P0 "ev=mmap addr=0x0 len=18446744073709551615 prot=0x0 flags=0x22 pgoff=0 anon=1 ret=0xfffffffffffff000",
		"seq=2 ts=2 " P0 "ev=mmap addr=0x0 len=0 prot=0x0 flags=0x22 pgoff=0 anon=1 ret=0x5000",
		"seq=3 ts=3 " P0 "ev=fault addr=0xfffffffffffff123 ip=0x1 access=read origin=user lock=mmap level=pte old=0x0 new=0x1 old_flags=------- new_flags=P------ old_pfn=0x0 new_pfn=0x1 trans=none->present result=minor vmf=0x0 node=0 fflags=0x0",
		"seq=4 ts=4 " P0 "ev=fault addr=0x5000 ip=0x1 access=read origin=user lock=mmap level=pte old=0x0 new=0x1 old_flags=------- new_flags=P------ old_pfn=0x0 new_pfn=0x1 trans=none->present result=minor vmf=0x0 node=0 fflags=0x0",
	};
	CHECK(gg_aggregate_init(&a) == 0);
	CHECK(aggregate_lines(&a, huge, 4) == 0);
	CHECK_U64(a.mapping_count, 2);
	CHECK_U64(a.mappings[0].end, UINT64_MAX);
	CHECK_U64(a.row_count, 3); /* 0x5000 mapping (first by address), the huge one, other */
	if (a.row_count == 3) {
		CHECK_U64(a.rows[0].mapping, 1);
		CHECK_U64(a.rows[0].counts.faults, 0);
		CHECK_U64(a.rows[1].mapping, 0);
		CHECK_U64(a.rows[1].counts.faults, 1);
		CHECK_U64(a.rows[2].counts.faults, 1); /* 0x5000 is in no region */
	}
	gg_aggregate_free(&a);

	/* many distinct pages and many mappings: the tables grow and stay exact */
	CHECK(gg_aggregate_init(&a) == 0);
	struct gg_event e;
	memset(&e, 0, sizeof(e));
	e.type = GG_EV_MMAP;
	e.mmap.anon = true;
	e.mmap.prot = 3;
	e.mmap.len = 1u << 20;
	bool ok = true;
	for (uint64_t m = 0; m < 300; m++) {
		e.mmap.ret.value = 0x100000000 + m * (1u << 20);
		ok &= gg_aggregate_event(&a, &e) == 0;
	}
	e.type = GG_EV_FAULT;
	e.fault.trans = GG_TRANS_NONE_PRESENT;
	e.fault.level = GG_LVL_PTE;
	for (int round = 0; round < 2; round++) /* the second round adds no new pages */
		for (uint64_t page = 0; page < 20000; page++) {
			e.fault.addr = 0x100000000 + page * 4096 + 8;
			gg_fault_default_ptes(&e.fault);
			ok &= gg_aggregate_event(&a, &e) == 0;
		}
	CHECK(ok);
	CHECK(gg_aggregate_finish(&a) == 0);
	uint64_t faults = 0, pages = 0;
	for (size_t i = 0; i < a.row_count; i++) {
		faults += a.rows[i].counts.faults;
		pages += a.rows[i].counts.pages_faulted;
	}
	CHECK_U64(faults, 40000);
	CHECK_U64(pages, 20000);
	CHECK_U64(a.row_count, 301);
	/* 20000 pages over 256-page mappings: mapping 78 holds pages 19968..19999 */
	CHECK_U64(a.rows[78].counts.pages_faulted, 32);
	CHECK_U64(a.rows[77].counts.pages_faulted, 256);
	gg_aggregate_free(&a);
}

/* ---- the command line, run in-process ---- */

static char temp_dir[] = "/tmp/gogrowth-test-XXXXXX";

static char *write_temp_file(const char *name, const char *content, size_t length)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", temp_dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return NULL;
	fwrite(content, 1, length, f);
	fclose(f);
	return path;
}

struct run_result {
	int status;
	char out[8192];
	char err[2048];
};

static void read_stream(FILE *stream, char *buffer, size_t size)
{
	rewind(stream);
	size_t got = fread(buffer, 1, size - 1, stream);
	buffer[got] = '\0';
	fclose(stream);
}

static void run(struct run_result *result, int argc, char **argv)
{
	FILE *out = tmpfile(), *err = tmpfile();
	if (!out || !err) {
		result->status = -1;
		result->out[0] = result->err[0] = '\0';
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return;
	}
	result->status = gogrowth_main(argc, argv, out, err);
	read_stream(out, result->out, sizeof(result->out));
	read_stream(err, result->err, sizeof(result->err));
}

#define RUN(result, ...)                                                    \
	do {                                                                \
		char *argv_[] = { "gogrowth", __VA_ARGS__, NULL };          \
		run((result), (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_); \
	} while (0)

/* A copy of `line` with runs of spaces squeezed to one and leading spaces dropped. */
static void squeeze(char *out, size_t size, const char *line, size_t length)
{
	size_t used = 0;
	for (size_t i = 0; i < length && used + 1 < size; i++) {
		if (line[i] == ' ' && (used == 0 || out[used - 1] == ' '))
			continue;
		out[used++] = line[i];
	}
	while (used && out[used - 1] == ' ')
		used--;
	out[used] = '\0';
}

/* Number of lines of `text` that, squeezed, start with `start`. */
static unsigned count_rows(const char *text, const char *start)
{
	unsigned count = 0;
	char line[1024];
	while (*text) {
		const char *newline = strchr(text, '\n');
		size_t length = newline ? (size_t)(newline - text) : strlen(text);
		squeeze(line, sizeof(line), text, length);
		count += strncmp(line, start, strlen(start)) == 0;
		text += length + (newline != NULL);
	}
	return count;
}

/* Whether a line of `text`, squeezed, equals `row`. */
static bool has_row(const char *text, const char *row)
{
	char line[1024];
	while (*text) {
		const char *newline = strchr(text, '\n');
		size_t length = newline ? (size_t)(newline - text) : strlen(text);
		squeeze(line, sizeof(line), text, length);
		if (strcmp(line, row) == 0)
			return true;
		text += length + (newline != NULL);
	}
	printf("  (no row \"%s\")\n", row);
	return false;
}

/* The compact table of hand_stream (see test_aggregate_hand_stream for the numbers). */
static void test_report_table(void)
{
	struct gg_aggregate a;
	current_test = "report table";
	CHECK(gg_aggregate_init(&a) == 0);
	CHECK(aggregate_lines(&a, hand_stream, sizeof(hand_stream) / sizeof(hand_stream[0])) == 0);
	FILE *out = tmpfile();
	CHECK(out != NULL);
	if (!out) {
		gg_aggregate_free(&a);
		return;
	}
	CHECK(gg_report_print(&a, GG_REPORT_TABLE, out) == 0);
	static char text[8192];
	read_stream(out, text, sizeof(text));
	gg_aggregate_free(&a);

	/* A = [0x10000, 0x13000) 12 KiB, B = [0x11000, 0x12000) 4 KiB */
	CHECK(has_row(text, "step 1: (start) (events 5, lost 0)"));
	CHECK(has_row(text, "0x10000-0x13000 anon rw- 1 12 KiB 3 2 0 0 "
			    "none->present 1, ro->rw-cow 1, present->present 1; pte 3"));
	CHECK(has_row(text, "(other) - - 0 - 1 1 0 0 none->none 1; none 1"));
	CHECK(has_row(text, "step 2: step two (events 12, lost 5)"));
	CHECK(has_row(text, "0x10000-0x13000 anon rw- 1 12 KiB 3 514 0 0 "
			    "none->present 2, ro->rw 1; pte 2, pmd 1"));
	CHECK(has_row(text, "0x11000-0x12000 anon rw- 1 4 KiB 1 1 1 1 none->present 1; pte 1"));
	/* lost 5 is in the step header; the row has the whole-mm flush and the failed mmap */
	CHECK(has_row(text, "(other) - - 0 - 0 0 1 all mmap failed 1"));
	CHECK(has_row(text, "step 3: empty (events 1, lost 0)"));
	/* totals: A 3 + 3 faults, pages 2 + 514 (the pmd fault is 512); B; other: the fault at 0x50000, flush, failure */
	CHECK(has_row(text, "0x10000-0x13000 anon rw- 2 12 KiB 6 516 0 0 none->present 3, "
			    "ro->rw-cow 1, ro->rw 1, present->present 1; pte 5, pmd 1"));
	CHECK(has_row(text, "(other) - - 0 - 1 1 1 all none->none 1; none 1; mmap failed 1"));
	/* rows: step 1 two, step 2 three, step 3 none; totals three */
	CHECK_U64(count_rows(text, "0x") + count_rows(text, "(other)"), 8);
	/* 12288 + 4096 + 12288 bytes; 8 faults, 3 + 515 pages */
	CHECK(has_row(text, "total: 18 events, 3 steps, 2 mappings, 5 lost"));
	CHECK(has_row(text, "total: 3 mmaps of 28 KiB, 1 failed"));
	CHECK(has_row(text, "total: 8 faults, 518 pages: none->present 4, ro->rw-cow 1, ro->rw 1, "
			    "present->present 1, none->none 1; pte 6, pmd 1, none 1"));
	CHECK(has_row(text, "total: 2 tlb flushes, 1 pages flushed, 1 of the whole mm"));
}

/* The fast path takes the module's layout, declines the rest, and agrees with the strict parser. */
static void test_fast_path(void)
{
	static const char *const lines[] = {
		PREFIX "ev=fault addr=0x7f0000001000 ip=0x401136 access=write origin=user lock=mmap "
		       "level=pte old=0x0 new=0x8000000012345867 old_flags=------- new_flags=PWUAD-- "
		       "old_pfn=0x0 new_pfn=0x12345 trans=none->present result=minor vmf=0x0 node=0 "
		       "fflags=0x255 ptes=16 ptes_start=0x7f0000000000 ptes_end=0x7f0000010000",
		PREFIX "ev=fault addr=0xffffffffffffffff ip=0xffffffff931fa1b2 access=exec origin=gup "
		       "lock=vma level=none old=0x8000000049910225 new=0x0 old_flags=PWUADNH "
		       "new_flags=------- old_pfn=0xfffffffff new_pfn=0x0 "
		       "trans=present->present-newpfn result=hwpoison vmf=0xffffffff node=-1 "
		       "fflags=0x1 ptes=0 ptes_start=0x0 ptes_end=0x0",
		PREFIX "ev=tlb_flush start=0xc000000000 end=0xc000010000 stride=12 pages=16 freed=0",
		PREFIX "ev=tlb_flush start=0x0 end=0xffffffffffffffff stride=12 pages=all freed=1",
		("seq=9999999999999999 ts=1234567890123456 cpu=4294967295 pid=1 tid=1 cr3=0x1 "
		 "pgd=0x1 ev=tlb_flush start=0x1 end=0x2 stride=0 pages=0 freed=1"),
		/* a marker's text is the rest of the line: spaces, '=', '\\', anything */
		PREFIX "ev=marker text=go-swiss grow count=15 table=0x3e1bea94e040 a=b  c\\x01 \t",
		PREFIX "ev=marker text=",
		PREFIX "ev=marker text= ev=fault text=x",
		PREFIX "ev=mmap addr=0x0 len=8192 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=0x7f0000000000",
		PREFIX "ev=mmap addr=0x400000 len=733184 prot=0x5 flags=0x100002 pgoff=179 anon=0 "
		       "file=go-slice-1.27 ret=0x400000",
		PREFIX "ev=mmap addr=0x0 len=0 prot=0x0 flags=0x0 pgoff=0 anon=0 file=~ ret=0x0",
	};
	struct gg_parser parser;
	current_test = "fast path";
	gg_parser_init(&parser);
	for (unsigned round = 0; round < 2; round++) { /* the second round hits the memos */
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			char padded[1024] = { 0 };
			struct gg_event fast, slow;
			size_t length = strlen(lines[i]);
			memcpy(padded, lines[i], length);
			memset(&fast, 0, sizeof(fast));
			memset(&slow, 0, sizeof(slow));
			CHECK(gg_parser_try_fast(&parser, padded, length, &fast) == 0);
			CHECK(gg_parse_line(lines[i], length, &slow, &last_error) == 0);
			CHECK(fast.seq == slow.seq && fast.ts == slow.ts && fast.cpu == slow.cpu &&
			      fast.pid == slow.pid && fast.tid == slow.tid && fast.cr3 == slow.cr3 &&
			      fast.pgd == slow.pgd && fast.type == slow.type &&
			      fast.type_name.ptr - padded == slow.type_name.ptr - lines[i]);
			if (slow.type == GG_EV_FAULT) {
				const struct gg_fault *f = &fast.fault, *g = &slow.fault;
				CHECK(f->addr == g->addr && f->ip == g->ip && f->access == g->access &&
				      f->origin == g->origin && f->lock == g->lock &&
				      f->level == g->level && f->old_entry == g->old_entry &&
				      f->new_entry == g->new_entry && f->old_flags == g->old_flags &&
				      f->new_flags == g->new_flags && f->old_pfn == g->old_pfn &&
				      f->new_pfn == g->new_pfn && f->trans == g->trans &&
				      f->result == g->result && f->vmf == g->vmf && f->node == g->node &&
				      f->fflags == g->fflags);
				CHECK(f->has_ptes && g->has_ptes && f->ptes == g->ptes &&
				      f->ptes_start == g->ptes_start && f->ptes_end == g->ptes_end);
			} else if (slow.type == GG_EV_MMAP) {
				CHECK(fast.mmap.addr == slow.mmap.addr && fast.mmap.len == slow.mmap.len &&
				      fast.mmap.prot == slow.mmap.prot &&
				      fast.mmap.flags == slow.mmap.flags &&
				      fast.mmap.pgoff == slow.mmap.pgoff &&
				      fast.mmap.anon == slow.mmap.anon && !fast.mmap.ret.failed &&
				      !slow.mmap.ret.failed && fast.mmap.ret.value == slow.mmap.ret.value);
				CHECK(fast.mmap.file.len == slow.mmap.file.len &&
				      (slow.mmap.anon || fast.mmap.file.ptr - padded ==
							       slow.mmap.file.ptr - lines[i]));
			} else if (slow.type == GG_EV_MARKER) {
				CHECK(fast.marker.text.len == slow.marker.text.len &&
				      fast.marker.text.ptr - padded ==
					      slow.marker.text.ptr - lines[i]);
				CHECK(fast.type_name.len == 6);
			} else {
				CHECK(fast.tlb_flush.start == slow.tlb_flush.start &&
				      fast.tlb_flush.end == slow.tlb_flush.end &&
				      fast.tlb_flush.stride == slow.tlb_flush.stride &&
				      fast.tlb_flush.pages == slow.tlb_flush.pages &&
				      fast.tlb_flush.whole_mm == slow.tlb_flush.whole_mm &&
				      fast.tlb_flush.freed == slow.tlb_flush.freed);
			}
		}
	}
	CHECK_U64(parser.fast_lines + parser.slow_lines, 0); /* try_fast alone counts nothing */

	/* declined: left to the strict parser, which accepts or rejects them itself */
	static const char *const declined[] = {
		PREFIX "ev=tlb_flush start=0xC000000000 end=0xc000010000 stride=12 pages=16 freed=0",
		PREFIX "ev=tlb_flush start=0xc000000000  end=0xc000010000 stride=12 pages=16 freed=0",
		PREFIX "ev=tlb_flush start=0x00000000000000000001 end=0x2 stride=12 pages=1 freed=0",
		PREFIX "ev=tlb_flush start=0x1 end=0x2 stride=12 pages=1 freed=0 later=1",
		PREFIX "ev=tlb_flush start=0x1 end=0x2 stride=12 pages=1 freed=2",
		PREFIX "ev=tlb_flush start=0x1 end=0x2 stride=12 pages=1",
		PREFIX "ev=lost count=1",
		/* markers the module does not write: no text key, another key, two spaces */
		PREFIX "ev=marker",
		PREFIX "ev=marker tex",
		PREFIX "ev=marker note=x text=y",
		PREFIX "ev=marker  text=y",
		PREFIX "ev=markers text=y",
		/* mmaps the fast path leaves alone: a failure, an escaped, empty or missing file, a file
		 * with anon=1, hex len, a key more, two spaces */
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=-12",
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x2 pgoff=0 anon=0 file=a\\x20b ret=0x1",
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x2 pgoff=0 anon=0 file= ret=0x1",
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x2 pgoff=0 anon=0 ret=0x1",
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x2 pgoff=0 anon=1 file=a ret=0x1",
		PREFIX "ev=mmap addr=0x0 len=0x1000 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=0x1",
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=0x1 x=1",
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x22 pgoff=0 anon=1  ret=0x1",
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x22 pgoff=0 anon=2 ret=0x1",
		PREFIX "ev=mmap addr=0x0 len=4096 prot=0x3 flags=0x22 pgoff=0 anon=1 ret=0x1 ",
		/* an older module's fault line, without ptes= */
		PREFIX "ev=fault addr=0x1 ip=0x0 access=read origin=user lock=mmap level=pte old=0x0 "
		       "new=0x0 old_flags=------- new_flags=------- old_pfn=0x0 new_pfn=0x0 "
		       "trans=none->none result=minor vmf=0x0 node=0 fflags=0x0",
		PREFIX "ev=fault addr=0x1 ip=0x0 access=read origin=user lock=mmap level=pte old=0x0 "
		       "new=0x0 old_flags=------- new_flags=------- old_pfn=0x0 new_pfn=0x0 "
		       "trans=none->none result=minor vmf=0x0 node=0 fflags=0x0 ptes=1 "
		       "ptes_start=0x2000 ptes_end=0x1000",
		/* more entries than one page table has */
		PREFIX "ev=fault addr=0x1 ip=0x0 access=read origin=user lock=mmap level=pte old=0x0 "
		       "new=0x0 old_flags=------- new_flags=------- old_pfn=0x0 new_pfn=0x0 "
		       "trans=none->none result=minor vmf=0x0 node=0 fflags=0x0 ptes=513 "
		       "ptes_start=0x0 ptes_end=0x201000",
		("seq=1 ts=1 cpu=4294967296 pid=1 tid=1 cr3=0x1 pgd=0x1 ev=tlb_flush start=0x1 "
		 "end=0x2 stride=0 pages=0 freed=1"),
	};
	for (size_t i = 0; i < sizeof(declined) / sizeof(declined[0]); i++) {
		char padded[1024] = { 0 };
		struct gg_event e;
		memcpy(padded, declined[i], strlen(declined[i]));
		CHECK(gg_parser_try_fast(&parser, padded, strlen(declined[i]), &e) == 1);
	}

	/* bytes after the length are never taken: "count=12345" cut to "...=12" and a flush cut
	 * inside its last value, with the rest of the digits right after the end */
	const char *cut = PREFIX "ev=tlb_flush start=0x1 end=0x2 stride=12 pages=16 freed=0";
	char padded[1024] = { 0 };
	struct gg_event e;
	memcpy(padded, cut, strlen(cut));
	CHECK(gg_parser_try_fast(&parser, padded, strlen(cut) - 1, &e) == 1);
	CHECK(gg_parser_parse(&parser, padded, strlen(cut) - 1, &e, &last_error) == -1);
	CHECK(strstr(last_error.message, "key 'freed': empty value") != NULL);
	CHECK(gg_parser_parse(&parser, padded, strlen(cut), &e, &last_error) == 0);
	CHECK_U64(e.tlb_flush.pages, 16);
	CHECK(gg_parser_parse(&parser, padded, strlen(cut) - 16, &e, &last_error) == -1);
	CHECK(strstr(last_error.message, "missing key 'pages'") != NULL);
}

static void test_cli(const char *tests_dir)
{
	static struct run_result r;
	char sample[512];
	current_test = "command line";
	snprintf(sample, sizeof(sample), "%s/sample.events", tests_dir);

	RUN(&r, "bogus");
	CHECK_U64((uint64_t)r.status, 2);
	CHECK(strncmp(r.err, "gogrowth: unknown command 'bogus'\n", 34) == 0);
	CHECK(strstr(r.err, "usage: gogrowth") != NULL);

	char *no_args[] = { "gogrowth", NULL };
	run(&r, 1, no_args);
	CHECK_U64((uint64_t)r.status, 2);

	RUN(&r, "--help");
	CHECK_U64((uint64_t)r.status, 0);
	CHECK(strstr(r.out, "report [--csv|--wide] [FILE]") != NULL);

	RUN(&r, "report", "--help");
	CHECK_U64((uint64_t)r.status, 0);
	RUN(&r, "report", "--bogus");
	CHECK_U64((uint64_t)r.status, 2);
	RUN(&r, "report", "a", "b");
	CHECK_U64((uint64_t)r.status, 2);

	/* the sample: 13 events, lost 1 (see tests/sample.events) */
	RUN(&r, "report", sample);
	CHECK_U64((uint64_t)r.status, 0);
	CHECK_STR(r.err, "");
	CHECK(strstr(r.out, "total: 13 events, 2 steps, 3 mappings, 1 lost\n") != NULL);
	CHECK(strstr(r.out, "step 2: grow 1 (cap 512 -> 848)  (events 10, lost 1)\n") != NULL);

	/* the compact table, worked out by hand from tests/sample.events: mappings
	 * A = 0xc000000000+64 MiB (prot 0), B = 0xc000000000+4 MiB over it, C = libc 8 KiB */
	CHECK(has_row(r.out, "step 1: (start) (events 3, lost 0)"));
	/* the first fault mapped a 64 KiB folio: 16 pages */
	CHECK(has_row(r.out, "0xc000000000-0xc000400000 anon rw- 1 4 MiB 1 16 0 0 none->present 1; pte 1"));
	CHECK(has_row(r.out, "0xc000000000-0xc004000000 anon --- 1 64 MiB 0 0 0 0 -"));
	/* step 2: the pmd fault and the 16-page flush in B; libc's mmap and read fault; the
	 * whole-mm flush in "(other)" */
	CHECK(has_row(r.out, "0xc000000000-0xc000400000 anon rw- 0 4 MiB 1 512 1 16 none->present 1; pmd 1"));
	CHECK(has_row(r.out, "0x7f0000000000-0x7f0000002000 libc.so.6 r-- 1 8 KiB 1 1 0 0 none->present 1; pte 1"));
	CHECK(has_row(r.out, "(other) - - 0 - 0 0 1 all -"));
	/* step 1's "(other)" is empty, so it is not shown: one "(other)" row in step 2 and one
	 * in the totals */
	CHECK_U64(count_rows(r.out, "(other) "), 2);
	CHECK(has_row(r.out, "totals per mapping (pages: summed over steps)"));
	CHECK(has_row(r.out, "0xc000000000-0xc000400000 anon rw- 1 4 MiB 2 528 1 16 none->present 2; pte 1, pmd 1"));
	/* 64 MiB + 4 MiB + 8 KiB = 68.0078 MiB */
	CHECK(has_row(r.out, "total: 3 mmaps of 68.0 MiB, 0 failed"));
	/* 16 + 512 + libc's page (a line without ptes=: one page) */
	CHECK(has_row(r.out, "total: 3 faults, 529 pages: none->present 3; pte 2, pmd 1"));
	CHECK(has_row(r.out, "total: 2 tlb flushes, 16 pages flushed, 1 of the whole mm"));

	/* --wide: the old table, every counter, "(other)" in every step */
	RUN(&r, "report", "--wide", sample);
	CHECK_U64((uint64_t)r.status, 0);
	CHECK(strstr(r.out, "present->present-newpfn") != NULL);
	CHECK_U64(count_rows(r.out, "(other) "), 2);

	RUN(&r, "report", "--csv", sample);
	CHECK_U64((uint64_t)r.status, 0);
	static const char header_start[] =
		"step,step_name,mapping_start,mapping_len,mapping_end,name,prot,mmaps,";
	CHECK(strncmp(r.out, header_start, strlen(header_start)) == 0);
	/* header + 3 rows in step 1 + 3 rows in step 2 */
	unsigned lines = 0;
	for (const char *p = r.out; *p; p++)
		lines += *p == '\n';
	CHECK_U64(lines, 7);
	CHECK(strstr(r.out, "\n2,\"grow 1 (cap 512 -> 848)\",0x7f0000000000,8192,0x7f0000002000,"
			    "libc.so.6,r--,1,8192,0,1,1,") != NULL);

	/* a malformed third line: FILE:LINE and the key, exit 1, nothing on stdout */
	static const char bad[] =
		"seq=1 ts=1 " P0 "ev=lost count=1\n"
		"\n"
		"seq=2 ts=2 " P0 "ev=munmap addr=0xzz len=1 ret=0\n";
	char *path = write_temp_file("bad.events", bad, sizeof(bad) - 1);
	CHECK(path != NULL);
	if (path) {
		char expected[512];
		snprintf(expected, sizeof(expected),
			 "gogrowth: %s:3: key 'addr': bad hex number: '0xzz'\n", path);
		RUN(&r, "report", path);
		CHECK_U64((uint64_t)r.status, 1);
		CHECK_STR(r.err, expected);
		CHECK_STR(r.out, "");
		unlink(path);
	}

	/* the last line may lack its newline */
	static const char no_newline[] = "seq=1 ts=1 " P0 "ev=lost count=4";
	path = write_temp_file("nonl.events", no_newline, sizeof(no_newline) - 1);
	if (path) {
		RUN(&r, "report", path);
		CHECK_U64((uint64_t)r.status, 0);
		CHECK(strstr(r.out, "total: 1 events, 1 steps, 0 mappings, 4 lost\n") != NULL);
		unlink(path);
	}

	/* an over-long line is an error, not a crash */
	size_t long_length = 70000;
	char *long_line = malloc(long_length);
	if (long_line) {
		memset(long_line, 'a', long_length);
		long_line[long_length - 1] = '\n';
		path = write_temp_file("long.events", long_line, long_length);
		free(long_line);
		if (path) {
			RUN(&r, "report", path);
			CHECK_U64((uint64_t)r.status, 1);
			CHECK(strstr(r.err, ":1: line longer than 65536 bytes") != NULL);
			unlink(path);
		}
	}

	RUN(&r, "report", "/nonexistent/gogrowth.events");
	CHECK_U64((uint64_t)r.status, 1);
	CHECK_STR(r.err, "gogrowth: cannot open '/nonexistent/gogrowth.events': "
			 "No such file or directory\n");

	RUN(&r, "report", temp_dir); /* a directory: open works, read fails */
	CHECK_U64((uint64_t)r.status, 1);
	CHECK(strstr(r.err, "read error: Is a directory") != NULL);
}

static void test_go_rules(void)
{
	static struct run_result r;
	current_test = "go rules";
	CHECK_U64(gg_go_roundupsize(0), 0);
	CHECK_U64(gg_go_roundupsize(1), 8);
	CHECK_U64(gg_go_roundupsize(6656), 6784); /* 832 * 8: the 512 -> 848 step */
	CHECK_U64(gg_go_roundupsize(27264), 27264);
	CHECK_U64(gg_go_roundupsize(32767), 32768);
	CHECK_U64(gg_go_roundupsize(32768), 32768);
	CHECK_U64(gg_go_roundupsize(32769), 40960); /* large: 8 KiB pages */
	CHECK_U64(gg_go_grow_cap(GG_GO_RULES_118, 0, 1, 8), 1);
	CHECK_U64(gg_go_grow_cap(GG_GO_RULES_118, 512, 513, 8), 848);
	CHECK_U64(gg_go_grow_cap(GG_GO_RULES_117, 512, 513, 8), 1024);
	CHECK_U64(gg_go_grow_cap(GG_GO_RULES_117, 1024, 1025, 8), 1280);
	CHECK_U64(gg_go_grow_cap(GG_GO_RULES_118, 4, 11, 8), 12); /* needed > 2 * cap */
	CHECK_U64(gg_go_grow_cap(GG_GO_RULES_118, 1, 2, 0), 0);

	RUN(&r, "model", "slice-go118", "3000");
	CHECK_U64((uint64_t)r.status, 0);
	CHECK_STR(r.out, "1\n2\n4\n8\n16\n32\n64\n128\n256\n512\n848\n1280\n1792\n2560\n3408\n");
	RUN(&r, "model", "slice-go117", "1300");
	CHECK_STR(r.out, "1\n2\n4\n8\n16\n32\n64\n128\n256\n512\n1024\n1280\n1696\n");
	RUN(&r, "model", "slice-go999", "10");
	CHECK_U64((uint64_t)r.status, 2);
	CHECK(strstr(r.err, "unknown model 'slice-go999'") != NULL);
	RUN(&r, "model", "slice-go118", "-1");
	CHECK_U64((uint64_t)r.status, 2);
}

static void test_record_check_usage(void)
{
	static struct run_result r;
	current_test = "record/check usage";
	RUN(&r, "record");
	CHECK_U64((uint64_t)r.status, 2);
	CHECK(strstr(r.err, "a command or -p PID is required") != NULL);
	RUN(&r, "record", "-p", "12x");
	CHECK_U64((uint64_t)r.status, 2);
	RUN(&r, "record", "-p", "1", "--", "true");
	CHECK_U64((uint64_t)r.status, 2);
	RUN(&r, "record", "--bogus");
	CHECK_U64((uint64_t)r.status, 2);
	RUN(&r, "check");
	CHECK_U64((uint64_t)r.status, 2);
	RUN(&r, "check", "no-such-sequence");
	CHECK_U64((uint64_t)r.status, 2);
	CHECK_STR(r.err, "gogrowth: check: unknown sequence 'no-such-sequence' (gogrowth check "
			 "--list)\n");
	RUN(&r, "check", "--all", "cow-fork");
	CHECK_U64((uint64_t)r.status, 2);
	RUN(&r, "check", "--list");
	CHECK_U64((uint64_t)r.status, 0);
	CHECK(strstr(r.out, "slice-go118") && strstr(r.out, "map-hmap") &&
	      strstr(r.out, "madvise-refault"));
}

/* Append one event line to a synthetic stream. */
static void add_line(struct gg_events *events, uint64_t *seq, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
static void add_line(struct gg_events *events, uint64_t *seq, const char *format, ...)
{
	char line[512], body[400];
	va_list args;
	va_start(args, format);
	vsnprintf(body, sizeof(body), format, args);
	va_end(args);
	++*seq;
	int length = snprintf(line, sizeof(line), "seq=%" PRIu64 " ts=%" PRIu64 " cpu=0 pid=7 "
			      "tid=7 cr3=0x1000 pgd=0x1000 %s\n", *seq, *seq * 10, body);
	gg_events_append(events, line, (size_t)length);
}

static void add_fault(struct gg_events *events, uint64_t *seq, uint64_t addr, const char *trans)
{
	add_line(events, seq, "ev=fault addr=0x%" PRIx64 " ip=0x401000 access=write origin=user "
		 "lock=mmap level=pte old=0x0 new=0x8000000012345867 old_flags=------- "
		 "new_flags=PWUADN- old_pfn=0x0 new_pfn=0x12345 trans=%s result=minor vmf=0x0 "
		 "node=0 fflags=0x255", addr, trans);
}

/* A madvise-refault stream; `drop` pages leave out their refault. Returns the failures. */
static unsigned refault_stream(unsigned drop, char *output, size_t size)
{
	struct gg_events events = { 0 };
	uint64_t seq = 0, region = 0x7f0000000000;
	add_line(&events, &seq, "ev=marker text=refault grow region=0x%" PRIx64 " pages=256",
		 region);
	for (unsigned p = 0; p < 256; p++)
		add_fault(&events, &seq, region + p * 4096 + 8, "none->present");
	add_line(&events, &seq, "ev=marker text=refault dontneed");
	add_line(&events, &seq, "ev=tlb_flush start=0x%" PRIx64 " end=0x%" PRIx64 " stride=12 "
		 "pages=256 freed=0", region, region + 256 * 4096);
	add_line(&events, &seq, "ev=madvise addr=0x%" PRIx64 " len=1048576 advice=4 ret=0",
		 region);
	add_line(&events, &seq, "ev=marker text=refault touch");
	for (unsigned p = drop; p < 256; p++)
		add_fault(&events, &seq, region + p * 4096, "none->present");
	add_line(&events, &seq, "ev=marker text=refault end");
	FILE *out = tmpfile();
	struct gg_checker checker = { .out = out, .name = "madvise-refault" };
	if (!out || gg_events_parse(&events, stderr)) {
		gg_events_free(&events);
		if (out)
			fclose(out);
		return 1000;
	}
	gg_seq_madvise_refault.verify(&gg_seq_madvise_refault, &events, &checker);
	read_stream(out, output, size);
	gg_events_free(&events);
	return checker.failures;
}

static void test_check_verdicts(void)
{
	static char output[4096];
	current_test = "check verdicts";
	CHECK_U64(refault_stream(0, output, sizeof(output)), 0);
	CHECK(strstr(output, "PASS madvise-refault: refault: 256 of 256 pages") != NULL);
	CHECK_U64(refault_stream(3, output, sizeof(output)), 1);
	CHECK(strstr(output, "FAIL madvise-refault: refault: 253 of 256 pages") != NULL);

	struct gg_events events = { 0 };
	uint64_t seq = 0, value = 0;
	add_line(&events, &seq, "ev=marker text=map grow B=3 buckets=0xc000010000 bytes=8192");
	add_line(&events, &seq, "ev=tlb_flush start=0x0 end=0xffffffffffffffff stride=12 "
		 "pages=all freed=1");
	add_line(&events, &seq, "ev=tlb_flush start=0x1000 end=0x3000 stride=12 pages=2 freed=0");
	CHECK_U64((uint64_t)gg_events_parse(&events, stderr), 0);
	CHECK_U64(events.count, 3);
	CHECK(gg_is_marker(&events.events[0], "map grow "));
	CHECK(gg_marker_value(&events.events[0], "B", &value) == 0 && value == 3);
	CHECK(gg_marker_value(&events.events[0], "buckets", &value) == 0 &&
	      value == 0xc000010000);
	CHECK(gg_marker_value(&events.events[0], "uckets", &value) == -1);
	CHECK(gg_marker_value(&events.events[0], "nope", &value) == -1);
	CHECK(gg_flush_covers(&events.events[1], 0x5000, 0x9000));
	CHECK(gg_flush_covers(&events.events[2], 0x1000, 0x3000));
	CHECK(!gg_flush_covers(&events.events[2], 0x1000, 0x4000));
	CHECK(!gg_flush_covers(&events.events[0], 0, 1));
	gg_events_free(&events);
}

/* ---- binary records: one definition, two readers ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A value that is often small, sometimes anything: both formats' edge cases. */
static uint64_t rnd_value(void)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % 16;
	case 1:
		return rnd();
	case 2:
		return 0xc000000000u + (rnd() % 0x10000000);
	default:
		return (uint64_t)-(int64_t)(1 + rnd() % 4095);
	}
}

static void rnd_string(char *s, uint16_t *len, bool nul_free)
{
	*len = (uint16_t)(rnd() % (GG_STR_MAX + 1));
	for (unsigned i = 0; i < *len; i++) {
		s[i] = (char)(rnd() % 256);
		if (nul_free && (s[i] == '\0' || s[i] == '\n'))
			s[i] = 'x';
	}
}

/* A record of @type as the module's events_raw would deliver it: valid enum values only. */
static size_t random_record(struct gg_rec *r, unsigned type)
{
	size_t len;

	memset(r, 0, sizeof(*r));
	r->h.seq = rnd_value();
	r->h.ts = rnd();
	r->h.cr3 = rnd();
	r->h.pgd = rnd();
	r->h.pid = (int32_t)(rnd() % 4194304);
	r->h.tid = (int32_t)(rnd() % 4194304);
	r->h.type = (uint16_t)type;
	r->h.cpu = (uint16_t)(rnd() % 4096);
	switch (type) {
	case GG_EV_LOST:
		r->u.lost.count = rnd_value();
		len = sizeof(r->u.lost);
		break;
	case GG_EV_MMAP:
		r->u.mmap.addr = rnd_value();
		r->u.mmap.len = rnd_value();
		r->u.mmap.prot = rnd_value();
		r->u.mmap.flags = rnd_value();
		r->u.mmap.pgoff = rnd_value();
		r->u.mmap.ret = (int64_t)rnd_value();
		r->u.mmap.anon = rnd() % 2;
		rnd_string(r->u.mmap.name, &r->u.mmap.name_len, false);
		len = offsetof(struct gg_ev_mmap, name) + r->u.mmap.name_len;
		break;
	case GG_EV_MUNMAP:
		r->u.munmap.addr = rnd_value();
		r->u.munmap.len = rnd_value();
		r->u.munmap.ret = -(int64_t)(rnd() % 4096);
		len = sizeof(r->u.munmap);
		break;
	case GG_EV_MREMAP:
		r->u.mremap.addr = rnd_value();
		r->u.mremap.old_len = rnd_value();
		r->u.mremap.new_len = rnd_value();
		r->u.mremap.flags = rnd_value();
		r->u.mremap.new_addr = rnd_value();
		r->u.mremap.ret = (int64_t)rnd_value();
		len = sizeof(r->u.mremap);
		break;
	case GG_EV_MPROTECT:
		r->u.mprotect.addr = rnd_value();
		r->u.mprotect.len = rnd_value();
		r->u.mprotect.prot = rnd_value();
		r->u.mprotect.ret = -(int64_t)(rnd() % 4096);
		len = sizeof(r->u.mprotect);
		break;
	case GG_EV_MADVISE:
		r->u.madvise.addr = rnd_value();
		r->u.madvise.len = rnd_value();
		r->u.madvise.advice = (int64_t)(rnd() % 30);
		r->u.madvise.ret = -(int64_t)(rnd() % 4096);
		len = sizeof(r->u.madvise);
		break;
	case GG_EV_BRK:
		r->u.brk.brk = rnd_value();
		r->u.brk.ret = rnd_value();
		len = sizeof(r->u.brk);
		break;
	case GG_EV_FAULT: {
		struct gg_ev_fault *f = &r->u.fault;
		static const enum gg_level shown[] = { GG_LVL_PTE, GG_LVL_PMD, GG_LVL_PUD,
						       GG_LVL_NONE, GG_LVL_UNKNOWN };
		f->addr = rnd_value();
		f->ip = rnd_value();
		f->old = rnd();
		f->new = rnd();
		f->ptes_start = rnd_value();
		f->ptes_end = rnd_value();
		/* now and then one more than a page table has: refused by every reader */
		f->ptes = (uint32_t)(rnd() % (GG_FAULT_PTES_MAX + 2));
		f->fflags = (uint32_t)rnd();
		f->vmf = (uint32_t)rnd();
		f->node = (int32_t)(rnd() % 8) - 1;
		f->origin = (uint8_t)(rnd() % GG_ORIGIN_NR);
		f->old_level = (uint8_t)(rnd() % GG_LVL_NR);
		f->new_level = (uint8_t)(rnd() % GG_LVL_NR);
		f->d.old_pfn = rnd_value();
		f->d.new_pfn = rnd_value();
		f->d.access = (uint8_t)(rnd() % GG_ACCESS_NR);
		f->d.lock = (uint8_t)(rnd() % GG_LOCK_NR);
		f->d.level = (uint8_t)shown[rnd() % 5];
		f->d.trans = (uint8_t)(rnd() % GG_TRANS_NR);
		f->d.result = (uint8_t)(rnd() % GG_RESULT_NR);
		f->d.old_flags = (uint8_t)(rnd() % 128);
		f->d.new_flags = (uint8_t)(rnd() % 128);
		len = sizeof(*f);
		break;
	}
	case GG_EV_TLB_FLUSH:
		r->u.tlb.start = rnd_value();
		r->u.tlb.end = rnd() % 8 ? rnd_value() : GG_TLB_FLUSH_ALL;
		r->u.tlb.stride = (uint32_t)(rnd() % 70);
		r->u.tlb.freed = rnd() % 2;
		len = sizeof(r->u.tlb);
		break;
	case GG_EV_FORK:
		r->u.fork.child = (int32_t)(rnd() % 4194304);
		r->u.fork.thread = rnd() % 2;
		len = sizeof(r->u.fork);
		break;
	case GG_EV_EXEC:
		rnd_string(r->u.exec.s, &r->u.exec.len, false);
		len = offsetof(struct gg_ev_str, s) + r->u.exec.len;
		break;
	case GG_EV_EXIT:
		r->u.exit.code = (int32_t)rnd();
		r->u.exit.group_dead = rnd() % 2;
		len = sizeof(r->u.exit);
		break;
	case GG_EV_MARKER:
		rnd_string(r->u.marker.s, &r->u.marker.len, true);
		len = offsetof(struct gg_ev_str, s) + r->u.marker.len;
		break;
	default:
		len = 8;
		break;
	}
	r->h.len = (uint32_t)len;
	return GG_RECORD_SIZE(len);
}

/*
 * Step names escaped as a byte-at-a-time escaper would: texts of every length around the
 * vector sizes, plain or with escapes at random places, each with the bytes after its end and
 * the room beyond what it writes left alone.
 */
static void test_escape_text(void)
{
	/* text: 32 bytes beyond the '\n' after it for gg_first_escaped() */
	static char text[300 + 1 + 32], expected[4 * 300 + 64], got[4 * 300 + 64];
	static char to_nul[4 * 300 + 64];
	unsigned mismatches = 0;

	current_test = "escape text";
	/* the AVX2 paths where the CPU has them, then the SSE2 paths */
	for (unsigned round = 0; round < 8000; round++) {
		gg_escape_text_allow_avx2(round < 4000);
		size_t length = round % 160 + (round % 4000 >= 2000 ? 140 : 0);
		unsigned escapes = (unsigned)(rnd() % 4);
		for (size_t i = 0; i < length; i++)
			text[i] = (char)(0x20 + rnd() % 0x5f);
		for (unsigned e = 0; e < escapes && length; e++) {
			static const char special[] = { '\\', 0x7f, 0x1f, 0x00, (char)0x80, (char)0xff, '\n' };
			text[rnd() % length] = special[rnd() % sizeof(special)];
		}
		char *q = expected;
		size_t plain_prefix = length;
		for (size_t i = 0; i < length; i++) {
			unsigned char c = (unsigned char)text[i];
			if (c < 0x20 || c > 0x7e || c == '\\') {
				q += sprintf(q, "\\x%02x", c);
				if (plain_prefix == length)
					plain_prefix = i;
			} else {
				*q++ = (char)c;
			}
		}
		if (gg_plain_prefix(text, length) != plain_prefix)
			mismatches++;
		memset(got, '#', sizeof(got));
		char *end = gg_put_escaped(got, text, length);
		if ((size_t)(end - got) != (size_t)(q - expected) ||
		    memcmp(got, expected, (size_t)(q - expected)) != 0 ||
		    (size_t)(end - got) + 16 > sizeof(got) || end > got + 4 * length + 64)
			mismatches++;
		/* the same check fused with a copy, and the copy exact */
		memset(got, '#', sizeof(got));
		if (gg_copy_plain_prefix(got, text, length) != plain_prefix ||
		    memcmp(got, text, length) != 0 || got[length] != '#')
			mismatches++;
		/* a line's marker text: its end found by the first byte to escape */
		text[length] = '\n';
		memset(text + length + 1, 0, 32);
		if (gg_first_escaped(text) != text + plain_prefix)
			mismatches++;
		/* a kept text: it ends at its first NUL */
		size_t kept = strnlen(text, length);
		char *k = to_nul;
		for (size_t i = 0; i < kept; i++) {
			unsigned char c = (unsigned char)text[i];
			if (c < 0x20 || c > 0x7e || c == '\\')
				k += sprintf(k, "\\x%02x", c);
			else
				*k++ = (char)c;
		}
		memset(got, '#', sizeof(got));
		end = gg_put_escaped_to_nul(got, text, length);
		if ((size_t)(end - got) != (size_t)(k - to_nul) ||
		    memcmp(got, to_nul, (size_t)(k - to_nul)) != 0 || end > got + 4 * length)
			mismatches++;
	}
	gg_escape_text_allow_avx2(true);
	CHECK(mismatches == 0);
}

/* A fault record of more entries than one page table is refused, and says which field. */
static void test_binary_fault_ptes_bound(void)
{
	static struct gg_record_scratch scratch;
	static struct gg_rec rec;
	struct gg_parse_error error;
	struct gg_event event;
	size_t size;

	current_test = "binary fault ptes bound";
	size = random_record(&rec, GG_EV_FAULT);
	rec.u.fault.ptes_start = 0x7f0000000000;
	rec.u.fault.ptes_end = 0x7f0000200000;
	rec.u.fault.ptes = GG_FAULT_PTES_MAX;
	CHECK(gg_record_to_event(&rec, size, &event, &scratch, &error) == 0);
	rec.u.fault.ptes = GG_FAULT_PTES_MAX + 1;
	CHECK(gg_record_to_event(&rec, size, &event, &scratch, &error) == -1);
	CHECK(strstr(error.message, "ptes is above 512") != NULL);
}

/*
 * Random records of every type, valid by <linux/gogrowth.h>: the line the shared formatter
 * writes parses (strict and fast parser) to exactly the event the binary reader makes, and a
 * recording of them reads (report) and prints (print) the same as their lines.
 */
static void test_binary_records(void)
{
	static struct gg_record_scratch scratch;
	static char line[GG_LINE_MAX + GG_PARSE_PADDING];
	static struct run_result r1, r2;
	static struct gg_rec rec;
	char bin_path[600], text_path[600], what[160];
	struct gg_parser parser;
	struct gg_parse_error error;
	struct gg_event from_text, from_fast, from_binary;
	unsigned mismatches = 0, unparsed = 0, refused = 0;
	const unsigned rounds = 20000;
	FILE *bin, *text;

	current_test = "binary records";
	gg_parser_init(&parser);
	snprintf(bin_path, sizeof(bin_path), "%s/records.ggr", temp_dir);
	snprintf(text_path, sizeof(text_path), "%s/records.events", temp_dir);
	bin = fopen(bin_path, "wb");
	text = fopen(text_path, "w");
	CHECK(bin && text);
	if (!bin || !text)
		return;
	struct gg_recording_header header;
	gg_recording_header_init(&header);
	fwrite(&header, sizeof(header), 1, bin);
	for (unsigned i = 0; i < rounds; i++) {
		unsigned type = (unsigned)(rnd() % (GG_EV_NR + 1)); /* GG_EV_NR: a newer type */
		size_t size = random_record(&rec, type);
		int length = gg_record_format(&rec, size, line);

		memset(line + length, 0, GG_PARSE_PADDING);
		int binary_status = gg_record_to_event(&rec, size, &from_binary, &scratch, &error);
		int text_status = gg_parse_line(line, (size_t)length - 1, &from_text, &error);
		if (binary_status != text_status ||
		    gg_parser_parse(&parser, line, (size_t)length - 1, &from_fast, &error) !=
			    text_status) {
			if (!unparsed++)
				fprintf(stderr, "  refused by one reader only: %s\n  %s",
					error.message, line);
			continue;
		}
		if (text_status) {
			refused++;
			continue;
		}
		fwrite(&rec, size, 1, bin);
		fwrite(line, 1, (size_t)length, text);
		if (!same_event(&from_text, &from_binary) || !same_event(&from_fast, &from_binary)) {
			if (!mismatches++)
				fprintf(stderr, "  binary and text differ for: %s", line);
		}
	}
	fclose(bin);
	fclose(text);
	snprintf(what, sizeof(what), "%u records (%u refused by all readers): refused alike", rounds,
		 refused);
	check(unparsed == 0, what, __FILE__, __LINE__);
	snprintf(what, sizeof(what), "%u records: binary reader == text parsers", rounds);
	check(mismatches == 0, what, __FILE__, __LINE__);

	/* The commands read both formats alike (report and plot go through event_stream). */
	RUN(&r1, "report", "--csv", bin_path);
	RUN(&r2, "report", "--csv", text_path);
	CHECK_U64((uint64_t)r1.status, (uint64_t)r2.status);
	CHECK_STR(r1.out, r2.out);
	CHECK_STR(r1.err, r2.err);

	/* print: the recording as the formatter's lines, byte for byte. */
	char print_path[600];
	snprintf(print_path, sizeof(print_path), "%s/printed.events", temp_dir);
	FILE *printed = fopen(print_path, "w+"), *err = tmpfile();
	char *print_argv[] = { "gogrowth", "print", bin_path, NULL };
	CHECK(printed && err);
	if (!printed || !err)
		return;
	CHECK_U64((uint64_t)gogrowth_main(3, print_argv, printed, err), 0);
	fclose(err);
	fclose(printed);
	char command[1400];
	snprintf(command, sizeof(command), "cmp -s %s %s", print_path, text_path);
	CHECK(system(command) == 0);

	/* Refusals, each with its reason. */
	RUN(&r1, "print", text_path);
	CHECK_U64((uint64_t)r1.status, 1);
	CHECK(strstr(r1.err, "is not a binary recording") != NULL);
	truncate(bin_path, (off_t)sizeof(header) + 20);
	RUN(&r1, "report", bin_path);
	CHECK_U64((uint64_t)r1.status, 1);
	CHECK(strstr(r1.err, "record 1 at byte 24: cut short") != NULL);
	bin = fopen(bin_path, "wb");
	if (bin) {
		header.record_version = GG_RECORD_VERSION + 1;
		fwrite(&header, sizeof(header), 1, bin);
		fclose(bin);
	}
	RUN(&r1, "print", bin_path);
	CHECK_U64((uint64_t)r1.status, 1);
	CHECK(strstr(r1.err, "records of version") != NULL);
	unlink(bin_path);
	unlink(text_path);
	unlink(print_path);
}

int main(int argc, char **argv)
{
	const char *tests_dir = argc > 1 ? argv[1] : "tests";

	if (!mkdtemp(temp_dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_common_prefix();
	test_mmap();
	test_munmap_mremap_mprotect_madvise();
	test_fault();
	test_fault_ptes();
	test_tlb_flush();
	test_fork_exec_exit_lost();
	test_marker();
	test_unknown_type_and_keys();
	test_boundaries();
	test_malformed();
	test_aggregate_hand_stream();
	test_aggregate_edges();
	test_fast_path();
	test_report_table();
	test_cli(tests_dir);
	test_go_rules();
	test_record_check_usage();
	test_check_verdicts();
	test_binary_records();
	test_binary_fault_ptes_bound();
	test_escape_text();
	rmdir(temp_dir);

	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
