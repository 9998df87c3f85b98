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
export GOCACHE=$(cache_dir)/go-build GOPATH=$(cache_dir)/gopath GOFLAGS=-mod=mod
export GOTOOLCHAIN=local GOPROXY=off CGO_ENABLED=0
built=()
for go in /usr/lib/go-1.*/bin/go; do
	[ -x "$go" ] || continue
	v=$(basename "$(dirname "$(dirname "$go")")")
	v=${v#go-}
	(cd "$top/userspace/go" &&
		"$go" build -trimpath -o "$out/go-slice-$v" ./slice &&
		"$go" build -trimpath -o "$out/go-map-$v" ./hmap) >&2
	built+=("$v")
done
[ "${#built[@]}" -gt 0 ] || die "no Go toolchain in /usr/lib/go-1.*: apt-get install golang-1.19-go"
echo "${built[*]}"
