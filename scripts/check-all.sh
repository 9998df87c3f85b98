#!/usr/bin/env bash
# `make check-all`: everything CI runs, on a fresh machine too: the runner's
# own self-test, lint and the guest selftests on every supported kernel, and
# the tool's host-side tests, and a dkms build per kernel. Prints the seconds
# each step took, then a table of them, then the sum, last:
# "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

kvers=${KVERS:-6.1 6.12 7}
total_pass=0 total_fail=0 total_skip=0
failed_steps=()
timings=()
run_start=$SECONDS

# Where the time goes: one "seconds name" entry per step.
timed() { # name seconds
	printf -- '--- %s: %d s\n' "$1" "$2"
	timings+=("$(printf '%6d s  %s' "$2" "$1")")
}

# Count a finished step's results: its last "N passed, N failed" line.
account() { # name status output-file
	local name=$1 st=$2 out=$3 counts
	counts=$(grep -aE '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -n "$counts" ]; then
		total_pass=$((total_pass + $(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$counts")))
		total_fail=$((total_fail + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$counts")))
		if grep -q skipped <<<"$counts"; then
			total_skip=$((total_skip + $(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$counts")))
		fi
	fi
	# A step that failed without counting its failure still fails the run.
	if [ "$st" != 0 ]; then
		failed_steps+=("$name")
		if [ -z "$counts" ] || [ "$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$counts")" = 0 ]; then
			total_fail=$((total_fail + 1))
		fi
	fi
}

step() { # name command...
	local name=$1 out st t0=$SECONDS
	shift
	printf '\n=== %s\n' "$name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	st=${PIPESTATUS[0]}
	timed "$name" $((SECONDS - t0))
	account "$name" "$st" "$out"
	rm -f "$out"
}

# A check that is one result, whatever its own output counts.
single() { # command...
	local out st
	out=$(mktemp)
	"$@" >"$out" 2>&1
	st=$?
	tail -n 5 "$out"
	rm -f "$out"
	if [ "$st" = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
	return "$st"
}

cd "$top"
# Installing is no test: it counts only when it fails. The first kernel's
# (the host's tools) in the foreground, since the userspace steps need them;
# the others' (the trixie chroot, headers and linux-source: mostly network
# and dpkg, minutes on an empty cache) in the background meanwhile.
first=${kvers%% *}
rest=${kvers#"$first"}
printf '\n=== install dependencies (%s)\n' "$first"
t0=$SECONDS
if ! "$here/install-deps.sh" "$first" >/dev/null; then
	failed_steps+=("install dependencies ($first)")
	total_fail=$((total_fail + 1))
fi
timed "install dependencies ($first)" $((SECONDS - t0))
bgdir=$(mktemp -d)
trap 'rm -rf "$bgdir"' EXIT
(
	for kver in $rest; do
		t0=$SECONDS st=0
		"$here/install-deps.sh" "$kver" >/dev/null 2>"$bgdir/$kver.log" || st=$?
		echo "$st $((SECONDS - t0))" >"$bgdir/$kver.done"
	done
) &
bg=$!
if [ -e userspace/Makefile ]; then
	step "userspace unit tests" make -s -C userspace test
	step "userspace tests and report under valgrind, no leaks" single make -s -C userspace valgrind
	step "userspace parser fuzzing, ${FUZZ_SECONDS:-60} s" single make -s -C userspace fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
fi
step "runner self-test" "$here/tests/runner-selftest.sh" "$first"
t0=$SECONDS
wait "$bg"
for kver in $rest; do
	printf '\n=== install dependencies (%s, in the background)\n' "$kver"
	cat "$bgdir/$kver.log" 2>/dev/null
	st=1 secs=0
	[ -e "$bgdir/$kver.done" ] && read -r st secs <"$bgdir/$kver.done"
	if [ "$st" != 0 ]; then
		failed_steps+=("install dependencies ($kver)")
		total_fail=$((total_fail + 1))
	fi
	timed "install dependencies ($kver, in the background)" "$secs"
done
[ $((SECONDS - t0)) = 0 ] || timed "waiting for the background installs" $((SECONDS - t0))
# Before the guests: their initramfs takes the modules dkms built here.
step "dkms build ($(echo $kvers))" "$here/dkms-check.sh" "$kvers"
# Lint builds on one core while a guest runs on the other (TCG is one
# thread): the lints run in the background, one after another, beside the
# guests, and their output is shown after the guests'.
(
	for kver in $kvers; do
		t0=$SECONDS st=0
		"$here/lint.sh" "$kver" >"$bgdir/lint-$kver.out" 2>&1 || st=$?
		echo "$st $((SECONDS - t0))" >"$bgdir/lint-$kver.done"
	done
) &
bg=$!
for kver in $kvers; do
	step "selftests in the guest ($kver)" "$here/check.sh" "$kver"
done
# bpftrace (LLVM: +78 MB packed, Documentation/tracing.md) is too heavy for
# every boot, so trace_tools_test skips its checks there; here they run, in
# a guest of their own per kernel with only that test.
for kver in $kvers; do
	step "trace tools with bpftrace in the guest ($kver)" \
		env GG_GUEST_TOOLS="tracing bpftrace" GG_TESTS=gogrowth:trace_tools_test.sh \
		"$here/check.sh" "$kver"
done
t0=$SECONDS
wait "$bg"
[ $((SECONDS - t0)) = 0 ] || timed "waiting for the lints" $((SECONDS - t0))
for kver in $kvers; do
	printf '\n=== lint (%s, beside the guests)\n' "$kver"
	cat "$bgdir/lint-$kver.out" 2>/dev/null
	st=1 secs=0
	[ -e "$bgdir/lint-$kver.done" ] && read -r st secs <"$bgdir/lint-$kver.done"
	timed "lint ($kver, beside the guests)" "$secs"
	account "lint ($kver)" "$st" "$bgdir/lint-$kver.out"
done

echo
echo "time per step:"
printf '%s\n' "${timings[@]}"
printf '%6d s  total\n' $((SECONDS - run_start))
echo
if [ "${#failed_steps[@]}" -gt 0 ]; then
	printf 'failed steps: %s\n' "$(IFS=,; echo "${failed_steps[*]}")"
fi
line="$total_pass passed, $total_fail failed"
[ "$total_skip" = 0 ] || line="$line, $total_skip skipped"
echo "$line"
[ "$total_fail" = 0 ]
