#!/usr/bin/env bash
# Build, once and cached, a debug guest kernel from the linux-source-KVER
# package: x86_64_defconfig + kvm_guest.config + scripts/debug-kernel.config
# (lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, KASAN, DEBUG_VM, ...).
#
# Usage: debug-kernel.sh [KVER]     (KVER defaults to 6.1)
# Prints, as its last line, the kernel build tree: a KDIR to build modules
# against, with its image in arch/x86/boot/bzImage and the kselftest tree in
# tools/testing/selftests. The tree is in $(cache_dir)/debug-kernel/KVER/linux;
# the build log is build.log next to it. A second run with the same source
# package and config fragment reuses the build; a changed fragment
# reconfigures and rebuilds incrementally.
#   GG_DEBUG_JOBS   make -j for the build (default: the number of CPUs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kver=${1:-6.1}
tarball=/usr/src/linux-source-$kver.tar.xz
# Kernels newer than bookworm's come with their linux-source in the trixie chroot.
if [ ! -r "$tarball" ] && [ -r "$(chroot_dir)$tarball" ]; then
	tarball=$(chroot_dir)$tarball
fi
fragment=$here/debug-kernel.config
base=$(cache_dir)/debug-kernel/$kver
tree=$base/linux
buildlog=$base/build.log
jobs=${GG_DEBUG_JOBS:-$(nproc)}

# The build's identity: the source package, the fragment, and the steps below.
key=$( { stat -c '%s %Y' "$tarball" 2>/dev/null || echo none; cat "$fragment";
	sed -n '/^# --- configure ---$/,/^# --- end configure ---$/p' "$0"; } | sha256sum | cut -c1-16)
if [ -e "$tree/.gg-built" ] && [ "$(cat "$tree/.gg-built")" = "$key" ] &&
	[ -e "$tree/arch/x86/boot/bzImage" ]; then
	echo "$tree"
	exit 0
fi

# Build dependencies, from Debian.
need=(make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio xz-utils python3 perl kmod)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "the kernel build needs: ${missing[*]} (install them, or run as root)"
	log "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -r "$tarball" ]; then
	[ "$(id -u)" = 0 ] || die "$tarball missing: apt-get install linux-source-$kver"
	log "installing linux-source-$kver"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "linux-source-$kver" >/dev/null
fi

mkdir -p "$base"
if [ ! -e "$tree/.gg-unpacked" ]; then
	log "unpacking $tarball into $tree"
	rm -rf "$tree" && mkdir -p "$tree"
	tar -C "$tree" --strip-components=1 -xaf "$tarball"
	touch "$tree/.gg-unpacked"
fi
rm -f "$tree/.gg-built"

# --- configure ---
log "configuring $tree"
(
	cd "$tree"
	make -s x86_64_defconfig
	if [ -e kernel/configs/kvm_guest.config ]; then
		make -s kvm_guest.config
	fi
	# -m: merge only; olddefconfig then resolves the dependencies.
	scripts/kconfig/merge_config.sh -m -O . .config "$fragment" >/dev/null
	make -s olddefconfig
) >&2
# --- end configure ---

# Every option of the fragment must have survived Kconfig.
bad=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$tree/.config" || bad+=("$line (have: $(grep -E "^(# )?${line%%=*}[= ]" "$tree/.config" || echo absent))") ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$tree/.config" || bad+=("$line (have: $(grep "^$opt=" "$tree/.config"))") ;;
	esac
done <"$fragment"
if [ "${#bad[@]}" -gt 0 ]; then
	printf 'gogrowth: error: debug kernel config lacks:\n' >&2
	printf '    %s\n' "${bad[@]}" >&2
	exit 1
fi

log "building the debug kernel (make -j$jobs bzImage modules, niced; 20-40 min on 2 CPUs): log in $buildlog"
start=$(date +%s)
if ! (cd "$tree" && nice -n 19 make -j"$jobs" bzImage modules) >"$buildlog" 2>&1; then
	tail -n 30 "$buildlog" >&2
	die "debug kernel build failed: see $buildlog"
fi
secs=$(( $(date +%s) - start ))
release=$(make -s -C "$tree" kernelrelease)
log "built $release in $((secs / 60))m$((secs % 60))s"
printf '%s\n' "$secs" >"$base/build-seconds"
printf '%s\n' "$key" >"$tree/.gg-built"
echo "$tree"
