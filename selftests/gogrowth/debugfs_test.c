// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs files: root-only, each bad write refused with the documented
 * error and nothing recorded, markers, enable, clear, stats that add up, and
 * the hook each probe sits on.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gg_test.h"

static const char * const files[] = {
	"events", "events_pipe", "pid", "marker", "enable", "clear", "stats",
};

/* Events of @type in the ring; -1 when it cannot be read (fails every check below). */
static long count_type(const char *type)
{
	struct gg_events ev;
	long n = 0;
	size_t k;

	if (!gg_events_read(&ev))
		return -1;
	for (k = 0; k < ev.count; k++)
		n += gg_line_is(ev.line[k], type);
	gg_events_free(&ev);
	return n;
}

static int current_target(void)
{
	char *text = gg_read_file("pid", NULL);
	int pid = text ? atoi(text) : -1;

	free(text);
	return pid;
}

FIXTURE(files)
{
	int unused;
};

FIXTURE_SETUP(files)
{
	char params[32];

	if (gg_is_loaded())
		ASSERT_EQ(0, gg_unload());
	snprintf(params, sizeof(params), "pid=%d", getpid());
	ASSERT_EQ(0, gg_load(params));
}

FIXTURE_TEARDOWN(files)
{
	gg_unload();
}

TEST_F(files, all_documented_files_exist_and_are_root_only)
{
	char path[128];
	struct stat st;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(files); k++) {
		snprintf(path, sizeof(path), "%s/%s", GG_DEBUGFS, files[k]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s missing", path);
		EXPECT_EQ(0, st.st_mode & 077) TH_LOG("%s is mode %o", path, st.st_mode & 0777);
		EXPECT_EQ(0, st.st_uid);
	}
}

TEST_F(files, bad_pid_writes_are_refused)
{
	static const char * const invalid[] = {
		"abc", "-5", "12abc", "", "\n", "0x10", "99999999999999999999", "4194305",
		"1 2",
	};
	pid_t nonexistent = 4194303;
	char buf[32];
	size_t k;

	for (k = 0; k < ARRAY_SIZE(invalid); k++) {
		EXPECT_EQ(-EINVAL, gg_write_file("pid", invalid[k])) TH_LOG("'%s'", invalid[k]);
		EXPECT_EQ(getpid(), current_target()) TH_LOG("after '%s'", invalid[k]);
	}
	while (nonexistent > 300) {
		snprintf(buf, sizeof(buf), "/proc/%d", nonexistent);
		if (access(buf, F_OK))
			break;
		nonexistent--;
	}
	EXPECT_EQ(-ESRCH, gg_set_target(nonexistent));
	EXPECT_EQ(getpid(), current_target());
	/* A trailing newline, as echo writes it, is fine. */
	snprintf(buf, sizeof(buf), "%d\n", getpid());
	EXPECT_EQ(0, gg_write_file("pid", buf));
	EXPECT_EQ(0, gg_write_file("pid", "0"));
	EXPECT_EQ(0, current_target());
}

TEST_F(files, markers_are_recorded_and_bad_ones_refused)
{
	char big[300], text[300];
	struct gg_events ev;
	long i;

	memset(big, 'x', 256);
	big[256] = '\0';
	EXPECT_EQ(0, gg_marker("step 1: grow to 64 KiB\n"));
	EXPECT_EQ(0, gg_marker(big));
	big[256] = 'x';
	big[257] = '\0';
	EXPECT_EQ(-E2BIG, gg_marker(big));
	EXPECT_EQ(-EINVAL, gg_marker(""));
	EXPECT_EQ(-EINVAL, gg_marker("two\nlines"));

	ASSERT_TRUE(gg_events_read(&ev));
	i = gg_events_find(&ev, -1, "marker");
	ASSERT_GE(i, 0);
	ASSERT_TRUE(gg_line_value(ev.line[i], "text", text, sizeof(text)));
	EXPECT_STREQ("step 1: grow to 64 KiB", text);
	i = gg_events_find(&ev, i, "marker");
	ASSERT_GE(i, 0);
	ASSERT_TRUE(gg_line_value(ev.line[i], "text", text, sizeof(text)));
	EXPECT_EQ(256, strlen(text));
	EXPECT_EQ(-1, gg_events_find(&ev, i, "marker"));
	gg_events_free(&ev);
}

