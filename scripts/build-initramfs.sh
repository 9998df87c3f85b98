#!/usr/bin/env bash
# Pack the guest's initramfs: busybox, our init, and a staged tree.
#
# Usage: build-initramfs.sh STAGE_DIR OUT.cpio.gz
#   STAGE_DIR is copied to the guest's root as it is (opt/kselftest,
#   opt/gogrowth, ...). Host binaries named in GG_HOST_BINS are copied with
#   the shared libraries they need.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stage=${1:?usage: build-initramfs.sh STAGE_DIR OUT.cpio.gz}
out=${2:?usage: build-initramfs.sh STAGE_DIR OUT.cpio.gz}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc,opt,lib64}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
install -m 0755 "$here/guest/init" "$root/init"

# The kselftest runner calls /usr/bin/timeout --foreground, which busybox's
# timeout does not know: bring coreutils' (and anything else asked for).
copy_with_libs() {
	local bin=$1 lib
	mkdir -p "$root$(dirname "$bin")"
	cp -L "$bin" "$root$bin"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -Ln "$lib" "$root$lib"
	done
}
for bin in /usr/bin/timeout ${GG_HOST_BINS:-}; do
	copy_with_libs "$bin"
done

cp -a "$stage/." "$root/"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
