#!/usr/bin/env bash
# Install what `make check` needs for one guest kernel series, idempotently.
#
# Usage: scripts/install-deps.sh KVER
#   KVER is a Debian kernel series: 6.1 (bookworm) or 6.12 (bookworm-backports).
# Prints, as its last line, the Debian ABI name of the guest kernel
# (e.g. 6.1.0-56-amd64), which the rest of the runner keys its cache on.
set -euo pipefail

kver=${1:?usage: install-deps.sh KVER (6.1 or 6.12)}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || die "installing packages needs root (run as root, or install by hand: see README)"

# apt's target release: none for 6.1, so bookworm-security's newer kernels win.
case "$kver" in
6.1)  target=() ;;
6.12) target=(-t bookworm-backports) ;;
*)    die "unsupported KVER '$kver': supported are 6.1 and 6.12" ;;
esac

export DEBIAN_FRONTEND=noninteractive

# bookworm-backports, from the same mirror the machine already uses for bookworm.
add_backports() {
	local list=/etc/apt/sources.list.d/gogrowth-backports.sources uri
	[ -e "$list" ] && return 0
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
	uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ && / bookworm( |$)/ {print u; exit}' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	if [ -z "$uri" ] && [ -e /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list)
	fi
	[ -n "$uri" ] || die "cannot find the bookworm mirror in the apt configuration to add bookworm-backports"
	log "adding bookworm-backports from $uri"
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$uri" >"$list"
	rm -f "$stamp_dir/apt-updated"
}

stamp_dir=$(cache_dir)/stamps
mkdir -p "$stamp_dir"

add_backports

# apt-get update once a day at most: it is the slow part of a warm run.
if [ -z "$(find "$stamp_dir/apt-updated" -mmin -1440 2>/dev/null)" ]; then
	log "apt-get update"
	apt-get update -qq >/dev/null
	touch "$stamp_dir/apt-updated"
fi

# The ABI name of the newest kernel of the series, from Debian's metapackage.
abi=$(apt-cache depends "${target[@]}" linux-image-amd64 2>/dev/null |
	sed -n "s/.*Depends: linux-image-\($kver[.0-9+a-z-]*-amd64\)\$/\1/p" | head -n1)
[ -n "$abi" ] || die "no linux-image-$kver* found in the apt sources"

# Tools come from bookworm; only the kernel's own packages from the series'
# suite, so that 6.12 does not pull the rest of the machine into backports.
tools=(make gcc libc6-dev cpio xz-utils kmod perl bc rsync file
       qemu-system-x86 busybox-static sparse dwarves valgrind clang libclang-rt-14-dev
       golang-1.19-go)
kernel_pkgs=("linux-headers-$abi" "linux-source-$kver")
# Go 1.23 lives in backports; the suite uses it where it is available.
if apt-cache show golang-1.23-go >/dev/null 2>&1; then
	tools+=(golang-1.23-go)
fi

missing_of() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}
mapfile -t missing < <(missing_of "${tools[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
	log "installing: ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mapfile -t missing < <(missing_of "${kernel_pkgs[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
	log "installing: ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${target[@]}" "${missing[@]}" >/dev/null
fi

# The guest kernel image is unpacked into the cache, never installed on the
# host: the host does not boot it and must not get its hooks run.
kdir=$(cache_dir)/kernels/$abi
if [ ! -e "$kdir/vmlinuz" ]; then
	log "fetching linux-image-$abi"
	tmp=$(mktemp -d)
	chown _apt "$tmp" 2>/dev/null || true # apt's sandbox user writes there
	(cd "$tmp" && apt-get download -qq "${target[@]}" "linux-image-$abi" >/dev/null)
	mkdir -p "$kdir/root"
	dpkg-deb -x "$tmp"/linux-image-"$abi"_*.deb "$kdir/root"
	cp "$kdir/root/boot/vmlinuz-$abi" "$kdir/vmlinuz.tmp"
	mv "$kdir/vmlinuz.tmp" "$kdir/vmlinuz"
	rm -rf "$tmp"
fi

"$here/ksft-tree.sh" "$kver" >/dev/null

echo "$abi"
