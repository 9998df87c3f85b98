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

log "booting $abi (${ACCEL:-tcg}) for the selftests; logs in $logdir"
guest_rc=0
vmlinuz=$(cache_dir)/kernels/$abi/vmlinuz
append=${GG_TESTS:+gg_tests=$GG_TESTS}
# GG_KERNEL_ARGS: more arguments for the guest kernel's command line.
[ -z "${GG_KERNEL_ARGS:-}" ] || append="${append:+$append }$GG_KERNEL_ARGS"
# GG_KERNEL_TREE: boot that build tree's image (see scripts/prepare.sh).
[ -z "${GG_KERNEL_TREE:-}" ] || vmlinuz=$GG_KERNEL_TREE/arch/x86/boot/bzImage
"$here/vm-run.sh" --kernel "$vmlinuz" \
	--initrd "$initrd" \
	--job selftests --logdir "$logdir" --timeout "${GG_TIMEOUT:-1800}" \
	${append:+--append "$append"} || guest_rc=$?

"$here/ktap-summary.sh" "$logdir/results.log" "$logdir/verdict"
