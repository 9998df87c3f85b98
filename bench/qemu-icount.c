// SPDX-License-Identifier: GPL-2.0
/*
 * qemu-icount: a QEMU TCG plugin (plugin API 1, QEMU 7.2) that counts the
 * guest instructions executed between marker instructions, for `make bench`
 * (scripts/bench.sh builds it: gcc -O2 -shared -fPIC; vm-run.sh loads it
 * when GG_QEMU_PLUGIN is set). See Documentation/benchmark.md.
 *
 * Debian's QEMU 7.2 is built with plugin support but ships no qemu-plugin.h:
 * the few API 1 calls used are declared here by hand (as in the appendix of
 * Documentation/design-hooks.md).
 *
 * Counting: every translated block (TB) gets an inline "add n" (no callback)
 * to one of two counters, kernel (TB address with the top bit set) or user.
 * With TCG thread=single (vm-run.sh) one host thread runs both vCPUs, so
 * plain counters are exact and their sum is everything both vCPUs executed:
 * the workload, the kernel on its behalf, interrupts, any reader. A TB left
 * early (an exception in its middle) still counts whole; idle (hlt) counts
 * nothing.
 *
 * Markers, in the guest program (bench/ggwork.c):
 *   nopl 0x47474747(%rax)  0f 1f 80 47 47 47 47   window begins
 *   nopl 0x47474748(%rax)  0f 1f 80 48 47 47 47   window ends
 *   nopl 0x47474749(%rax)  0f 1f 80 49 47 47 47   drained (`ggwork drained`,
 *                          run by the job once the reader has emptied the ring)
 * At each end marker it prints, in order,
 *   GGICOUNT win n=<1, 2, ...> insns=<all> kernel=<kernel part> vcpu=<end's vCPU>
 * counted from the last begin marker (a begin without an end is overwritten
 * by the next begin; an end without a begin prints insns=-1). At a drained
 * marker it prints, without counting a window,
 *   GGICOUNT drained n=<the last window's n> insns=<since its begin> kernel=<...>
 * (the window, the workload's exit and the reader's work after it). At exit:
 *   GGICOUNT exit insns=<all since boot> kernel=<...> wins=<n>
 * The plugin's output goes to QEMU's log: -d plugin -D FILE.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t, void *);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int, void *);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, qemu_plugin_vcpu_tb_trans_cb_t);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, enum qemu_plugin_op,
					      void *, uint64_t);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *, qemu_plugin_vcpu_udata_cb_t,
					    enum qemu_plugin_cb_flags, void *);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, qemu_plugin_udata_cb_t, void *);
void qemu_plugin_outs(const char *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* One TCG thread runs every vCPU (thread=single): no races on these. */
static uint64_t user_insns, kernel_insns;
static uint64_t begin_all, begin_kernel, wins;
static bool open_win;

#define MARK_LEN 7
static const unsigned char mark_begin[MARK_LEN] = { 0x0f, 0x1f, 0x80, 0x47, 0x47, 0x47, 0x47 };
static const unsigned char mark_end[MARK_LEN] = { 0x0f, 0x1f, 0x80, 0x48, 0x47, 0x47, 0x47 };
static const unsigned char mark_drained[MARK_LEN] = { 0x0f, 0x1f, 0x80, 0x49, 0x47, 0x47, 0x47 };

/*
 * The inline add of a TB runs when the TB starts, so at a marker the counters
 * include the rest of its TB; both markers are off by at most a TB, the same
 * way each time.
 */
static void at_begin(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	begin_all = user_insns + kernel_insns;
	begin_kernel = kernel_insns;
	open_win = true;
}

static void at_end(unsigned int vcpu, void *udata)
{
	char buf[160];

	(void)udata;
	wins++;
	if (open_win)
		snprintf(buf, sizeof(buf), "GGICOUNT win n=%llu insns=%llu kernel=%llu vcpu=%u\n",
			 (unsigned long long)wins,
			 (unsigned long long)(user_insns + kernel_insns - begin_all),
			 (unsigned long long)(kernel_insns - begin_kernel), vcpu);
	else
		snprintf(buf, sizeof(buf), "GGICOUNT win n=%llu insns=-1 kernel=-1 vcpu=%u\n",
			 (unsigned long long)wins, vcpu);
	open_win = false;
	qemu_plugin_outs(buf);
}

static void at_drained(unsigned int vcpu, void *udata)
{
	char buf[160];

	(void)vcpu;
	(void)udata;
	snprintf(buf, sizeof(buf), "GGICOUNT drained n=%llu insns=%llu kernel=%llu\n",
		 (unsigned long long)wins,
		 (unsigned long long)(user_insns + kernel_insns - begin_all),
		 (unsigned long long)(kernel_insns - begin_kernel));
	qemu_plugin_outs(buf);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	bool kernel = qemu_plugin_tb_vaddr(tb) >> 63;

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 kernel ? &kernel_insns : &user_insns, n);
	if (kernel)
		return;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const void *data;

		if (qemu_plugin_insn_size(insn) != MARK_LEN)
			continue;
		data = qemu_plugin_insn_data(insn);
		if (!memcmp(data, mark_begin, MARK_LEN))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, at_begin,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		else if (!memcmp(data, mark_end, MARK_LEN))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, at_end,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		else if (!memcmp(data, mark_drained, MARK_LEN))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, at_drained,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	char buf[160];

	(void)id;
	(void)udata;
	snprintf(buf, sizeof(buf), "GGICOUNT exit insns=%llu kernel=%llu wins=%llu\n",
		 (unsigned long long)(user_insns + kernel_insns),
		 (unsigned long long)kernel_insns, (unsigned long long)wins);
	qemu_plugin_outs(buf);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
	(void)info;
	(void)argc;
	(void)argv;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
