#!/usr/bin/env bash
# Proves the runner can fail: fed a failing test, a crash, a kernel warning
# or a hang, `make check`'s machinery must say so and exit non-zero.
#
# Usage: runner-selftest.sh KVER
# Part one judges crafted KTAP logs (no VM); part two boots the guest with
# jobs that misbehave on purpose. Ends with "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib.sh"

kver=${1:-6.1}
pass=0 fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

expect() { # name expected-status actual-status
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1)); echo "ok $1"
	else
		fail=$((fail + 1)); echo "not ok $1 (status $3, expected $2)"
	fi
}
nonzero() { [ "$1" != 0 ] && echo 1 || echo 0; }

# --- part one: the KTAP summary -------------------------------------------
good_verdict='GUEST-RESULT accel=tcg seconds=1 kernel_log_clean=1 finished=1 job_rc=0'
summarize() { # results-text verdict-text -> status; last line in $work/last
	printf '%s\n' "$1" >"$work/results.log"
	printf '%s\n' "$2" >"$work/verdict"
	"$here/ktap-summary.sh" "$work/results.log" "$work/verdict" >"$work/out" 2>&1
	local st=$?
	tail -n 1 "$work/out" >"$work/last"
	return $st
}
passing=$'TAP version 13\n1..1\n# selftests: gogrowth: t\n# ok 1 a.b\n# ok 2 a.c\nok 1 selftests: gogrowth: t'
summarize "$passing" "$good_verdict"; expect "summary: passing run exits 0" 0 $?
expect "summary: passing run counts 2 cases + 2 guest checks" "4 passed, 0 failed" "$(cat "$work/last")"
summarize $'# selftests: gogrowth: t\n# ok 1 a.b\n# not ok 2 a.c\nnot ok 1 selftests: gogrowth: t # exit=1' "$good_verdict"
st=$?; expect "summary: a failing case fails the run" 1 "$(nonzero $st)"
expect "summary: a failing case is counted once" "3 passed, 1 failed" "$(cat "$work/last")"
summarize $'# selftests: gogrowth: t\n# ok 1 a.b\nnot ok 1 selftests: gogrowth: t # TIMEOUT 45 seconds' "$good_verdict"
st=$?; expect "summary: a program that dies after its cases fails the run" 1 "$(nonzero $st)"
summarize $'# selftests: gogrowth: t\n# ok 1 a.b # SKIP no THP\nok 1 selftests: gogrowth: t' "$good_verdict"
expect "summary: a skipped case is not counted as passed" "2 passed, 0 failed, 1 skipped" "$(cat "$work/last")"
summarize "" "$good_verdict"; st=$?
expect "summary: a run with no test fails" 1 "$(nonzero $st)"
summarize "$passing" 'GUEST-RESULT accel=tcg seconds=1 kernel_log_clean=0 finished=1 job_rc=0'; st=$?
expect "summary: an unclean kernel log fails a passing run" 1 "$(nonzero $st)"
summarize "$passing" 'GUEST-RESULT accel=tcg seconds=1 kernel_log_clean=1 finished=0 job_rc=none'; st=$?
expect "summary: an unfinished guest fails a passing run" 1 "$(nonzero $st)"

# --- part two: misbehaving guests ------------------------------------------
cat >"$work/job.sh" <<'JOB'
case "$gg_case" in
ok)      echo fine ;;
fail)    exit 3 ;;
warn)    echo "WARNING: CPU: 0 PID: 1 at injected by runner-selftest" >/dev/kmsg ;;
crash)   echo c >/proc/sysrq-trigger ;;
hang)    sleep 600 ;;
esac
JOB
prepared=$("$here/prepare.sh" "$kver" "$work/job.sh") || { echo "not ok prepare guest"; echo "0 passed, 1 failed"; exit 1; }
read -r abi initrd <<<"$prepared"
trap 'rm -rf "$work" "$initrd"' EXIT
boot() { # case timeout -> status
	"$here/vm-run.sh" --kernel "$(cache_dir)/kernels/$abi/vmlinuz" --initrd "$initrd" \
		--job script --append "gg_case=$1" --timeout "$2" \
		--logdir "$work/vm-$1" >/dev/null 2>&1
}
boot ok 300;    expect "guest: a clean job passes" 0 $?
boot fail 300;  st=$?; expect "guest: a failing job fails the run" 1 "$(nonzero $st)"
boot warn 300;  st=$?; expect "guest: a WARNING: in the kernel log fails the run" 1 "$(nonzero $st)"
grep -q 'kernel_log_clean=0' "$work/vm-warn/verdict"; expect "guest: the WARNING is what was caught" 0 $?
boot crash 300; st=$?; expect "guest: a kernel crash fails the run" 1 "$(nonzero $st)"
grep -q 'finished=0' "$work/vm-crash/verdict"; expect "guest: the crash is seen as unfinished" 0 $?
boot hang 25;   st=$?; expect "guest: a hung guest times out and fails the run" 1 "$(nonzero $st)"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
