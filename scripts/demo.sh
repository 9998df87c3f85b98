#!/usr/bin/env bash
# `make demo`: boot the guest, record a real Go program growing a slice and
# two growing a map (the newest Go's Swiss tables, Go 1.23's hmap), print
# raw events and the report of each, and plot each recording here, on the
# host.
#
# Usage: demo.sh [KVER]        (6.1 by default; 6.12, 7.3 or 7)
# The recordings come out of the guest in its output (scripts/guest/demo-job.sh
# sends each between GGDEMO-FILE lines, which are not printed). They, their
# pictures and runs.txt go to $DEMO_OUT, by default $(cache_dir)/demo/KVER:
#   PROGRAM.events   the recording (`gogrowth record` in the guest)
#   PROGRAM.png/.svg `gogrowth plot` of it (scripts/demo-plot.sh, checked)
#   runs.txt         what made each: command, Go release, kernel, date
# PROGRAM is e.g. go-slice-1.27. The paths are printed at the end. The plots
# are drawn by a gogrowth built with cairo in $(cache_dir)/demo/tree (the
# tree's userspace/gogrowth is the static guest build, without plotting).
#
# GG_DEMO_FROM=FILE reads the guest's output from FILE (an earlier run's
# results.log, kept under $(cache_dir)/logs) instead of booting the guest;
# GG_DEMO_TOOL=GOGROWTH plots with that gogrowth instead of building one.
# (userspace/tests/demo_plot_test.sh runs the host's part so.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

kver=${1:-6.1}
out=${DEMO_OUT:-$(cache_dir)/demo/$kver}
mkdir -p "$out" || die "cannot make the demo's output directory $out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# The guest's output as it comes, less the recordings, which go to $work:
# NAME.info (the GGDEMO-FILE line's fields), NAME.b64, and their order.
guest() {
	if [ -n "${GG_DEMO_FROM:-}" ]; then
		[ -r "$GG_DEMO_FROM" ] || die "GG_DEMO_FROM: cannot read $GG_DEMO_FROM"
		grep -av '^GOGROWTH-' "$GG_DEMO_FROM" || true
	else
		"$here/vm-script.sh" "$kver" "$here/guest/demo-job.sh"
	fi
}
guest | awk -v dir="$work" '
	/^GGDEMO-FILE [A-Za-z0-9._-]+ / {
		name = $2; file = dir "/" name ".b64"; collecting = 1
		print substr($0, length("GGDEMO-FILE " name " ") + 1) > (dir "/" name ".info")
		close(dir "/" name ".info")
		print name >> (dir "/order")
		close(dir "/order")
		next
	}
	/^GGDEMO-FILE-END / { close(file); collecting = 0; next }
	collecting { print > file; next }
	{ print; fflush() }' ||
	die "the demo's guest run failed (see above)"
guest_seconds=$((SECONDS - start))

[ -s "$work/order" ] || die "the guest sent no recording"
field() { # info-file key -> the value of key= (command= takes the rest of the line)
	if [ "$2" = command ]; then sed -n 's/.* command=//p' "$1"
	else tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | head -n 1; fi
}
names=()
while read -r name; do
	info=$work/$name.info
	[ -s "$work/$name.b64" ] || die "the guest sent no data for $name"
	base64 -d "$work/$name.b64" | gunzip >"$work/$name.events" ||
		die "the recording of $name did not come out of the guest whole (bad base64 or gzip)"
	lines=$(field "$info" lines)
	got=$(wc -l <"$work/$name.events")
	[ "$got" = "$lines" ] || die "the recording of $name has $got lines here, $lines in the guest"
	mv "$work/$name.events" "$out/$name.events"
	names+=("$name")
done <"$work/order"
for name in "${names[@]}"; do
	info=$work/$name.info
	printf '%s.events: %s: Go %s, kernel %s, %s, %s events\n' "$name" "$(field "$info" command)" \
		"$(field "$info" go)" "$(field "$info" kernel)" "$(field "$info" date)" "$(field "$info" lines)"
done >"$out/runs.txt"

# A gogrowth that plots: the tree's sources, built with cairo in the cache
# (a file is copied only when it changed, so make rebuilds what it must).
if [ -n "${GG_DEMO_TOOL:-}" ]; then
	tool=$GG_DEMO_TOOL
else
	# The tree's layout, as the Makefile finds the shared record header and
	# formatter (../include/uapi, ../module).
	tree=$(cache_dir)/demo/tree
	tool_dir=$tree/userspace
	tool=$tool_dir/gogrowth
	mkdir -p "$tool_dir" "$tree/module" "$tree/include/uapi/linux"
	exec 9>"$tree/.lock"
	flock 9
	for f in "$top"/userspace/Makefile "$top"/userspace/*.[ch] "$top"/module/format.c \
		"$top"/module/*.h "$top"/include/uapi/linux/*.h; do
		rel=${f#"$top"/}
		cmp -s "$f" "$tree/$rel" || cp "$f" "$tree/$rel"
	done
	make -s -C "$tool_dir" PLOT=1 gogrowth >&2 ||
		die "building gogrowth with plotting in $tool_dir failed (it needs cairo: apt-get install libcairo2-dev pkg-config); the recordings are in $out"
	flock -u 9
fi

files=()
for name in "${names[@]}"; do files+=("$out/$name.events"); done
pictures=$("$here/demo-plot.sh" "$tool" "$out" "${files[@]}" 2>&1) ||
	{ echo "$pictures" >&2; die "plotting the demo's recordings failed; they are in $out"; }
echo
echo "================ pictures of the runs (gogrowth plot on this host, $(wc -l <"$out/runs.txt") runs), in $out"
for name in "${names[@]}"; do
	sed -n "s/^$name\.events: /$name: /p" "$out/runs.txt"
	echo "  $out/$name.events"
	echo "  $out/$name.png"
	echo "  $out/$name.svg"
done
echo "(runs.txt there says what made each; demo: guest ${guest_seconds} s, in all $((SECONDS - start)) s)"
