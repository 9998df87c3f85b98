#!/usr/bin/env bash
# Build the module with dkms, from the top-level dkms.conf, against the
# headers of one Debian kernel, and copy the gogrowth.ko it made to OUTDIR.
#
# Usage: dkms-build.sh ABI OUTDIR
#   ABI as scripts/install-deps.sh prints it (it must have run). 6.1 builds
#   with the host's dkms, 6.12 and 7.x with trixie's in the chroot. dkms gets
#   a private --dkmstree and --sourcetree under the cache: the machine's
#   /var/lib/dkms and /usr/src are left alone, and nothing is installed or
#   signed. The result is cached per ABI and per source (sha256 of dkms.conf,
#   the Kbuild files and module/*.[ch]).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

abi=${1:?usage: dkms-build.sh ABI OUTDIR}
out=${2:?usage: dkms-build.sh ABI OUTDIR}
version=$(sed -En 's/^PACKAGE_VERSION="?([^"]*)"?$/\1/p' "$top/dkms.conf")
[ -n "$version" ] || die "no PACKAGE_VERSION in dkms.conf"

cd "$top"
mapfile -t files < <(echo dkms.conf; module_files)
sum=$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)
cached=$(cache_dir)/dkms/$abi
if [ -e "$cached/gogrowth.ko" ] && [ "$(cat "$cached/sum" 2>/dev/null)" = "$sum" ]; then
	cp "$cached/gogrowth.ko" "$out/"
	exit 0
fi

mkdir -p "$(cache_dir)/dkms"
work=$(mktemp -d "$(cache_dir)/dkms/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/src/gogrowth-$version
mkdir -p "$src" "$work/tree"
cp --parents "${files[@]}" "$src/"

# dkms signs with a key it makes under /var/lib/dkms when the kernel has
# module signing: a sign_file that does not exist turns that off.
dkms_cmd=(env sign_file=/nonexistent/sign-file dkms --dkmstree "$work/tree" --sourcetree "$work/src")
log "dkms build gogrowth/$version against $abi ($(kbuild_mode "$abi"))"
t0=$SECONDS
if [ "$(kbuild_mode "$abi")" = chroot ]; then
	run() { chroot_run --bind "$work" -- "$@"; }
else
	run() { "$@"; }
fi
run "${dkms_cmd[@]}" add -m gogrowth -v "$version" >"$work/log" 2>&1 &&
	run "${dkms_cmd[@]}" build -m gogrowth -v "$version" -k "$abi" \
		--kernelsourcedir "/usr/src/linux-headers-$abi" >>"$work/log" 2>&1 || {
	cat "$work/log" >&2
	cat "$work/tree/gogrowth/$version/build/make.log" >&2 2>/dev/null || true
	die "dkms build against $abi failed"
}
ko=$(ls "$work/tree/gogrowth/$version/$abi"/*/module/gogrowth.ko* 2>/dev/null | head -n 1)
[ -n "$ko" ] || { cat "$work/log" >&2; die "dkms built no gogrowth.ko for $abi"; }
case "$ko" in
*.xz)  xz -dc "$ko" >"$work/gogrowth.ko" ;;
*.zst) zstd -dc "$ko" >"$work/gogrowth.ko" ;;
*.gz)  gzip -dc "$ko" >"$work/gogrowth.ko" ;;
*)     cp "$ko" "$work/gogrowth.ko" ;;
esac
log "dkms build: $((SECONDS - t0)) s"
mkdir -p "$cached"
cp "$work/gogrowth.ko" "$cached/gogrowth.ko"
echo "$sum" >"$cached/sum"
cp "$work/gogrowth.ko" "$out/"
