#!/usr/bin/env bash
# Stage Debian's real tracing tools, with every shared library they need, for
# the guest's initramfs (selftests/gogrowth/trace_tools_test.sh uses them).
#
# Usage: guest-tools.sh [--refresh] SET...
#   SET: tracing   trace-cmd (with libtracefs, libtraceevent and its plugins)
#                  and perf (bookworm's linux-perf, with its traceevent plugins)
#        bpftrace  bpftrace (bookworm's, with LLVM 14 and clang: large, see
#                  Documentation/tracing.md)
#   Prints one line per SET: a directory laid out like the guest's root
#   (usr/bin/..., lib/x86_64-linux-gnu/..., lib64/ld-linux-x86-64.so.2), to
#   copy over it. --refresh fetches and stages again.
#
# The packages are bookworm's (the host's suite), fetched with `apt-get
# download` into $(cache_dir)/guest-tools/debs, never installed: those the
# host lacks among their dependencies (what `apt-get -s install` would add)
# are fetched and unpacked too. Each binary and dlopen'ed plugin is staged with
# what `ldd` resolves for it (recursively, the unpacked libraries first, then
# the host's, which are bookworm's too), and the stage is proved complete by
# listing every staged ELF file's libraries with the staged ld.so inside a
# chroot of the stage itself. A staged SET is kept: the next call is instant
# (a change of this script stages it again).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

refresh=0
sets=()
for a in "$@"; do
	case "$a" in
	--refresh) refresh=1 ;;
	tracing | bpftrace) sets+=("$a") ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) die "guest-tools.sh: unknown set '$a' (tracing, bpftrace)" ;;
	esac
done
[ "${#sets[@]}" -gt 0 ] || die "usage: guest-tools.sh [--refresh] tracing|bpftrace..."

top=$(cache_dir)/guest-tools
debs=$top/debs
mkdir -p "$debs"
# One stager at a time (runs for different kernels prepare at the same time).
exec 9>"$top/.lock"
flock 9
self_sum=$(sha256sum "$0" | cut -c1-16)

# The packages of each set, and the files of them that the guest needs:
# executables and the plugin directories that they dlopen.
set_packages() {
	case "$1" in
	tracing) echo trace-cmd libtraceevent1 libtraceevent1-plugin libtracefs1 linux-perf ;;
	bpftrace) echo bpftrace ;;
	esac
}
set_files() {
	case "$1" in
	tracing) echo usr/bin/trace-cmd usr/bin/perf \
		usr/lib/x86_64-linux-gnu/traceevent/plugins usr/lib/traceevent/plugins ;;
	bpftrace) echo usr/bin/bpftrace ;;
	esac
}
set_commands() { # what must start in a chroot of the stage
	case "$1" in
	tracing) printf '%s\n' '/usr/bin/trace-cmd version' '/usr/bin/perf --version' ;;
	bpftrace) printf '%s\n' '/usr/bin/bpftrace --version' ;;
	esac
}

apt_opts=(-o APT::Sandbox::User=root -q)

# Package names to fetch for PKGS: themselves, plus what installing them on
# this host would add (their dependency closure less what the host has).
resolve() { # PKGS...
	local sim
	if ! apt-cache show "$1" >/dev/null 2>&1; then
		log "guest-tools: apt does not know $1: apt-get update"
		apt-get "${apt_opts[@]}" update >&2 || die "apt-get update failed"
	fi
	sim=$(apt-get "${apt_opts[@]}" -s install --no-install-recommends "$@" 2>&1) ||
		die "guest-tools: apt-get cannot resolve $*: $sim"
	{
		printf '%s\n' "$@"
		# "Inst NAME (VERSION ...)": new to this host. "Inst NAME [OLD] (NEW ...)"
		# would upgrade a package the host has: its installed copy serves.
		sed -n 's/^Inst \([^ ]*\) (.*/\1/p' <<<"$sim"
	} | sort -u
}

fetch() { # PKGS... -> the .deb files, fetched once
	local p missing=() f
	for p in "$@"; do
		compgen -G "$debs/${p}_*.deb" >/dev/null || missing+=("$p")
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		log "guest-tools: apt-get download ${missing[*]}"
		(cd "$debs" && apt-get "${apt_opts[@]}" download "${missing[@]}" >&2) ||
			die "guest-tools: apt-get download ${missing[*]} failed"
	fi
	for p in "$@"; do
		f=$(compgen -G "$debs/${p}_*.deb" | sort -V | tail -n 1) ||
			die "guest-tools: no .deb of $p in $debs after apt-get download"
		echo "$f"
	done
}

