# Shared helpers for the gogrowth scripts; sourced, not run.

log() { printf 'gogrowth: %s\n' "$*" >&2; }
die() { printf 'gogrowth: error: %s\n' "$*" >&2; exit 1; }

# Everything downloaded or built for the VM lives here, outside the source
# tree, so a second run reuses it and `make distclean` can remove it.
cache_dir() { printf '%s\n' "${GOGROWTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gogrowth}"; }

# --- Kernels newer than the host's (6.12, 7.x) ---------------------------
# Their headers need trixie's gcc-14 and glibc (see
# /work/shared/notes/kernel-api.md, "Newer Debian kernels"), so they are
# installed and built against in one debootstrapped trixie chroot, kept in the
# cache: $(cache_dir)/chroot/trixie (scripts/chroot.sh makes it).
chroot_dir() { printf '%s/chroot/trixie\n' "$(cache_dir)"; }

# chroot_run [--bind DIR]... [--] COMMAND...: run COMMAND (through sh -c when
# it is one word with spaces) as root in the chroot. /proc (7.x's objtool
# needs it), /dev and /sys, and each DIR at the same absolute path, are
# mounted in a private mount namespace (unshare -m): they exist only for the
# command and vanish with it, whatever happens, so nothing stays mounted
# under the cache and `rm -rf` of the chroot is always safe.
chroot_run() {
	local root binds=() d
	root=$(chroot_dir)
	while [ $# -gt 0 ]; do
		case "$1" in
		--bind) binds+=("$2"); shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	[ -x "$root/usr/bin/apt-get" ] || die "no trixie chroot at $root: run scripts/chroot.sh"
	for d in "${binds[@]}"; do mkdir -p "$root$d"; done
	GG_ROOT=$root unshare --mount --propagation private -- /bin/bash -c '
		set -e
		root=$GG_ROOT; n=$1; shift
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount --rbind /sys "$root/sys"
		for ((i = 0; i < n; i++)); do mount --bind "$1" "$root$1"; shift; done
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' chroot-run "${#binds[@]}" "${binds[@]}" "$@"
}

# How the module is built for ABI: "native" (the host's headers, 6.1) or
# "chroot" (the trixie chroot's), as scripts/install-deps.sh recorded it.
kbuild_mode() { # ABI
	cat "$(cache_dir)/kernels/$1/kbuild" 2>/dev/null || echo native
}

# The headers of ABI as seen from the host (for reading, not building).
kheaders_dir() { # ABI
	if [ "$(kbuild_mode "$1")" = chroot ]; then
		printf '%s/usr/src/linux-headers-%s\n' "$(chroot_dir)" "$1"
	else
		printf '/usr/src/linux-headers-%s\n' "$1"
	fi
}

# kbuild ABI DIR MAKE-ARGS...: make -C /usr/src/linux-headers-ABI M=DIR
# MAKE-ARGS, on the host for 6.1, in the chroot (DIR bind-mounted at its
# own path) for the kernels that need it.
kbuild() { # ABI DIR MAKE-ARGS...
	local abi=$1 dir=$2
	shift 2
	if [ "$(kbuild_mode "$abi")" = chroot ]; then
		chroot_run --bind "$dir" -- make -C "/usr/src/linux-headers-$abi" M="$dir" "$@"
	else
		make -C "/usr/src/linux-headers-$abi" M="$dir" "$@"
	fi
}

# The kernel series (X.Y) of a Debian ABI name: 6.12.57+deb13-amd64 -> 6.12.
abi_series() { sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$1"; }

# The module's sources, relative to the top of the tree: what a build of
# module/gogrowth.ko needs (the shared record header included), one a line.
module_files() {
	printf '%s\n' Kbuild module/Kbuild include/uapi/linux/gogrowth.h
	(cd "$top" && ls module/*.[ch]) | grep -v '\.mod\.c$'
}

# copy_module_sources DIR: the module's sources into DIR, in the tree's layout.
copy_module_sources() {
	(cd "$top" && module_files | xargs cp --parents -t "$1")
}
