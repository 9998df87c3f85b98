#!/usr/bin/env bash
# Build a set of the kernel's own mm selftests (tools/testing/selftests/vm
# on 6.1, mm on 6.12, from linux-source) statically, for mm_stress_test.sh
# to run in the guest traced and untraced. Built on the host for every
# kernel (7.x too: see the flags below).
#
# Usage: build-mm-tests.sh KSFT_DIR OUTDIR
# Chosen to run in the busybox guest within a minute or two in all:
# no hugetlbfs, no extra libraries, no minutes-long runs (khugepaged), and
# nothing that needs a free huge page to pass: split_huge_page_test bails
# out with "No THP is allocated" when the guest's memory is fragmented,
# which after the other tests it sometimes is, traced or not; mremap_test
# maps at random addresses with MAP_FIXED_NOREPLACE and, in a 2 GiB guest,
# fails a different number of its cases from run to run (EEXIST, ENOMEM).
set -euo pipefail
ksft=${1:?usage: build-mm-tests.sh KSFT_DIR OUTDIR}
out=${2:?usage: build-mm-tests.sh KSFT_DIR OUTDIR}
tests="madv_populate map_fixed_noreplace map_populate mremap_dontunmap
       soft-dirty mlock2-tests mrelease_test mkdirty"

src=$ksft/mm
[ -d "$src" ] || src=$ksft/vm
[ -d "$src" ] || { echo "build-mm-tests: no mm selftests under $ksft" >&2; exit 1; }
extra=()
[ -e "$src/thp_settings.c" ] && extra+=("$src/thp_settings.c")	# 6.12
[ -e "$src/hugepage_settings.c" ] && extra+=("$src/hugepage_settings.c")	# 7.x
# As the kernel's lib.mk (7.x) builds them: -D_GNU_SOURCE= and the tools'
# copy of the uapi headers (PAGEMAP_SCAN, PROCMAP_QUERY, ... are newer than
# the host's), which needs tools/arch/x86/include (scripts/ksft-tree.sh).
flags=()
if grep -q '^TOOLS_INCLUDES' "$ksft/lib.mk"; then
	flags+=(-D_GNU_SOURCE= -isystem "$ksft/../../include/uapi")
fi
mkdir -p "$out"
for t in $tests; do
	[ -e "$src/$t.c" ] || continue	# not in this kernel's tree
	# The kernel's code, not ours: built as its Makefile would, warnings and all.
	gcc -static -O2 -w "${flags[@]}" -I"$ksft" -I"$src" "$src/$t.c" "$src/vm_util.c" "${extra[@]}" \
		-lpthread -lrt -o "$out/$t"
done
