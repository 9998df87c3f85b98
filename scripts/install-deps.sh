#!/usr/bin/env bash
# Install what `make check` needs for one guest kernel series, idempotently.
#
# Usage: scripts/install-deps.sh KVER
#   KVER is a Debian kernel series: 6.1 (bookworm, built on the host), 6.12
#   (trixie), 7.3 (trixie-backports) or 7 (the newest 7.x Debian ships, today
#   trixie-backports' 7.3). The headers of 6.12 and 7.x need trixie's gcc and
#   glibc: they are installed in the trixie chroot (scripts/chroot.sh) and the
#   module is built there (kbuild in scripts/lib.sh).
# Prints "kbuild native" or "kbuild chroot" (how the module is built), then,
# as its last line, the Debian ABI name of the guest kernel (e.g.
# 6.1.0-56-amd64, 6.12.57+deb13-amd64), which the rest of the runner keys its
# cache on.
set -euo pipefail

kver=${1:?usage: install-deps.sh KVER (6.1, 6.12, 7.3 or 7)}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || die "installing packages needs root (run as root, or install by hand: see README)"

# Where the series comes from: the host's bookworm (apt's default target, so
# that bookworm-security's newer kernels win), or the trixie chroot's trixie
# or trixie-backports.
case "$kver" in
6.1)      mode=native; target=() ;;
6.12)     mode=chroot; target=() ;;
7 | 7.*)  mode=chroot; target=(-t trixie-backports) ;;
*)        die "unsupported KVER '$kver': supported are 6.1, 6.12, 7.3 and 7 (the newest 7.x)" ;;
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

# A warm run: what this series resolved to after the last apt-get update
# (host's and chroot's) is all there, so there is nothing to look up or
# install. check-all calls this a dozen times.
resolved=$stamp_dir/resolved-$kver
if [ -e "$resolved" ] && [ "$resolved" -nt "$stamp_dir/apt-updated" ]; then
	read -r mode abi <"$resolved"
	if [ "$mode" = chroot ]; then
		"$here/chroot.sh" >/dev/null
		hdrs=$(chroot_dir)/usr/src/linux-headers-$abi
		[ "$resolved" -nt "$(chroot_dir)/.apt-updated" ] || hdrs=
	else
		hdrs=/usr/src/linux-headers-$abi
	fi
	if [ -n "$hdrs" ] && [ -d "$hdrs" ] && [ -e "$(cache_dir)/kernels/$abi/vmlinuz" ] &&
		"$here/ksft-tree.sh" "$kver" >/dev/null 2>&1; then
		echo "kbuild $mode"
		echo "$abi"
		exit 0
	fi
fi

# Tools come from bookworm, for every series: the selftests, the tool and the
# guest's initramfs are built on the host.
tools=(make gcc libc6-dev cpio xz-utils kmod perl bc rsync file
       qemu-system-x86 busybox-static sparse dwarves valgrind clang libclang-rt-14-dev
       golang-1.19-go dkms libcairo2-dev pkg-config)
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

# apt commands for the series: on the host, or in the chroot.
if [ "$mode" = chroot ]; then
	"$here/chroot.sh" >/dev/null
	capt() { chroot_run "$@"; }
	# One apt at a time in the chroot (check-all's kernels share it).
	exec 8>"$(chroot_dir)/../.apt-lock"
	flock 8
else
	capt() { "$@"; }
fi

# The ABI name of the newest kernel of the series, from Debian's metapackage;
# else (a series that is no longer the suite's newest) the newest
# linux-headers-SERIES* of the suite.
re=${kver//./\\.}
[ "$kver" = 7 ] && re='7\.[0-9]+'
abi=$(capt apt-cache depends "${target[@]}" linux-image-amd64 2>/dev/null |
	sed -En "s/.*Depends: linux-image-(${re}(\.[0-9]+)*[-+][.0-9+a-z-]*amd64)\$/\1/p" | head -n1)
if [ -z "$abi" ]; then
	abi=$(capt apt-cache pkgnames linux-headers- 2>/dev/null |
		sed -En "s/^linux-headers-(${re}(\.[0-9]+)*[-+][.0-9+a-z-]*-amd64)\$/\1/p" | sort -V | tail -n1)
fi
[ -n "$abi" ] || die "no linux-image-$kver* found in the apt sources"
series=$(abi_series "$abi")
kdir=$(cache_dir)/kernels/$abi
mkdir -p "$kdir"

kernel_pkgs=("linux-headers-$abi" "linux-source-$series")
if [ "$mode" = chroot ]; then
	mapfile -t missing < <(chroot_run dpkg-query -W -f='${Package} ${Status}\n' "${kernel_pkgs[@]}" 2>/dev/null |
		awk '$NF == "installed" {print $1}' | sort | comm -13 - <(printf '%s\n' "${kernel_pkgs[@]}" | sort))
else
	mapfile -t missing < <(missing_of "${kernel_pkgs[@]}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
	log "installing ($mode): ${missing[*]}"
	t0=$SECONDS
	capt apt-get install -y -qq --no-install-recommends "${target[@]}" "${missing[@]}" >/dev/null
	log "installed in $((SECONDS - t0)) s"
fi
echo "$mode" >"$kdir/kbuild"

# The guest kernel image is unpacked into the cache, never installed (on the
# host or in the chroot): the host does not boot it and must not get its hooks
# run. 7.x's linux-image-ABI is a metapackage: the image is in linux-binary-ABI.
if [ ! -e "$kdir/vmlinuz" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	pkg=linux-image-$abi
	if capt apt-cache show "linux-binary-$abi" >/dev/null 2>&1; then
		pkg=linux-binary-$abi
	fi
	log "fetching $pkg"
	if [ "$mode" = chroot ]; then
		chroot_run --bind "$tmp" -- sh -c "cd '$tmp' && apt-get download -qq -o APT::Sandbox::User=root ${target[*]} $pkg" >/dev/null
	else
		chown _apt "$tmp" 2>/dev/null || true # apt's sandbox user writes there
		(cd "$tmp" && apt-get download -qq "${target[@]}" "$pkg" >/dev/null)
	fi
	mkdir -p "$tmp/root"
	dpkg-deb --fsys-tarfile "$tmp/${pkg}"_*.deb |
		tar -C "$tmp/root" -x --wildcards './boot/vmlinuz-*' './usr/lib/modules/*/vmlinuz' 2>/dev/null || true
	img=$(ls "$tmp/root/boot/vmlinuz-$abi" "$tmp/root/usr/lib/modules/$abi/vmlinuz" 2>/dev/null | head -n1 || true)
	[ -n "$img" ] || die "no vmlinuz in $pkg"
	cp "$img" "$kdir/vmlinuz.tmp"
	mv "$kdir/vmlinuz.tmp" "$kdir/vmlinuz"
fi

"$here/ksft-tree.sh" "$kver" >/dev/null

echo "$mode $abi" >"$resolved"
echo "kbuild $mode"
echo "$abi"
