#!/usr/bin/env bash
# `make check-debug`: the whole selftest suite, as `make check` runs it, in a
# debug kernel built from linux-source-KVER (lockdep, PROVE_RCU,
# DEBUG_ATOMIC_SLEEP, KASAN, DEBUG_VM, ...: scripts/debug-kernel.config), with
# the module built against that kernel. The kernel is built once and cached
# (scripts/debug-kernel.sh, 20-40 min on 2 CPUs the first time).
#
# Usage: check-debug.sh [KVER]     (KVER defaults to 6.1)
# Prints the KTAP and "N passed, N failed"; exits non-zero on any failure
# and on any kernel report (vm-run.sh judges the kernel log). The whole
# output is also kept in $(cache_dir)/logs/check-debug-KVER.log.
#   GG_TIMEOUT       the guest's time limit in seconds (default 5400: KASAN
#                    and lockdep under TCG are several times slower)
#   GG_KSFT_TIMEOUT  each test program's time limit in the guest (default 900)
#   GG_TESTS         run only these tests, as for `make check`
#   GG_KERNEL_ARGS   more guest kernel arguments (no5lvl is always given: see
#                    Documentation/check-debug.md for the 6.1 KASAN boot race
#                    with 5-level paging that it avoids)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kver=${1:-6.1}
# As the Makefile does, for a run without make.
export ACCEL=${ACCEL:-tcg}
mkdir -p "$(cache_dir)/logs"
out=$(cache_dir)/logs/check-debug-$kver.log

run() {
	local tree release start rc=0
	tree=$("$here/debug-kernel.sh" "$kver" | tail -n 1) && [ -d "$tree" ] || return 1
	release=$(make -s -C "$tree" kernelrelease) || return 1
	log "debug kernel $release: $tree"
	log "debug options: $(grep -oE '^CONFIG_(PROVE_LOCKING|PROVE_RCU|DEBUG_LOCKDEP|DEBUG_ATOMIC_SLEEP|DEBUG_PREEMPT|KASAN|KASAN_INLINE|KASAN_VMALLOC|DEBUG_VM|DEBUG_VM_PGFLAGS|SLUB_DEBUG|DEBUG_LIST|BUG_ON_DATA_CORRUPTION|DEBUG_OBJECTS|DEBUG_PAGEALLOC|DEBUG_KMEMLEAK|PREEMPT)=y' "$tree/.config" |
		sed 's/^CONFIG_//; s/=y$//' | tr '\n' ' ')"
	start=$(date +%s)
	GG_KERNEL_TREE=$tree GG_KERNEL_ARGS="no5lvl${GG_KERNEL_ARGS:+ $GG_KERNEL_ARGS}" GG_TIMEOUT=${GG_TIMEOUT:-5400} GG_KSFT_TIMEOUT=${GG_KSFT_TIMEOUT:-900} \
		"$here/check.sh" "$kver" || rc=$?
	log "check-debug: $release, run $(( $(date +%s) - start )) s, exit status $rc"
	return "$rc"
}

rc=0
{ run 2>&1 || rc=$?; echo "$rc" >"$out.rc"; } | tee "$out"
rc=$(cat "$out.rc")
rm -f "$out.rc"
exit "$rc"
