# The demo, run in the guest from /opt/gogrowth: record real Go programs
# growing a slice and a map, show raw events around one growth step, and the
# report. Sourced by vm-script.sh's wrapper (busybox sh).
D=/sys/kernel/debug/gogrowth
insmod ./gogrowth.ko || exit 1
gover=$(ls go-slice-* | sed 's/go-slice-//' | sort -t. -k2 -n | tail -n 1)

run() { # name command...
	name=$1
	shift
	echo 1 >$D/clear
	# The shell makes itself the target, then becomes the program: not one
	# of the program's events is missed, from its first instruction.
	sh -c 'echo $$ >/sys/kernel/debug/gogrowth/pid && exec "$@"' sh "$@" >/tmp/$name.out || return 1
	cat $D/events >/tmp/$name.events
	cp $D/stats /tmp/$name.stats
}

show() { # name grow-label
	name=$1
	echo
	echo "================ $name: what the program says (first and last growth steps)"
	grep grow /tmp/$name.out | head -n 4
	echo "..."
	grep grow /tmp/$name.out | tail -n 3
	echo
	echo "================ $name: raw kernel events around the last growth step"
	n=$(grep -n "ev=marker text=$2" /tmp/$name.events | tail -n 1 | cut -d: -f1)
	sed -n "$((n > 2 ? n - 2 : 1)),$((n + 6))p" /tmp/$name.events | cut -c1-400
	echo
	echo "================ $name: report"
	if [ -x ./gogrowth ]; then
		./gogrowth report /tmp/$name.events | head -n 60
	else
		echo "(the gogrowth tool is not built yet: counts by awk instead)"
		awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		       n[f["ev"]]++
		       if (f["ev"] == "fault") t[f["trans"] " " f["level"]]++
		       if (f["ev"] == "lost") lost += f["count"] }
		     END { for (e in n) printf "  %-10s %d\n", e, n[e]
		           for (k in t) printf "  fault %-28s %d\n", k, t[k]
		           printf "  lost       %d\n", lost }' /tmp/$name.events | sort
	fi
	echo
	echo "================ $name: module stats"
	cat /tmp/$name.stats
}

run go-slice ./go-slice-$gover -n 2097152 || exit 1
show go-slice "go-slice grow"
run go-map ./go-map-$gover -n 1048576 || exit 1
show go-map "go-map grow"
rmmod gogrowth
