#!/usr/bin/env bash
# Build the Go growth programs (userspace/go) with every Go Debian ships, as
# users build them (module mode, a go.mod whose go line is the toolchain's own
# version, so the toolchain's own GODEBUG defaults), statically (the guest has
# no C library), into OUTDIR as go-slice-1.NN, go-map-1.NN, go-swiss-1.NN
# (1.24+; go-map up to 1.23), go-claims-1.NN (scripts/claims.sh), with OUTDIR/go-godebug-1.NN holding `go version -m`'s build settings. Prints the
# versions built.
#
#   1.19  bookworm            golang-1.19-go    (the host's apt)
#   1.23  bookworm-backports  golang-1.23-go    (the host's apt)
#   1.24  trixie              golang-1.24-go    (the trixie chroot's apt)
#   1.25  trixie-backports    golang-1.25-go    (the trixie chroot's apt)
#   1.26  trixie-backports    golang-1.26-go    (the trixie chroot's apt)
#   1.27  sid                 golang-1.27-go    (the trixie chroot's apt, a private sid list)
#
# The go binaries are static, so the .debs (golang-1.NN-go and -src) are
# unpacked into $(cache_dir)/go/1.NN, not installed; a toolchain installed in
# /usr/lib/go-1.NN is used as it is. A version that cannot be had is an error.
# GG_GO_VERSIONS="1.19 1.24" restricts the set (for quick runs by hand).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

out=${1:?usage: build-go.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
versions=${GG_GO_VERSIONS:-1.19 1.23 1.24 1.25 1.26 1.27}
gocache=$(cache_dir)/go
mkdir -p "$gocache"
# One builder at a time (guests prepared in parallel share the cache).
exec 8>"$gocache/.lock"
flock 8

suite_of() { # 1.NN -> where Debian ships it
	case "$1" in
	1.19) echo bookworm ;;
	1.23) echo bookworm-backports ;;
	1.24) echo trixie ;;
	1.25 | 1.26) echo trixie-backports ;;
	1.27) echo sid ;;
	*) die "Go $1: not a Go Debian ships (1.19 1.23 1.24 1.25 1.26 1.27)" ;;
	esac
}

# apt in the trixie chroot with its own lists of trixie, trixie-backports
# and sid (in /var/lib/gogrowth-go, so the chroot's own apt state and
# pinning are untouched: nothing is ever installed from these lists).
chroot_apt_opts=(-o Dir::Etc::SourceList=/var/lib/gogrowth-go/sources.list
	-o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=/var/lib/gogrowth-go/lists
	-o Dir::Cache=/var/lib/gogrowth-go/cache -o Acquire::Check-Valid-Until=false -q)
