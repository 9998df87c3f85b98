#!/usr/bin/env bash
# Make, once, the trixie chroot that builds against Debian's kernels newer
# than the host's (trixie's 6.12, trixie-backports' 7.x), and keep its apt
# lists at most a day old. Prints the chroot's path.
#
# Usage: scripts/chroot.sh            make it (if missing) and refresh its lists
#        scripts/chroot.sh run CMD... run CMD in it (see chroot_run in lib.sh)
#
# It lives in the cache ($(cache_dir)/chroot/trixie; `make distclean` removes
# it). Nothing is ever left mounted in it: chroot_run mounts /proc, /dev,
# /sys and the build directories in a private mount namespace.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || die "the trixie chroot needs root"
root=$(chroot_dir)
base=$(dirname "$root")
mkdir -p "$base"

if [ "${1:-}" = run ]; then
	shift
	chroot_run "$@"
	exit
fi

# Debian's mirror and its security mirror, as the host's apt uses them.
mirror_of() { # suite-regex default
	local uri=
	uri=$(awk -v re="$1" '/^URIs:/ {u=$2} /^Suites:/ && $0 ~ re {print u; exit}' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	if [ -z "$uri" ] && [ -e /etc/apt/sources.list ]; then
		uri=$(awk -v re="$1" '$1 == "deb" && $3 ~ re {print $2; exit}' /etc/apt/sources.list)
	fi
	printf '%s\n' "${uri:-$2}"
}
mirror=$(mirror_of ' bookworm( |$)|^bookworm$' http://deb.debian.org/debian)
security=$(mirror_of 'bookworm-security' http://deb.debian.org/debian-security)

pkgs=(gcc-14 make libc6-dev libelf1t64 libssl3t64 dwarves kmod bc xz-utils
      cpio file perl sparse dkms)

# One maker at a time; the others wait and use what it made.
exec 9>"$base/.lock"
flock 9

if [ ! -e "$root/.complete" ]; then
	command -v debootstrap >/dev/null ||
		apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
	tmp=$root.new
	# A half-made one from an interrupted run: nothing is mounted in it
	# (chroot_run never mounts in the host's namespace), so rm is safe.
	if findmnt -rn -o TARGET | grep -q "^$tmp"; then die "$tmp has mounts: unmount them first"; fi
	rm -rf "$tmp"
	log "debootstrap trixie (minbase) from $mirror into $root"
	t0=$SECONDS
	# In a private mount namespace: the /proc and /sys that debootstrap
	# mounts in the target vanish with it, even if it is interrupted.
	unshare --mount --propagation private -- \
		debootstrap --variant=minbase --include=ca-certificates trixie "$tmp" "$mirror" \
		>"$base/debootstrap.log" 2>&1 || { tail -n 20 "$base/debootstrap.log" >&2; die "debootstrap failed"; }
	log "debootstrap: $((SECONDS - t0)) s"
	cat >"$tmp/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: trixie trixie-updates trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	rm -f "$tmp/etc/apt/sources.list"
	# No docs, man pages or locales: the chroot only builds.
	cat >"$tmp/etc/dpkg/dpkg.cfg.d/01-gogrowth-nodoc" <<'NODOC'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
NODOC
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
		>"$tmp/etc/apt/apt.conf.d/01-gogrowth"
	# Package scripts must not start services or touch the (host's) kernel.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod +x "$tmp/usr/sbin/policy-rc.d"
	mv "$tmp" "$root"
	t0=$SECONDS
	chroot_run apt-get update -qq >/dev/null
	chroot_run apt-get install -y -qq "${pkgs[@]}" >"$base/install.log" 2>&1 ||
		{ tail -n 20 "$base/install.log" >&2; die "installing the build tools in the chroot failed"; }
	log "chroot build tools: $((SECONDS - t0)) s"
	touch "$root/.apt-updated" "$root/.complete"
fi

# apt-get update in the chroot at most once a day.
if [ -z "$(find "$root/.apt-updated" -mmin -1440 2>/dev/null)" ]; then
	log "apt-get update (trixie chroot)"
	chroot_run apt-get update -qq >/dev/null
	touch "$root/.apt-updated"
fi
echo "$root"
