#!/usr/bin/env bash
# CI proof of dkms.conf: `dkms build` of the module against the headers of
# every kernel the suite covers (KVERS, default "6.1 6.12 7"): the host's
# dkms for 6.1, trixie's in the chroot for 6.12 and 7.x, each with a private
# dkms tree (scripts/dkms-build.sh). One result per kernel; ends with
# "N passed, N failed". The modules built are what prepare.sh puts in the
# guest at /opt/gogrowth/dkms/gogrowth.ko.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

pass=0 fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for kver in ${1:-${KVERS:-6.1 6.12 7}}; do
	if abi=$("$here/install-deps.sh" "$kver" 2>"$out/log" | tail -n 1) &&
		"$here/dkms-build.sh" "$abi" "$out" 2>>"$out/log" &&
		modinfo -F vermagic "$out/gogrowth.ko" | grep -q "^$abi "; then
		pass=$((pass + 1)); echo "ok dkms build against $abi ($kver)"
	else
		fail=$((fail + 1)); echo "not ok dkms build against ${abi:-$kver} ($kver)"
		sed 's/^/#   /' "$out/log" | tail -n 30
	fi
	rm -f "$out/gogrowth.ko"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
