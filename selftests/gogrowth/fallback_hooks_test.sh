#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kselftest (TEST_PROGS): the probes each kernel falls back to where it refuses the redirect of
# handle_mm_fault, do_mmap's ftrace-return hook or the plain ftrace entry hooks (module/hook.c).
# No CI kernel refuses them, so this loads the module with fallback_hooks=1 (GG_LOAD_PARAMS,
# read by gg_test.c) and runs under it:
#   - events_test: every event type and key, do_mmap's results from concurrent threads, the
#     system calls' results with signals pending;
#   - debugfs_test: the files, and stats naming fprobe (6.12, 7.x) or kretprobe and kprobe (6.1)
#     for every probe (hooks_are_this_kernels).
# Their cases are reported here, named "fallback: ...".
# Exit: 0 passed, 1 a case failed. busybox sh compatible.

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tap.sh
. "$here/tap.sh"

export GG_LOAD_PARAMS=fallback_hooks=1
out=$(mktemp /tmp/fallback_hooks_test.XXXXXX) || { nok "fallback: mktemp"; echo "1..$n"; exit 1; }

# $1: the test program. Its cases become ours; a program that fails without
# a failing case (a crash, an exit before its plan) fails one more.
run() {
	prog=$1
	"$here/$prog" >"$out" 2>&1
	rc=$?
	failed_before=$status
	status=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "fallback: ${line#ok [0-9]* }" ;;
		"not ok "*) nok "fallback: ${line#not ok [0-9]* }" ;;
		*) echo "# $line" ;;
		esac
	done <"$out"
	if [ "$rc" != 0 ] && [ "$status" = 0 ]; then
		nok "fallback: $prog exited $rc"
	fi
	[ "$failed_before" = 1 ] && status=1
}

run events_test
run debugfs_test
rm -f "$out"
echo "1..$n"
exit $status
