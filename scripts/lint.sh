#!/usr/bin/env bash
# `make lint`: checkpatch.pl --strict (from linux-source-KVER) on the module
# and the selftests, and a W=1 + sparse build of the module against KVER's
# headers (on the host for 6.1, in the trixie chroot for 6.12 and 7.x: see
# kbuild in lib.sh). Any warning fails. Ends with "N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

kver=${1:-6.1}
abi=$("$here/install-deps.sh" "$kver" | tail -n 1)
ksft=$("$here/ksft-tree.sh" "$kver")
checkpatch=$ksft/../../../scripts/checkpatch.pl
pass=0 fail=0
out=$(mktemp)
mkdir -p "$(cache_dir)/guest/$abi"
modsrc=$(mktemp -d "$(cache_dir)/guest/$abi/lint-src.XXXXXX")
trap 'rm -rf "$out" "$modsrc"' EXIT

result() { # name status
	if [ "$2" = 0 ]; then
		pass=$((pass + 1)); echo "ok $1"
	else
		fail=$((fail + 1)); echo "not ok $1"; sed 's/^/#   /' "$out"
	fi
}

cd "$top"
st=0
# Only our sources: not the *.mod.c that kbuild generates.
mapfile -t sources < <(git ls-files -co --exclude-standard 'module/*.[ch]' \
	include/uapi/linux/gogrowth.h)
# ALLOC_WITH_SIZEOF (7.x's checkpatch): kzalloc_obj() and friends are 7.x-only,
# and the module builds on 6.1 too.
perl "$checkpatch" --strict --no-tree --terse --show-types --ignore ALLOC_WITH_SIZEOF \
	-f "${sources[@]}" >"$out" 2>&1 || st=$?
grep -qE '(WARNING|ERROR|CHECK):' "$out" && st=1
result "checkpatch --strict ($kver) on module/ and include/uapi/" "$st"

# The selftests are userspace C in the kernel's tree layout: kernel style,
# without --strict's kernel-only preferences (s64 over int64_t and the like).
st=0
mapfile -t sources < <(git ls-files -co --exclude-standard 'selftests/gogrowth/*.[ch]')
perl "$checkpatch" --no-tree --terse --show-types -f "${sources[@]}" >"$out" 2>&1 || st=$?
grep -qE '(WARNING|ERROR):' "$out" && st=1
result "checkpatch ($kver) on selftests/gogrowth/" "$st"

# A full build in a fresh copy, so that every file is compiled and checked
# (and the tree's own build is left alone).
copy_module_sources "$modsrc"
st=0
kbuild "$abi" "$modsrc" -s W=1 C=2 modules >"$out" 2>&1 || st=$?
grep -v 'Skipping BTF generation' "$out" | grep -qE 'warning:|error:' && st=1
result "W=1 and sparse build against $abi" "$st"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
