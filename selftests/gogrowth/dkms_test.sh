#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kselftest (TEST_PROGS): the module as dkms builds it from dkms.conf loads and
# works. scripts/prepare.sh puts the dkms-built module (scripts/dkms-build.sh)
# at /opt/gogrowth/dkms/gogrowth.ko; this test loads it with pid=$$, reads
# its debugfs stats and unloads it. Skips (4) when there is no such module.
# busybox sh compatible.

ko=${GOGROWTH_DKMS_KO:-/opt/gogrowth/dkms/gogrowth.ko}
dbg=/sys/kernel/debug/gogrowth
ksft_skip=4

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP dkms_test: must be root"
	exit $ksft_skip
fi
if [ ! -e "$ko" ]; then
	echo "1..0 # SKIP dkms_test: no dkms-built module at $ko"
	exit $ksft_skip
fi
echo "1..4"
[ -d /sys/kernel/debug ] && [ -n "$(ls /sys/kernel/debug 2>/dev/null)" ] ||
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
# Another test's module may still be loaded: this one must be the dkms one.
[ -d /sys/module/gogrowth ] && rmmod gogrowth 2>/dev/null
status=0
if insmod "$ko" pid=$$; then
	echo "ok 1 dkms_test: insmod $ko pid=$$"
else
	echo "not ok 1 dkms_test: insmod $ko pid=$$"
	echo "ok 2 dkms_test: stats # SKIP not loaded"
	echo "ok 3 dkms_test: pid # SKIP not loaded"
	echo "ok 4 dkms_test: rmmod # SKIP not loaded"
	exit 1
fi
stats=$(cat "$dbg/stats" 2>/dev/null)
if [ -n "$stats" ]; then
	echo "ok 2 dkms_test: $dbg/stats readable"
	echo "$stats" | sed 's/^/# /'
else
	echo "not ok 2 dkms_test: $dbg/stats missing or empty"
	status=1
fi
pid=$(cat "$dbg/pid" 2>/dev/null)
if [ "$pid" = "$$" ]; then
	echo "ok 3 dkms_test: traces pid $$"
else
	echo "not ok 3 dkms_test: $dbg/pid says '$pid', not $$"
	status=1
fi
if rmmod gogrowth; then
	echo "ok 4 dkms_test: rmmod gogrowth"
else
	echo "not ok 4 dkms_test: rmmod gogrowth"
	status=1
fi
exit $status
