#!/usr/bin/env bash
# Install what is missing, build the module, selftests and tool for the guest
# kernel of series KVER, and pack the guest's initramfs.
#
# Usage: prepare.sh KVER [JOB_SCRIPT [EXTRA_DIR]]
#   JOB_SCRIPT becomes /opt/gogrowth/job.sh in the guest (for gg_job=script);
#   EXTRA_DIR's contents are copied into /opt/gogrowth/.
# Prints "ABI INITRD": the guest kernel's Debian ABI name (its image is
# $(cache_dir)/kernels/ABI/vmlinuz) and a fresh initramfs, which the caller
# removes when done (runs for different jobs may prepare at the same time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

kver=${1:?usage: prepare.sh KVER [JOB_SCRIPT [EXTRA_DIR]]}
job_script=${2:-}
extra_dir=${3:-}

# GG_KERNEL_TREE=/path: a kernel build tree (scripts/debug-kernel.sh's) instead
# of Debian's kernel: the module is built against it, the selftests with its
# kselftest tree, and ABI is its kernelrelease (its image is
# tree/arch/x86/boot/bzImage; scripts/check.sh boots that).
if [ -n "${GG_KERNEL_TREE:-}" ]; then
	"$here/install-deps.sh" "$kver" >/dev/null
	kdir=$GG_KERNEL_TREE
	abi=$(make -s -C "$kdir" kernelrelease)
	ksft=$kdir/tools/testing/selftests
else
	abi=$("$here/install-deps.sh" "$kver" | tail -n 1)
	kdir=
	ksft=$("$here/ksft-tree.sh" "$kver")
fi
guest=$(cache_dir)/guest/$abi
mkdir -p "$guest"
stage=$(mktemp -d "$guest/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

log "building for $abi"
# The module is built in a copy, so that runs for different kernels can
# prepare at the same time and the tree's own build is left alone.
modsrc=$(mktemp -d "$guest/module-src.XXXXXX")
trap 'rm -rf "$stage" "$modsrc"' EXIT
copy_module_sources "$modsrc"
if [ -n "$kdir" ]; then
	make -s -C "$kdir" M="$modsrc" W=1 modules >&2
else
	# On the host for 6.1, in the trixie chroot for 6.12 and 7.x (lib.sh).
	kbuild "$abi" "$modsrc" -s W=1 modules >&2
fi
# The selftests' objects are kept per tree: make decides by timestamps, so two
# checkouts sharing one build directory would run each other's binaries.
selftests_out=$guest/selftests-$(printf '%s' "$top" | sha1sum | cut -c1-12)
make -s -C "$top" selftests KVER="$kver" KSFT_DIR="$ksft" SELFTEST_OUT="$selftests_out" >&2
if [ -e "$top/userspace/Makefile" ]; then
	make -s -C "$top/userspace" STATIC=1 >&2
fi

mkdir -p "$stage/opt/kselftest/gogrowth" "$stage/opt/gogrowth"

# The kernel's own runner, with our collection laid out as
# `make -C tools/testing/selftests install` would.
cp "$ksft/run_kselftest.sh" "$stage/opt/kselftest/"
cp -r "$ksft/kselftest" "$stage/opt/kselftest/"
make -s -C "$top/selftests/gogrowth" KSFT_DIR="$ksft" OUTPUT="$selftests_out" \
	INSTALL_PATH="$stage/opt/kselftest/gogrowth" install >&2
make -s -C "$top/selftests/gogrowth" KSFT_DIR="$ksft" OUTPUT="$selftests_out" \
	COLLECTION=gogrowth emit_tests >"$stage/opt/kselftest/kselftest-list.txt"
cp "$modsrc/module/gogrowth.ko" "$stage/opt/kselftest/gogrowth/"
# GG_KSFT_TIMEOUT: each test program's time limit in the guest instead of
# the one in selftests/gogrowth/settings (for slower, debug kernels).
if [ -n "${GG_KSFT_TIMEOUT:-}" ]; then
	sed -i "s/^timeout=.*/timeout=$GG_KSFT_TIMEOUT/" "$stage/opt/kselftest/gogrowth/settings"
fi
"$here/build-mm-tests.sh" "$ksft" "$stage/opt/kselftest/gogrowth/mm" >&2
cp "$modsrc/module/gogrowth.ko" "$stage/opt/gogrowth/"
# The same module built by dkms from dkms.conf, for selftests that load it
# (GG_NO_DKMS=1 skips it, and so does a debug kernel tree).
if [ -z "${GG_KERNEL_TREE:-}" ] && [ -z "${GG_NO_DKMS:-}" ]; then
	mkdir -p "$stage/opt/gogrowth/dkms"
	"$here/dkms-build.sh" "$abi" "$stage/opt/gogrowth/dkms" >&2
fi
if [ -x "$top/userspace/gogrowth" ]; then
	cp "$top/userspace/gogrowth" "$stage/opt/gogrowth/"
fi
"$here/build-go.sh" "$stage/opt/gogrowth" >/dev/null
if [ -n "$job_script" ]; then
	cp "$job_script" "$stage/opt/gogrowth/job.sh"
fi
if [ -n "$extra_dir" ]; then
	cp -a "$extra_dir/." "$stage/opt/gogrowth/"
fi

# Debian's trace-cmd and perf with their libraries, for trace_tools_test.sh
# (scripts/guest-tools.sh; cached). GG_GUEST_TOOLS="tracing bpftrace" adds
# bpftrace (LLVM: about 200 MB more in the guest's RAM, so not by default; see
# Documentation/tracing.md), GG_GUEST_TOOLS=none leaves them all out.
guest_tools=${GG_GUEST_TOOLS:-tracing}
if [ "$guest_tools" != none ]; then
	# shellcheck disable=SC2086
	for d in $("$here/guest-tools.sh" $guest_tools); do
		cp -a "$d/." "$stage/"
	done
fi

initrd=$(mktemp "$guest/initramfs.XXXXXX.cpio.gz")
"$here/build-initramfs.sh" "$stage" "$initrd"
echo "$abi $initrd"