# Copy FILE (a path under the unpacked ROOT, or the host's) to the same path
# under STAGE, with the libraries ldd finds for it. ldd runs the host's ld.so
# with the unpacked libraries first on the path.
stage_elf() { # ROOT STAGE FILE
	local root=$1 stage=$2 file=$3 out lib dest
	out=$(LD_LIBRARY_PATH=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu ldd "$file" 2>&1) ||
		die "guest-tools: ldd $file: $out"
	if grep -q 'not found' <<<"$out"; then
		die "guest-tools: $file needs libraries neither the packages nor the host have:
$(grep 'not found' <<<"$out")"
	fi
	for lib in $(grep -o '/[^ ]*' <<<"$out"); do
		case "$lib" in
		"$root"/*) dest=${lib#"$root"} ;;
		*) dest=$lib ;;
		esac
		[ -e "$stage$dest" ] && continue
		mkdir -p "$stage$(dirname "$dest")"
		cp -L "$lib" "$stage$dest"
	done
}

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

make_set() { # SET -> its stage directory, made unless it is up to date
	local set=$1 dir=$top/$1 root stage pkgs f rel path cmd out bytes gz
	if [ "$refresh" = 0 ] && [ -d "$dir/stage" ] && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$self_sum" ]; then
		echo "$dir/stage"
		return
	fi
	log "guest-tools: staging $set"
	rm -rf "$dir"
	mkdir -p "$dir"
	root=$dir/root stage=$dir/stage
	mkdir -p "$root" "$stage"
	# shellcheck disable=SC2046
	pkgs=$(resolve $(set_packages "$set"))
	# shellcheck disable=SC2086
	for f in $(fetch $pkgs); do
		dpkg-deb -x "$f" "$root"
		basename "$f" >>"$dir/debs"
	done
	for rel in $(set_files "$set"); do
		path=$root/$rel
		[ -e "$path" ] || die "guest-tools: $rel is in none of the packages of $set ($pkgs)"
		if [ -d "$path" ]; then
			for f in "$path"/*.so; do
				mkdir -p "$stage/$rel"
				cp -L "$f" "$stage/$rel/"
				stage_elf "$root" "$stage" "$f"
			done
		else
			mkdir -p "$stage/$(dirname "$rel")"
			cp -L "$path" "$stage/$rel"
			stage_elf "$root" "$stage" "$path"
		fi
	done
	# Complete? Every staged ELF file's libraries, listed by the staged ld.so
	# in a chroot of the stage: nothing of the host can stand in there.
	[ -x "$stage/lib64/ld-linux-x86-64.so.2" ] || die "guest-tools: no ld.so staged for $set"
	while IFS= read -r -d '' f; do
		is_elf "$f" || continue
		rel=${f#"$stage"}
		out=$(chroot "$stage" /lib64/ld-linux-x86-64.so.2 --list "$rel" 2>&1) ||
			die "guest-tools: the staged ld.so cannot load $rel: $out"
		! grep -q 'not found' <<<"$out" || die "guest-tools: $rel in the stage: $(grep 'not found' <<<"$out")"
	done < <(find "$stage" -type f -print0)
	while IFS= read -r cmd; do
		# shellcheck disable=SC2086
		out=$(chroot "$stage" $cmd 2>&1) || true
		if grep -qE 'error while loading shared libraries|not found|No such file' <<<"$out" || [ -z "$out" ]; then
			die "guest-tools: '$cmd' does not start in the stage: $out"
		fi
		log "guest-tools: $cmd: $(grep -m 1 . <<<"$out")"
	done < <(set_commands "$set")
	# What it costs the initramfs: bytes as files, and as build-initramfs.sh
	# packs them (cpio, gzip -1).
	bytes=$(du -sb "$stage" | cut -f1)
	gz=$(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1 | wc -c)
	printf 'set=%s files=%d bytes=%d cpio_gzip1_bytes=%d packages=%s\n' "$set" \
		"$(find "$stage" -type f | wc -l)" "$bytes" "$gz" "$(tr '\n' ' ' <"$dir/debs")" >"$dir/sizes"
	log "guest-tools: $(cat "$dir/sizes")"
	rm -rf "$root"
	echo "$self_sum" >"$dir/stamp"
	echo "$stage"
}

for s in "${sets[@]}"; do
	make_set "$s"
done
