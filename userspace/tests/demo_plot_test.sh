#!/usr/bin/env bash
# Host test of `make demo`'s pictures: the host's part of scripts/demo.sh (the
# recordings taken out of the guest's output, decoded, plotted by
# scripts/demo-plot.sh and checked) on two real recordings:
#   tests/go-slice-1.27.events.gz  the demo's Go slice run (6.1 guest, Go 1.27.3)
#   tests/go-swiss-1.24.events     a Swiss-map run (`gogrowth check --keep`, 6.1 guest)
# sent as the guest sends them (scripts/guest/demo-job.sh: gzip, base64 between
# GGDEMO-FILE lines), with GG_DEMO_FROM and GG_DEMO_TOOL (no guest is booted).
# Then that the checks fail where they must: a truncated PNG, a PNG of another
# size, an SVG missing one fault mark or its end, a recording with one more
# fault than the picture shows, a recording damaged on its way out of the guest.
# Usage: demo_plot_test.sh GOGROWTH PLOT   (PLOT: 1 when GOGROWTH plots; 0 skips)
# Ends with "N passed, N failed"; exits 1 when something failed.
set -euo pipefail
tool=${1:?usage: demo_plot_test.sh GOGROWTH PLOT}
plot=${2:?usage: demo_plot_test.sh GOGROWTH PLOT}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$(cd "$(dirname "$tool")" && pwd)/$(basename "$tool")
if [ "$plot" != 1 ]; then
	echo "ok demo pictures # SKIP gogrowth was built without plotting (PLOT=0)"
	echo "0 passed, 0 failed"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { echo "ok $*"; passed=$((passed + 1)); }
notok() { echo "not ok $*"; failed=$((failed + 1)); }

gunzip -c "$here/go-slice-1.27.events.gz" >"$work/go-slice-1.27.events"
cp "$here/go-swiss-1.24.events" "$work/go-swiss-1.24.events"

send() { # program events command: what demo-job.sh prints for one recording
	echo "GGDEMO-FILE $1 name=${1%-*} go=${1##*-} kernel=6.1.0-57-amd64 date=2026-12-01 lines=$(wc -l <"$2") command=$3"
	gzip -c "$2" | base64
	echo "GGDEMO-FILE-END $1"
}
{
	echo "GOGROWTH-BEGIN job=script"
	echo "================ go-slice: report"
	send go-slice-1.27 "$work/go-slice-1.27.events" "./go-slice-1.27 -n 2097152"
	echo "================ go-swiss: report"
	send go-swiss-1.24 "$work/go-swiss-1.24.events" "./go-swiss-1.24 -n 262144"
	echo "GOGROWTH-END rc=0"
} >"$work/results.log"

demo() { # guest-output out-dir: the host's part of scripts/demo.sh
	GG_DEMO_FROM=$1 GG_DEMO_TOOL=$tool DEMO_OUT=$2 "$top/scripts/demo.sh" 6.1 >"$work/demo.out" 2>&1
}

# --- the demo's pictures ---
out=$work/demo
if demo "$work/results.log" "$out"; then
	ok "demo.sh (guest output replayed): exit 0"
else
	notok "demo.sh (guest output replayed) failed:"; tail -n 5 "$work/demo.out"
fi
for name in go-slice-1.27 go-swiss-1.24; do
	if cmp -s "$work/$name.events" "$out/$name.events"; then
		ok "$name: the recording came out of the guest's output whole"
	else
		notok "$name: $out/$name.events differs from the recording sent"
	fi
	for ext in png svg; do
		if [ -s "$out/$name.$ext" ] && grep -qxF "  $out/$name.$ext" "$work/demo.out"; then
			ok "$name.$ext written and its path printed"
		else
			notok "$name.$ext: missing, empty, or its path not printed"
		fi
	done
	if "$top/scripts/demo-plot.sh" --check "$out/$name.events" "$out/$name.png" "$out/$name.svg" 2>"$work/check.err"; then
		ok "$name: PNG and SVG of 1600x1000, whole, one mark per fault, flush and marker"
	else
		notok "$name: the pictures fail the check: $(cat "$work/check.err")"
	fi
done
if grep -q '^================ go-slice: report$' "$work/demo.out" && ! grep -qE '^(GGDEMO|GOGROWTH)-|^H4sI' "$work/demo.out"; then
	ok "the guest's output is printed without the recordings' lines"
else
	notok "demo.sh's output lost the guest's lines or shows the recordings' (GGDEMO, base64)"
fi
if grep -q '^go-slice-1.27.events: ./go-slice-1.27 -n 2097152: Go 1.27, kernel 6.1.0-57-amd64, 2026-12-01, 640 events$' "$out/runs.txt"; then
	ok "runs.txt says what made each recording"