chroot_lists_ready=
chroot_lists() {
	[ -n "$chroot_lists_ready" ] && return 0
	local root state
	root=$(chroot_dir)
	[ -x "$root/usr/bin/apt-get" ] || "$here/chroot.sh" >/dev/null ||
		die "Go 1.24+: the trixie chroot (scripts/chroot.sh) is needed to fetch them"
	state=$root/var/lib/gogrowth-go
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	local mirror
	mirror=$(awk '/^URIs:/ {print $2; exit}' "$root/etc/apt/sources.list.d/debian.sources")
	mirror=${mirror:-http://deb.debian.org/debian}
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	printf 'deb [signed-by=%s] %s %s main\n' "$key" "$mirror" trixie "$key" "$mirror" \
		trixie-backports "$key" "$mirror" sid >"$state/sources.list"
	# At most a day old.
	if [ -z "$(find "$state/lists" -maxdepth 1 -name '*sid*Packages*' -mtime -1 2>/dev/null)" ]; then
		chroot_run -- apt-get "${chroot_apt_opts[@]}" update >"$gocache/apt-update.log" 2>&1 ||
			{ tail -n 5 "$gocache/apt-update.log" >&2; die "apt-get update of trixie/sid lists in the chroot failed"; }
	fi
	chroot_lists_ready=1
}

# The go binary of 1.NN, fetched and unpacked into the cache if need be.
toolchain() { # 1.NN
	local v=$1 suite dir debs
	if [ -x "/usr/lib/go-$v/bin/go" ] && [ -d "/usr/lib/go-$v/src/runtime" ]; then
		echo "/usr/lib/go-$v/bin/go"
		return
	fi
	dir=$gocache/$v
	if [ -x "$dir/usr/lib/go-$v/bin/go" ] && [ -e "$dir/.complete" ]; then
		echo "$dir/usr/lib/go-$v/bin/go"
		return
	fi
	suite=$(suite_of "$v")
	debs=$gocache/debs/$v
	rm -rf "$debs" "$dir"
	mkdir -p "$debs"
	log "Go $v: fetching golang-$v-go and golang-$v-src from $suite"
	case "$suite" in
	bookworm*)
		(cd "$debs" && apt-get download -q "golang-$v-go/$suite" "golang-$v-src/$suite") \
			>"$debs/download.log" 2>&1 ||
			{ tail -n 5 "$debs/download.log" >&2; die "Go $v: cannot download golang-$v-go from $suite (is $suite in the host's apt sources? scripts/install-deps.sh adds bookworm-backports)"; } ;;
	*)
		chroot_lists
		chroot_run --bind "$debs" -- sh -c "cd '$debs' && apt-get ${chroot_apt_opts[*]} download golang-$v-go/$suite golang-$v-src/$suite" \
			>"$debs/download.log" 2>&1 ||
			{ tail -n 5 "$debs/download.log" >&2; die "Go $v: cannot download golang-$v-go from $suite through the trixie chroot"; } ;;
	esac
	for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
	[ -x "$dir/usr/lib/go-$v/bin/go" ] || die "Go $v: no usr/lib/go-$v/bin/go in the packages"
	touch "$dir/.complete"
	echo "$dir/usr/lib/go-$v/bin/go"
}

# Programs: name, package directory, build tags.
programs=(
	"go-slice slice"
	"go-map hmap"
	"go-swiss swiss"
	"go-claims claims"
)

src_hash=$(cd "$top/userspace/go" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
built=()
for v in $versions; do
	go=$(toolchain "$v")
	minor=${v#1.}
	gov=$("$go" env GOVERSION)
	# A copy of the sources with the go.mod `go mod init` writes: its go
	# line is the toolchain's (1.21+: the full release, e.g. 1.24.4), which
	# picks that release's GODEBUG defaults. Built in the cache, so kbuild's
	# clean (it deletes *.mod under M=) never sees it.
	b=$gocache/build/$v-$src_hash
	if [ ! -e "$b/.complete" ]; then
		rm -rf "$b"
		mkdir -p "$b/src" "$b/bin"
		cp -r "$top/userspace/go/." "$b/src/"
		export GOCACHE=$gocache/go-build GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0
		export GOPATH=$gocache/gopath GO111MODULE=on
		(cd "$b/src" && "$go" mod init gogrowth/programs >/dev/null 2>&1)
		for p in "${programs[@]}"; do
			set -- $p
			name=$1 pkg=$2 tags=${3:-}
			# hmap up to 1.23, Swiss tables from 1.24 (go-map refuses them)
			if [ "$pkg" = swiss ] && [ "$minor" -lt 24 ]; then continue; fi
			if [ "$pkg" = hmap ] && [ "$minor" -ge 24 ]; then continue; fi
			(cd "$b/src" && "$go" build -trimpath ${tags:+-tags "$tags"} -o "$b/bin/$name-$v" "./$pkg") >&2 ||
				die "Go $v ($gov): building $name failed"
		done
		{
			echo "# go.mod: $(grep '^go ' "$b/src/go.mod")"
			# No DefaultGODEBUG line: the toolchain's own defaults (GOPATH mode
			# or an older go line would list what differs from them).
			"$go" version -m "$b/bin/go-slice-$v" | sed -e 's/^\t*//' -e 's|^/.*/||' | grep -Ev '^(path|mod)[[:space:]]'
		} >"$b/bin/go-godebug-$v"
		touch "$b/.complete"
		# builds of older sources are of no use
		for old in "$gocache/build/$v"-*; do [ "$old" = "$b" ] || rm -rf "$old"; done
	fi
	cp "$b/bin/"* "$out/"
	built+=("$v")
done
echo "${built[*]}"
