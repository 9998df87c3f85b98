#!/usr/bin/env bash
# Unpack the kselftest harness and runner, and checkpatch.pl, from the
# linux-source-KVER package into the cache, once. Prints the selftests dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kver=${1:?usage: ksft-tree.sh KVER}
tarball=/usr/src/linux-source-$kver.tar.xz
src=$(cache_dir)/source/$kver
if [ ! -e "$src/.complete" ]; then
	[ -r "$tarball" ] || die "$tarball missing: apt-get install linux-source-$kver (or run 'make deps KVER=$kver')"
	log "unpacking kselftest and checkpatch from linux-source-$kver"
	rm -rf "$src" && mkdir -p "$src"
	tar -C "$src" --strip-components=1 -xaf "$tarball" \
		"linux-source-$kver/tools/testing/selftests" \
		"linux-source-$kver/tools/include" \
		"linux-source-$kver/scripts/checkpatch.pl" \
		"linux-source-$kver/scripts/spelling.txt" \
		"linux-source-$kver/scripts/const_structs.checkpatch"
	touch "$src/.complete"
fi
echo "$src/tools/testing/selftests"
