#!/usr/bin/env bash
# The plotting step of `make demo` (scripts/demo.sh), on the host, where the
# recordings are read: `gogrowth plot` of each recording as PNG and SVG, and a
# check of every picture.
#
# Usage: demo-plot.sh [--size WxH] GOGROWTH OUTDIR EVENTS...
#        demo-plot.sh --check [--size WxH] EVENTS PNG SVG
#   GOGROWTH is a gogrowth built with plotting (cairo). For each EVENTS file
#   (NAME.events) it writes OUTDIR/NAME.png and OUTDIR/NAME.svg, WxH
#   (default 1600x1000), checks them, and prints their paths, one a line.
#   --check only checks: the PNG is a whole PNG (signature, IHDR, IEND) of
#   WxH pixels; the SVG is WxH, complete, and holds one fault mark per fault
#   event, one TLB flush mark per tlb_flush event and one marker line per
#   marker event of EVENTS (the class= attributes gogrowth plot gives them).
# Exits non-zero, saying which picture and why, when a plot or a check fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() { die "usage: demo-plot.sh [--size WxH] GOGROWTH OUTDIR EVENTS... | demo-plot.sh --check [--size WxH] EVENTS PNG SVG"; }

check_only=
size=1600x1000
while [ $# -gt 0 ]; do
	case "$1" in
	--check) check_only=1; shift ;;
	--size) [ $# -ge 2 ] || usage; size=$2; shift 2 ;;
	--size=*) size=${1#--size=}; shift ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $size =~ ^([0-9]+)x([0-9]+)$ ]] || die "--size takes WxH, not '$size'"
width=${BASH_REMATCH[1]} height=${BASH_REMATCH[2]}

# Events of type $2 in the stream $1 (a line is "key=value ..." with ev=TYPE).
count_events() { # events type
	awk -v t="ev=$2" '{ for (i = 1; i <= NF; i++) if ($i == t) { n++; break } } END { print n + 0 }' "$1"
}

# A big-endian 32-bit number at byte offset $2 of file $1.
be32() { # file offset
	od -An -tu1 -j "$2" -N4 "$1" | awk 'NF == 4 { print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}

check_png() { # png
	local png=$1 w h
	[ -s "$png" ] || { log "$png: missing or empty"; return 1; }
	[ "$(od -An -tx1 -N8 "$png" | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		{ log "$png: not a PNG (no PNG signature)"; return 1; }
	[ "$(od -An -c -j12 -N4 "$png" | tr -d ' \n')" = IHDR ] ||
		{ log "$png: not a PNG (no IHDR chunk first)"; return 1; }
	# The last chunk is IEND with its fixed CRC: the file is whole.
	[ "$(tail -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 49454e44ae426082 ] ||
		{ log "$png: truncated (it does not end with the IEND chunk)"; return 1; }
	w=$(be32 "$png" 16) h=$(be32 "$png" 20)
	[ "$w" = "$width" ] && [ "$h" = "$height" ] ||
		{ log "$png: ${w:-?}x${h:-?} pixels, not ${width}x$height"; return 1; }
}

check_svg() { # events svg
	local events=$1 svg=$2 what want got
	[ -s "$svg" ] || { log "$svg: missing or empty"; return 1; }
	grep -q "<svg [^>]*width=\"${width}px\" height=\"${height}px\"" "$svg" ||
		{ log "$svg: no <svg> element of ${width}x$height"; return 1; }
	tail -c 16 "$svg" | grep -q '</svg>[[:space:]]*$' ||
		{ log "$svg: truncated (it does not end with </svg>)"; return 1; }
	# what the picture must show of the recording: event type, its marks' classes
	for what in "fault:class=\"fault " "tlb_flush:class=\"flush\"|class=\"flush-whole-mm\"" "marker:class=\"marker\""; do
		want=$(count_events "$events" "${what%%:*}")
		got=$(grep -oE "${what#*:}" "$svg" | wc -l)
		[ "$got" = "$want" ] ||
			{ log "$svg: $got ${what%%:*} marks for the $want ${what%%:*} events of $events"; return 1; }
	done
}

check() { # events png svg
	[ -s "$1" ] || { log "$1: missing or empty"; return 1; }
	check_png "$2" && check_svg "$1" "$3"
}

if [ -n "$check_only" ]; then
	[ $# = 3 ] || usage
	check "$1" "$2" "$3" || die "the pictures of $1 are not right"
	exit 0
fi

[ $# -ge 3 ] || usage
tool=$1 out=$2
shift 2
[ -x "$tool" ] || die "no gogrowth at '$tool'"
tool=$(cd "$(dirname "$tool")" && pwd)/$(basename "$tool")
mkdir -p "$out"
out=$(cd "$out" && pwd)
for events in "$@"; do
	[ -s "$events" ] || die "$events: missing or empty"
	name=$(basename "$events" .events)
	for ext in png svg; do
		rm -f "$out/$name.$ext"
		# from the recording's directory: the picture's title is its file name
		(cd "$(dirname "$events")" && "$tool" plot --size="$size" -o "$out/$name.$ext" "${events##*/}") >/dev/null ||
			die "gogrowth plot of $events to $out/$name.$ext failed"
	done
	check "$events" "$out/$name.png" "$out/$name.svg" || die "the pictures of $events are not right"
	echo "$out/$name.png"
	echo "$out/$name.svg"
done