TEST_F(files, enable_off_records_nothing)
{
	long before, after;
	char *text;

	EXPECT_EQ(-EINVAL, gg_write_file("enable", "2"));
	EXPECT_EQ(-EINVAL, gg_write_file("enable", "yes please"));
	ASSERT_EQ(0, gg_write_file("enable", "0"));
	text = gg_read_file("enable", NULL);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, atoi(text));
	free(text);
	before = count_type("fault");
	ASSERT_GE(before, 0);
	gg_touch_new_pages(16);
	after = count_type("fault");
	EXPECT_EQ(before, after);
	ASSERT_EQ(0, gg_write_file("enable", "1"));
	gg_touch_new_pages(16);
	EXPECT_GE(count_type("fault"), after + 16);
}

TEST_F(files, clear_empties_ring_and_counters)
{
	gg_touch_new_pages(8);
	EXPECT_GE(count_type("fault"), 8);
	ASSERT_EQ(0, gg_write_file("clear", "1"));
	EXPECT_EQ(0, count_type("fault"));
	EXPECT_EQ(0, gg_stat("total", "generated"));
	EXPECT_EQ(0, gg_stat("total", "lost"));
}

TEST_F(files, stats_add_up_per_cpu)
{
	struct gg_stats st;
	char why[160];

	gg_touch_new_pages(32);
	EXPECT_TRUE(gg_stats_consistent(&st, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_GE(st.generated, 32);
	EXPECT_GE(gg_stat("events", "fault"), 32);
}

/* Every probe of the module; the exit-less one is flush_tlb_mm_range. */
static const char * const probes[] = {
	"exit_mmap", "do_mmap", "__x64_sys_munmap", "__x64_sys_mremap", "__x64_sys_mprotect",
	"__x64_sys_madvise", "__x64_sys_brk", "handle_mm_fault", "flush_tlb_mm_range",
};

/*
 * Whether this kernel has fprobe with an int entry handler: 6.4+ built with
 * CONFIG_FPROBE (module/compat.h). tracefs' README lists fprobe events
 * (CONFIG_FPROBE_EVENTS, on wherever Debian has CONFIG_FPROBE); without a
 * readable README: Debian's kernels, 6.12 and later have it, 6.1 has not.
 */
static bool kernel_has_fprobe(char *why, size_t size)
{
	static const char * const readmes[] = {
		"/sys/kernel/tracing/README", "/sys/kernel/debug/tracing/README",
	};
	struct utsname u;
	int major = 0, minor = 0;
	size_t k;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	if (major * 100 + minor < 604) {
		snprintf(why, size, "%s: before 6.4, no fprobe entry handler that can skip", u.release);
		return false;
	}
	for (k = 0; k < ARRAY_SIZE(readmes); k++) {
		FILE *f = fopen(readmes[k], "r");
		char line[512];
		bool fprobe = false;

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			fprobe |= strstr(line, "f[:[<group>/][<event>]] <func-name>") != NULL;
		fclose(f);
		snprintf(why, size, "%s: %s %s fprobe events", u.release, readmes[k],
			 fprobe ? "lists" : "does not list");
		return fprobe;
	}
	snprintf(why, size, "%s: no tracefs README, by version", u.release);
	return major * 100 + minor >= 612;
}

/* The words of stats' line @key after the key, NULL-terminated in @word; their count. */
static int stats_line(const char *key, char *text, char **word, int max)
{
	char *save = NULL, *line, *tok, *tsave;
	int n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		tsave = NULL;
		tok = strtok_r(line, " ", &tsave);
		if (!tok || strcmp(tok, key))
			continue;
		while (n < max - 1 && (tok = strtok_r(NULL, " ", &tsave)))
			word[n++] = tok;
		break;
	}
	word[n] = NULL;
	return n;
}

/* Loaded with fallback_hooks=1 (fallback_hooks_test.sh): every probe on its fallback. */
static bool loaded_with_fallback_hooks(void)
{
	char c = 'N';
	int fd = open("/sys/module/gogrowth/parameters/fallback_hooks", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 'N';
		close(fd);
	}
	return c == 'Y';
}

/*
 * stats' "hooks" line names every probe with the hook compat.h chose for
 * this kernel: fprobe where the kernel has it, else kretprobe;
 * handle_mm_fault is a redirect (module/redirect.h), do_mmap a return hook
 * armed for the target only (module/return_hook.h), and the TLB flush and
 * the mm system calls are plain ftrace entry hooks (module/ftrace_entry.h)
 * on every kernel CI boots; with fallback_hooks=1, every probe is on fprobe
 * or kretprobe (kprobe for the TLB flush, which has no exit).
 */
TEST_F(files, hooks_are_this_kernels)
{
	const int nprobes = ARRAY_SIZE(probes);
	char *text = gg_read_file("stats", NULL), *copy, *hook[64], *missed[64];
	char why[256] = "";
	bool fprobe = kernel_has_fprobe(why, sizeof(why));
	bool fallback = loaded_with_fallback_hooks();
	const char *load_params = getenv("GG_LOAD_PARAMS");
	bool asked = load_params && strstr(load_params, "fallback_hooks=1");
	int k, j, n, m;

	/* A module that ignored the parameter would pass fallback_hooks_test.sh untested. */
	ASSERT_EQ(asked, fallback)
		TH_LOG("GG_LOAD_PARAMS='%s' but the module's fallback_hooks is %s",
		       load_params ? load_params : "", fallback ? "Y" : "not Y");
	ASSERT_NE(NULL, text);
	copy = strdup(text);
	ASSERT_NE(NULL, copy);
	n = stats_line("hooks", text, hook, 64);
	m = stats_line("missed_probes", copy, missed, 64);
	TH_LOG("expecting %s (%s)%s", fprobe ? "fprobe" : "kretprobe and kprobe", why,
	       fallback ? ", every probe on it (fallback_hooks=1)" : "");
	ASSERT_EQ(2 * nprobes, n) TH_LOG("the hooks line has %d words", n);
	/* missed_probes names the same probes, in the same order. */
	ASSERT_EQ(2 * nprobes, m) TH_LOG("the missed_probes line has %d words", m);
	for (k = 0; k < nprobes; k++)
		EXPECT_STREQ(hook[2 * k], missed[2 * k]);
	for (k = 0; k < nprobes; k++) {
		const char *want = !strcmp(probes[k], "handle_mm_fault") ? "redirect" :
			!strcmp(probes[k], "do_mmap") ? "ftrace-return" :
			!strcmp(probes[k], "flush_tlb_mm_range") ||
			!strncmp(probes[k], "__x64_sys_", 10) ? "ftrace" :
			fprobe ? "fprobe" : "kretprobe";

		if (fallback)
			want = fprobe ? "fprobe" :
			       !strcmp(probes[k], "flush_tlb_mm_range") ? "kprobe" : "kretprobe";

		for (j = 0; j < nprobes; j++)
			if (!strcmp(hook[2 * j], probes[k]))
				break;
		ASSERT_LT(j, nprobes) TH_LOG("%s is not in the hooks line", probes[k]);
		EXPECT_STREQ(want, hook[2 * j + 1]) TH_LOG("%s", probes[k]);
	}
	free(copy);
	free(text);
}

TEST_HARNESS_MAIN
