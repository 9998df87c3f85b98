#!/usr/bin/env bash
# Build the Go growth programs (userspace/go) with every Debian Go toolchain
# installed here, statically (the guest has no C library), into OUTDIR as
# go-slice-1.NN and go-map-1.NN. Prints the versions built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

out=${1:?usage: build-go.sh OUTDIR}
mkdir -p "$out"
# GOPATH mode, not a go.mod: kbuild's clean deletes every *.mod below the
# module's M= directory, which is the whole tree.
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/gogrowth"
ln -s "$top/userspace/go" "$gopath/src/gogrowth/programs"
export GOCACHE=$(cache_dir)/go-build GOPATH=$gopath GO111MODULE=off
export GOTOOLCHAIN=local GOPROXY=off CGO_ENABLED=0
built=()
for go in /usr/lib/go-1.*/bin/go; do
	[ -x "$go" ] || continue
	v=$(basename "$(dirname "$(dirname "$go")")")
	v=${v#go-}
	(cd "$gopath/src/gogrowth/programs" &&
		"$go" build -trimpath -o "$out/go-slice-$v" gogrowth/programs/slice &&
		"$go" build -trimpath -o "$out/go-map-$v" gogrowth/programs/hmap) >&2
	built+=("$v")
done
[ "${#built[@]}" -gt 0 ] || die "no Go toolchain in /usr/lib/go-1.*: apt-get install golang-1.19-go"
echo "${built[*]}"
