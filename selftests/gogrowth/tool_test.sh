#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kselftest (TEST_PROGS): the gogrowth tool's built-in growth sequences against the module.
# Loads gogrowth.ko from this directory unless it is loaded, runs `gogrowth check --all`
# (one PASS/FAIL line per check: the C sequences, then go-slice, go-map/go-map-big (hmap) or
# go-swiss/go-swiss-big (Swiss tables) of every Go Debian ships, 1.19 1.23 1.24 1.25 1.26
# 1.27; a release whose programs are missing is a FAIL, not a skip), unloads what it loaded,
# and exits with check's status: 0 all passed, 1 a check failed, 4 (kselftest skip) when the
# tool or module is missing.
# busybox sh compatible.

here=$(cd "$(dirname "$0")" && pwd)
tool=${GOGROWTH_TOOL:-/opt/gogrowth/gogrowth}
ksft_skip=4

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "ok 1 # SKIP tool_test: must be root"
	exit $ksft_skip
fi
if [ ! -x "$tool" ]; then
	echo "1..1"; echo "ok 1 # SKIP tool_test: no gogrowth tool at $tool (set GOGROWTH_TOOL)"
	exit $ksft_skip
fi
loaded=0
if [ ! -d /sys/kernel/debug/gogrowth ]; then
	[ -d /sys/kernel/debug ] && [ -n "$(ls /sys/kernel/debug 2>/dev/null)" ] ||
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
	if ! insmod "$here/gogrowth.ko"; then
		echo "1..1"; echo "not ok 1 tool_test: insmod $here/gogrowth.ko failed"
		exit 1
	fi
	loaded=1
fi

# The Go programs sit next to the tool (/opt/gogrowth) unless GOGROWTH_GO_DIR says otherwise.
# Each PASS/FAIL line of the tool becomes one KTAP result; INFO lines stay comments.
out=/tmp/gogrowth-check.$$
"$tool" check --all >"$out" 2>&1
status=$?
n=0
while IFS= read -r line; do
	case "$line" in
	PASS\ *) n=$((n + 1)); echo "ok $n ${line#PASS }" ;;
	FAIL\ *) n=$((n + 1)); echo "not ok $n ${line#FAIL }" ;;
	*) echo "# $line" ;;
	esac
done <"$out"
rm -f "$out"

if [ "$loaded" = 1 ] && ! rmmod gogrowth; then
	n=$((n + 1))
	echo "not ok $n tool_test: rmmod gogrowth"
	status=1
fi
if [ "$status" != 0 ]; then
	n=$((n + 1))
	echo "not ok $n tool_test: gogrowth check --all exited $status"
fi
[ "$n" -gt 0 ] || { n=1; echo "not ok 1 tool_test: gogrowth check printed no check"; status=1; }
echo "1..$n"
exit $status
