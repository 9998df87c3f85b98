# The demo, run in the guest from /opt/gogrowth: record real Go programs
# growing a slice and a map (the newest Go's Swiss tables and the newest
# hmap, Go 1.23's), show raw events around one growth step, and the report.
# Run by vm-script.sh (busybox sh) from /opt/gogrowth.
#
# Each recording also goes to the host, which plots it (scripts/demo.sh): a
# GGDEMO-FILE line (name, program, Go release, kernel, lines), the file
# gzip'd in base64, and GGDEMO-FILE-END; demo.sh takes these lines out of
# what it prints.
set -o pipefail
D=/sys/kernel/debug/gogrowth
insmod ./gogrowth.ko || exit 1
newest() { # program prefix -> its newest Go release here (1.NN), or nothing
	ls $1-1.* 2>/dev/null | sed "s/^$1-//" | sort -t. -k2 -n | tail -n 1
}
gover=$(newest go-slice)
hmapver=$(newest go-map)

run() { # name command...
	name=$1
	shift
	# record makes the program the target before it execs, and streams the
	# ring while it runs: not one of its events is missed.
	./gogrowth record -o /tmp/$name.events -- "$@" >/tmp/$name.out || return 1
	cp $D/stats /tmp/$name.stats
	send $name "$@"
}

send() { # name command...: the recording, to the host
	name=$1
	prog=${2#./}
	v=${prog##*-}
	go=$(sed -n 's/^# go.mod: go //p' go-godebug-$v 2>/dev/null)
	shift
	echo "GGDEMO-FILE $prog name=$name go=${go:-$v} kernel=$(uname -r) date=$(date -u +%Y-%m-%d) lines=$(wc -l </tmp/$name.events) command=$*"
	gzip -c /tmp/$name.events | base64 || return 1
	echo "GGDEMO-FILE-END $prog"
}

show() { # name grow-label
	name=$1
	echo
	echo "================ $name: what the program says (first and last growth steps)"
	grep -E ' (grow|small|totable|split|dir) ' /tmp/$name.out | head -n 4
	echo "..."
	grep -E ' (grow|small|totable|split|dir) ' /tmp/$name.out | tail -n 3
	echo
	echo "================ $name: raw kernel events around the last growth step"
	n=$(grep -n "ev=marker text=$2" /tmp/$name.events | tail -n 1 | cut -d: -f1)
	sed -n "$((n > 2 ? n - 2 : 1)),$((n + 6))p" /tmp/$name.events | cut -c1-400
	echo
	echo "================ $name: report"
	./gogrowth report /tmp/$name.events
	echo
	echo "================ $name: module stats"
	cat /tmp/$name.stats
}

run go-slice ./go-slice-$gover -n 2097152 || exit 1
show go-slice "go-slice grow"
# Go 1.24+ maps are Swiss tables: go-swiss labels their growth (grow, split).
if [ -x ./go-swiss-$gover ]; then
	run go-swiss ./go-swiss-$gover -n 1048576 || exit 1
	show go-swiss "go-swiss split"
fi
# The hmap of Go <= 1.23 (go-map labels its bucket arrays), for comparison.
if [ -n "$hmapver" ]; then
	run go-map ./go-map-$hmapver -n 1048576 || exit 1
	show go-map "go-map grow"
fi
rmmod gogrowth