else
	notok "runs.txt: $(head -n 1 "$out/runs.txt" 2>/dev/null)"
fi

# --- another size ---
if "$top/scripts/demo-plot.sh" --size 1200x800 "$tool" "$work/small" "$work/go-slice-1.27.events" >/dev/null 2>&1 &&
	"$top/scripts/demo-plot.sh" --check --size 1200x800 "$work/go-slice-1.27.events" "$work/small/go-slice-1.27.png" "$work/small/go-slice-1.27.svg" 2>/dev/null; then
	ok "--size 1200x800 gives 1200x800 pictures"
else
	notok "--size 1200x800"
fi

# --- the checks can fail ---
fails() { # name events png svg [size]: --check must fail
	local why
	if why=$("$top/scripts/demo-plot.sh" --check ${5:+--size "$5"} "$2" "$3" "$4" 2>&1); then
		notok "check passes $1"
	else
		ok "check fails $1: $(grep -v 'are not right' <<<"$why" | head -n 1 | sed "s|$work/||g")"
	fi
}
ev=$out/go-slice-1.27.events png=$out/go-slice-1.27.png svg=$out/go-slice-1.27.svg
head -c -100 "$png" >"$work/truncated.png"
fails "a truncated PNG" "$ev" "$work/truncated.png" "$svg"
fails "a PNG of another size" "$ev" "$work/small/go-slice-1.27.png" "$svg"
fails "a PNG of another size (size asked: 1200x800)" "$ev" "$png" "$svg" 1200x800
: >"$work/empty.png"
fails "an empty PNG" "$ev" "$work/empty.png" "$svg"
head -c 100 "$svg" >"$work/not.png"
fails "an SVG named .png" "$ev" "$work/not.png" "$svg"
sed '0,/class="fault /{/class="fault /d}' "$svg" >"$work/one-fault-less.svg"
fails "an SVG without one of the faults" "$ev" "$png" "$work/one-fault-less.svg"
sed '0,/class="marker"/{/class="marker"/d}' "$svg" >"$work/one-marker-less.svg"
fails "an SVG without one of the markers" "$ev" "$png" "$work/one-marker-less.svg"
head -c -200 "$svg" >"$work/truncated.svg"
fails "a truncated SVG" "$ev" "$png" "$work/truncated.svg"
{ cat "$ev"; grep -m 1 ' ev=fault ' "$ev"; } >"$work/one-more-fault.events"
fails "a recording with one more fault than the picture" "$work/one-more-fault.events" "$png" "$svg"
{ cat "$ev"; grep -m 1 ' ev=tlb_flush ' "$ev"; } >"$work/one-more-flush.events"
fails "a recording with one more TLB flush than the picture" "$work/one-more-flush.events" "$png" "$svg"

# --- a recording damaged on its way out of the guest ---
awk '/^GGDEMO-FILE go-swiss/ { n = NR } n && NR == n + 3 { next } { print }' "$work/results.log" >"$work/damaged.log"
if demo "$work/damaged.log" "$work/damaged"; then
	notok "demo.sh accepts a recording with a base64 line missing"
else
	ok "demo.sh fails on a recording with a base64 line missing: $(tail -n 1 "$work/demo.out" | sed "s|$work/||g")"
fi
sed 's/ lines=640 / lines=641 /' "$work/results.log" >"$work/short.log"
if demo "$work/short.log" "$work/short"; then
	notok "demo.sh accepts a recording shorter than the guest said"
else
	ok "demo.sh fails on a recording shorter than the guest said: $(tail -n 1 "$work/demo.out" | sed "s|$work/||g")"
fi
grep -v '^GGDEMO-\|^[A-Za-z0-9+/=]*$' "$work/results.log" >"$work/none.log"
if demo "$work/none.log" "$work/none"; then
	notok "demo.sh accepts a guest output without recordings"
else
	ok "demo.sh fails on a guest output without recordings: $(tail -n 1 "$work/demo.out")"
fi

# --- the plotting gogrowth demo.sh builds itself (make demo without GG_DEMO_TOOL) ---
# In a cache of its own, so that it is built from this tree's sources: it needs the shared
# record header and the module's formatter beside userspace/, as the tree has them.
if GOGROWTH_CACHE=$work/cache GG_DEMO_FROM=$work/results.log DEMO_OUT=$work/built \
	"$top/scripts/demo.sh" 6.1 >"$work/built.out" 2>&1 &&
	[ -s "$work/built/go-slice-1.27.png" ] && [ -s "$work/built/go-swiss-1.24.svg" ]; then
	ok "demo.sh builds its own plotting gogrowth from the tree and draws both recordings"
else
	notok "demo.sh could not build its plotting gogrowth or draw with it:"
	tail -n 5 "$work/built.out"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
