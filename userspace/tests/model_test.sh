#!/usr/bin/env bash
# Host test: `gogrowth model` against the real Go toolchains. Builds userspace/go's go-slice with
# every Debian Go installed (scripts/build-go.sh), runs it with -marker '' up to 2M elements and
# compares its new_cap= sequence with `gogrowth model slice-go118` (Go >= 1.18 rules). Go 1.17 is
# not packaged: slice-go117 is compared with the sequence in /work/shared/notes/go-growth.md
# (Documentation/sequences.md repeats it). Usage: model_test.sh GOGROWTH BUILD_DIR
set -euo pipefail
tool=${1:?usage: model_test.sh GOGROWTH BUILD_DIR}
out=${2:?usage: model_test.sh GOGROWTH BUILD_DIR}
mkdir -p "$out" && out=$(cd "$out" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
n=2097152
failed=0

# Go <= 1.17 (runtime/slice.go of go1.17): from go-growth.md.
go117="1 2 4 8 16 32 64 128 256 512 1024 1280 1696 2304 3072 4096 5120 7168 9216 12288 15360 19456"
got117=$("$tool" model slice-go117 19456 | tr '\n' ' ' | sed 's/ $//')
if [ "$got117" = "$go117" ]; then
	echo "ok model slice-go117 matches go-growth.md up to 19456"
else
	echo "not ok model slice-go117: got '$got117', expected '$go117'"
	failed=1
fi

if ! ls /usr/lib/go-1.*/bin/go >/dev/null 2>&1; then
	echo "SKIP model slice-go118 vs Go: no Go toolchain (apt-get install golang-1.19-go)"
	exit $failed
fi
mkdir -p "$out"
versions=$("$top/scripts/build-go.sh" "$out")
model=$("$tool" model slice-go118 "$n")
for v in $versions; do
	real=$("$out/go-slice-$v" -n "$n" -marker '' | sed -n 's/.*go-slice grow .* new_cap=\([0-9]*\) .*/\1/p')
	steps=$(printf '%s\n' "$real" | wc -l)
	if [ "$real" = "$model" ]; then
		echo "ok model slice-go118 matches go$v: $steps capacities up to $(printf '%s\n' "$real" | tail -n 1)"
	else
		echo "not ok model slice-go118 differs from go$v:"
		diff <(printf '%s\n' "$model") <(printf '%s\n' "$real") | head -n 10 || true
		failed=1
	fi
done
exit $failed
