#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own mm selftests, run untraced and then traced by gogrowth:
# each must end exactly as it does untraced (exit status and its KTAP
# totals), and the traced run must have been recorded. One KTAP result per
# mm test. busybox sh compatible.
#
# The mm test binaries come from $GG_MM_DIR, ./mm (our guest layout) or
# ../mm (an installed kselftest tree).
here=$(cd "$(dirname "$0")" && pwd)
D=/sys/kernel/debug/gogrowth
ksft_skip=4

mm=${GG_MM_DIR:-}
[ -n "$mm" ] || { [ -d "$here/mm" ] && mm=$here/mm; } || true
[ -n "$mm" ] || { [ -d "$here/../mm" ] && mm=$here/../mm; } || true
echo "TAP version 13"
if [ -z "$mm" ] || [ -z "$(ls "$mm" 2>/dev/null)" ]; then
	echo "1..1"
	echo "ok 1 # SKIP no mm selftest binaries (set GG_MM_DIR)"
	exit $ksft_skip
fi
loaded=0
if [ ! -d $D ]; then
	insmod "$here/gogrowth.ko" || { echo "1..1"; echo "not ok 1 insmod gogrowth.ko"; exit 1; }
	loaded=1
fi

# The last "# Totals:" line of a KTAP test, or nothing.
totals() { grep -a 'Totals:' "$1" | tail -n 1; }

n=0
failed=0
for t in "$mm"/*; do
	name=$(basename "$t")
	n=$((n + 1))
	# Both runs start from the same kind of memory: compacted, caches dropped.
	sync
	echo 3 >/proc/sys/vm/drop_caches
	echo 1 >/proc/sys/vm/compact_memory 2>/dev/null
	(cd "$mm" && "$t") >/tmp/mm-untraced.out 2>&1
	untraced=$?
	echo 1 >$D/clear
	sync
	echo 3 >/proc/sys/vm/drop_caches
	echo 1 >/proc/sys/vm/compact_memory 2>/dev/null
	# The shell makes itself the target and becomes the test: traced from exec on.
	(cd "$mm" && sh -c 'echo $$ >/sys/kernel/debug/gogrowth/pid && exec "$0"' "$t") \
		>/tmp/mm-traced.out 2>&1
	traced=$?
	echo 0 >$D/pid
	events=$(awk '$1 == "total" { print $3 }' $D/stats)
	lost=$(awk '$1 == "total" { print $7 }' $D/stats)
	tu=$(totals /tmp/mm-untraced.out)
	tt=$(totals /tmp/mm-traced.out)
	what="$name: exit $untraced untraced, $traced traced${tu:+; untraced $tu; traced $tt}; $events events generated, $lost lost"
	if [ "$untraced" = "$traced" ] && [ "$tu" = "$tt" ] && [ "${events:-0}" -gt 0 ]; then
		echo "ok $n $what"
	else
		echo "not ok $n $what"
		sed 's/^/#   traced: /' /tmp/mm-traced.out | tail -n 20
		failed=1
	fi
done
[ "$loaded" = 1 ] && rmmod gogrowth
echo "1..$n"
exit $failed
