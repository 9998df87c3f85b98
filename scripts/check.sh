#!/usr/bin/env bash
# `make check`: run the gogrowth kselftests in a QEMU guest of Debian's KVER
# kernel, print the KTAP, and end with "N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kver=${1:-6.1}
prepared=$("$here/prepare.sh" "$kver")
read -r abi initrd <<<"$prepared"
trap 'rm -f "$initrd"' EXIT
logdir=$(cache_dir)/logs/$abi-$(date +%Y%m%d-%H%M%S)

log "booting $abi ($ACCEL) for the selftests; logs in $logdir"
guest_rc=0
"$here/vm-run.sh" --kernel "$(cache_dir)/kernels/$abi/vmlinuz" \
	--initrd "$initrd" \
	--job selftests --logdir "$logdir" --timeout "${GG_TIMEOUT:-1800}" \
	${GG_TESTS:+--append "gg_tests=$GG_TESTS"} || guest_rc=$?

"$here/ktap-summary.sh" "$logdir/results.log" "$logdir/verdict"
