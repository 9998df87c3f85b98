#!/usr/bin/env bash
# Unpack the kselftest harness and runner, the mm selftests' headers, and
# checkpatch.pl, from the linux-source-SERIES package into the cache, once.
# Prints the selftests dir.
#
# Usage: ksft-tree.sh KVER
#   KVER: 6.1, 6.12, 7.3, ... or 7 (the newest 7.x whose linux-source is
#   installed). The tarball is the host's /usr/src/linux-source-SERIES.tar.xz
#   (6.1) or the trixie chroot's (6.12, 7.x; scripts/install-deps.sh installs
#   it). The tree is $(cache_dir)/source/SERIES; source/KVER links to it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kver=${1:?usage: ksft-tree.sh KVER}
tarball=
for dir in "$(chroot_dir)/usr/src" /usr/src; do
	t=$(ls "$dir/linux-source-$kver.tar.xz" "$dir/linux-source-$kver".[0-9]*.tar.xz 2>/dev/null |
		sort -V | tail -n 1 || true)
	if [ -n "$t" ]; then tarball=$t; break; fi
done
# Already unpacked (the package may have been removed since).
if [ -z "$tarball" ] && [ -e "$(cache_dir)/source/$kver/.complete" ]; then
	echo "$(cache_dir)/source/$kver/tools/testing/selftests"
	exit 0
fi
[ -n "$tarball" ] || die "linux-source-$kver missing: run 'make deps KVER=$kver' (or apt-get install linux-source-$kver)"
series=$(basename "$tarball" .tar.xz)
series=${series#linux-source-}
src=$(cache_dir)/source/$series
if [ ! -e "$src/.complete" ]; then
	log "unpacking kselftest and checkpatch from linux-source-$series"
	t0=$SECONDS
	rm -rf "$src" && mkdir -p "$src"
	# Only what is used: the harness and runner, the mm tests and the
	# headers they include (tools/include, tools/arch/x86/include), checkpatch.
	tar -C "$src" --strip-components=1 -xaf "$tarball" --wildcards \
		"linux-source-$series/tools/testing/selftests" \
		"linux-source-$series/tools/include" \
		"linux-source-$series/tools/arch/x86/include" \
		"linux-source-$series/scripts/checkpatch.pl" \
		"linux-source-$series/scripts/spelling.txt" \
		"linux-source-$series/scripts/const_structs.checkpatch"
	touch "$src/.complete"
	log "unpacked in $((SECONDS - t0)) s"
fi
link=$(cache_dir)/source/$kver
if [ "$series" != "$kver" ] && [ "$(readlink "$link" 2>/dev/null)" != "$series" ]; then
	ln -sfn "$series" "$link.tmp$$"
	mv -T "$link.tmp$$" "$link"
fi
echo "$src/tools/testing/selftests"
