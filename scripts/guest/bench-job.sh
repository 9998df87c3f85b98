# `make bench`, the guest half: run by vm-script.sh (busybox sh) from
# /opt/gogrowth, where gogrowth.ko, the gogrowth tool, the Go programs and
# ggwork (bench/ggwork.c) are. scripts/bench.sh puts the settings below in
# front of this file. Prints machine-readable "BENCH ..." lines (bench.sh
# turns them into the table) and a few human ones.
: "${RUNS:=9}" "${FAULT_MIB:=256}" "${MMAP_N:=10000}" "${LADDER:=0x2 30000x2 25000x2 20000x2 15000x2 10000x2 5000x2}"
: "${THREADS:=1 2 8 64}" "${SCALE_MIB:=128}" "${SCALE_RUNS:=3}" "${RATES:=2000 8000 16000 0}" "${RATE_MIB:=32}"
D=/sys/kernel/debug/gogrowth
T=/sys/kernel/tracing

say() { echo "bench: $*"; }
# Every ggwork run executes one instruction-count window (bench/ggwork.c's
# markers; bench/qemu-icount.c counts them when QEMU loads it). win numbers
# them in order, as the plugin does: call nextwin (in this shell, not in a
# $(...)) before each ggwork, and print win=$win with its result.
win=0
nextwin() { win=$((win + 1)); }
t_start=$(date +%s)
stamp() { echo "BENCH time at=$(($(date +%s) - t_start)) what=$1"; }
# ggwork prints "RESULT ns=... ops=... rate=..." last; print it without RESULT.
work() { ./ggwork "$@" | sed -n 's/^RESULT //p' | tail -n 1; }
# "key value" from `stats`: the value of the first line starting with key.
stat_total() { sed -n "s/^total generated \([0-9]*\) recorded \([0-9]*\) lost \([0-9]*\).*$/\\$1/p" $D/stats; }
# Of the lost: the entries the kernel's ring buffer took and never handed out (not a full ring).
stat_undelivered() { sed -n 's/^total .* undelivered \([0-9]*\).*$/\1/p' $D/stats; }
# Wait (at most 60 s) for the reader to empty the ring, or ftrace's buffer.
# A CPU's ring holds events still to read: the kernel's entries count beyond those it will
# never deliver (stats' undelivered, Documentation/guarantees.md, "Known problems").
gg_busy() {
	awk '$1 ~ /^cpu[0-9]/ {
		e = u = 0
		for (i = 2; i < NF; i++) { if ($i == "entries") e = $(i + 1); if ($i == "undelivered") u = $(i + 1) }
		if (e > u) busy = 1
	} END { exit !busy }' $D/stats
}
ft_busy() { cat $T/per_cpu/cpu*/stats | grep -q '^entries: [1-9]'; }
ft_entries() { cat $T/per_cpu/cpu*/stats | awk '/^entries:/{n += $2} END{print n + 0}'; }
# trace_pipe_raw hands out whole pages on 7.x: the events on a CPU's page
# being written stay unread until it fills, so its readers are done when
# the count stops moving (two samples 0.2 s apart), not when it reaches 0.
ft_raw_busy() {
	ft_raw_now=$(ft_entries)
	if [ "$ft_raw_now" = 0 ] || [ "$ft_raw_now" = "${ft_raw_prev:-}" ]; then
		ft_raw_prev=
		return 1
	fi
	ft_raw_prev=$ft_raw_now
}
drain() { # busy-test
	n=0
	while "$1"; do
		sleep 0.2
		n=$((n + 1))
		if [ $n -ge 300 ]; then say "warning: reader did not drain in 60 s"; return; fi
	done
}

meminfo() { # prints "free avail slab percpu vmalloc" in kB
	# free: the buddy allocator's free pages plus those on the per-CPU page
	# lists (MemFree leaves those out, so a ring served from them would not
	# show), from /proc/zoneinfo.
	free=$(awk '/^ *pages free/{n += $3} /^ *count:/{n += $2} END{print n * 4}' /proc/zoneinfo)
	awk -v free="$free" '/^MemAvailable:/{a=$2} /^Slab:/{s=$2} /^Percpu:/{p=$2} /^VmallocUsed:/{v=$2}
	     END{print free, a, s, p, v}' /proc/meminfo
}

say "kernel $(uname -r), $(nproc) CPUs, $(awk '/^MemTotal:/{print $2}' /proc/meminfo) kB"
echo "BENCH env kernel=$(uname -r) cpus=$(nproc) runs=$RUNS fault_mib=$FAULT_MIB mmap_n=$MMAP_N"
[ -x ./ggwork ] || { say "ggwork missing"; exit 1; }
say "THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null) (ggwork fault uses MADV_NOHUGEPAGE)"
# No address-space randomization in this guest: where the mmap workload's
# 4 KiB mapping lands decides whether each cycle also allocates and frees a
# page-table page, which made its instruction count bimodal (~430M or ~480M
# per 10000 cycles on 6.1, changing from one exec to the next).
echo 0 >/proc/sys/kernel/randomize_va_space
say "ASLR off (randomize_va_space $(cat /proc/sys/kernel/randomize_va_space))"

# ---- figure 4 first, on a quiet guest: the module's memory ----
sync
for kb in 1024 65536; do
	for i in 1 2 3; do
		set -- $(meminfo)
		f0=$1 a0=$2 s0=$3 p0=$4 v0=$5
		if [ $kb = 1024 ]; then insmod ./gogrowth.ko || exit 1; else insmod ./gogrowth.ko ring_kb=$kb || exit 1; fi
		set -- $(meminfo)
		core=$(cat /sys/module/gogrowth/coresize)
		rb=$(sed -n 's/^ring_bytes_per_cpu //p' $D/stats)
		echo "BENCH mem ring_kb=$kb i=$i free=$((f0 - $1)) avail=$((a0 - $2)) slab=$(($3 - s0)) percpu=$(($4 - p0)) vmalloc=$(($5 - v0)) coresize=$core ring_bytes_per_cpu=$rb cpus=$(nproc)"
		rmmod gogrowth || exit 1
	done
done

# ---- figure 1 (and 2: events per second while traced) ----
sleep 100000 &
other=$!
mount -t tracefs nodev $T 2>/dev/null
[ -e $T/kprobe_events ] || { say "no tracefs kprobe_events"; exit 1; }
echo 'p:gg_do_mmap do_mmap' >>$T/kprobe_events || exit 1
echo $other >$T/set_event_pid

# Warm up: the first touch of guest memory is slow under TCG (QEMU maps it).
say "warm-up"
stamp warmup
nextwin
work fault 1024 >/dev/null
nextwin
work fault "$FAULT_MIB" >/dev/null
nextwin
work mmap "$MMAP_N" >/dev/null

# ftrace's buffer as large as gogrowth's largest ring, so that the runs
# without a reader (ftracenr) lose nothing either; the size does not change
# the cost per event.
echo 65536 >$T/buffer_size_kb
ft_buffer_percent=$(cat $T/buffer_percent)
ft_on() { # [noreader | raw]
	echo $other >$T/set_event_pid
	echo >$T/trace
	for e in exceptions/page_fault_user tlb/tlb_flush kprobes/gg_do_mmap; do
		echo 1 >$T/events/$e/enable || exit 1
	done
	ftr=
	ft_raw=0
	case ${1:-} in
	"")
		cat $T/trace_pipe >/dev/null &
		ftr=$! ;;
	raw)
		# ftrace's binary stream, as trace-cmd reads it: one reader per CPU of
		# per_cpu/cpuN/trace_pipe_raw (pages of records, nothing formatted),
		# woken for any data (buffer_percent 0) like the other readers.
		echo 0 >$T/buffer_percent
		ft_raw=1
		for c in "$T"/per_cpu/cpu*; do
			cat "$c/trace_pipe_raw" >/dev/null &
			ftr="$ftr $!"
		done ;;
	esac
}
ft_off() {
	[ -n "$ftr" ] && [ "$ft_raw" = 0 ] && drain ft_busy
	for e in exceptions/page_fault_user tlb/tlb_flush kprobes/gg_do_mmap; do
		echo 0 >$T/events/$e/enable
	done
	if [ -n "$ftr" ]; then
		# shellcheck disable=SC2086 # one pid per reader
		kill $ftr
		# shellcheck disable=SC2086
		wait $ftr 2>/dev/null
	fi
	echo "$ft_buffer_percent" >$T/buffer_percent
	echo >$T/trace
	echo $other >$T/set_event_pid
}
# Per-CPU "overrun" and "dropped events" of ftrace's buffer: its lost events.
ft_lost() { cat $T/per_cpu/cpu*/stats | awk '/^overrun:|^dropped events:/{n += $NF} END{print n + 0}'; }

# The plugin's "drained" marker: run once a run's reader has emptied the
# ring (or at once, without a reader), so that the instructions from the
# window's start to here hold the reader's whole work on the run.
drained() { ./ggwork drained; }

run() { # cfg wl args...: one timed run, printed as a BENCH line
	cfg=$1 wl=$2
	shift 2
	extra=
	nextwin
	case $cfg in
	base | other | ftother)
		r=$(work "$@")
		drained ;;
	tracednr)
		# No reader: the ring (ring_kb=65536) holds the whole run.
		echo 1 >$D/clear
		r=$(sh -c 'echo $$ > /sys/kernel/debug/gogrowth/pid; exec ./ggwork "$@"' ggwork "$@" |
			sed -n 's/^RESULT //p' | tail -n 1)
		drained
		extra="events=$(stat_total 2) lost=$(stat_total 3)"
		echo 1 >$D/clear ;;
	traced)
		echo 1 >$D/clear
		# events_raw: the records, as `gogrowth record` reads them (no text made in the kernel).
		cat $D/events_raw >/dev/null &
		rd=$!
		r=$(sh -c 'echo $$ > /sys/kernel/debug/gogrowth/pid; exec ./ggwork "$@"' ggwork "$@" |
			sed -n 's/^RESULT //p' | tail -n 1)
		drain gg_busy
		drained
		kill $rd
		wait $rd 2>/dev/null
		extra="events=$(stat_total 2) lost=$(stat_total 3)" ;;
	tpevents)
		# gogrowth's trace events only: a trace_pipe reader, no ring reader
		# (ring_kb=65536 holds the run). set_event_pid would filter them.
		echo 1 >$D/clear
		echo >$T/set_event_pid
		echo >$T/trace
		echo 1 >$T/events/gogrowth/enable || exit 1
		cat $T/trace_pipe >/dev/null &
		ftr=$!
		r=$(sh -c 'echo $$ > /sys/kernel/debug/gogrowth/pid; exec ./ggwork "$@"' ggwork "$@" |
			sed -n 's/^RESULT //p' | tail -n 1)
		drain ft_busy
		drained
		echo 0 >$T/events/gogrowth/enable
		kill $ftr
		wait $ftr 2>/dev/null
		extra="events=$(stat_total 2) lost=$(stat_total 3) ftlost=$(ft_lost)"
		echo >$T/trace
		echo $other >$T/set_event_pid
		echo 1 >$D/clear ;;
	ftrace | ftraceraw | ftracenr)
		r=$(sh -c 'echo $$ > /sys/kernel/tracing/set_event_pid; exec ./ggwork "$@"' ggwork "$@" |
			sed -n 's/^RESULT //p' | tail -n 1)
		# With a reader, let it empty the buffer before the next run (which
		# would otherwise pay for this run's events).
		if [ "$cfg" = ftraceraw ]; then
			drain ft_raw_busy
		elif [ -n "$ftr" ]; then
			drain ft_busy
		fi
		drained
		echo $other >$T/set_event_pid ;;
	esac
	echo "BENCH run wl=$wl cfg=$cfg i=$i win=$win $r $extra"
}

i=1
while [ $i -le "$RUNS" ]; do
	say "round $i of $RUNS"
	stamp "round$i"
	# Module not loaded.
	run base fault fault "$FAULT_MIB"
	run base mmap mmap "$MMAP_N"
	# ftrace's equivalent, module not loaded.
	ft_on
	run ftrace fault fault "$FAULT_MIB"
	run ftrace mmap mmap "$MMAP_N"
	echo "BENCH ftlost i=$i lost=$(ft_lost)"
	ft_off
	# The same with ftrace's binary readers (trace_pipe_raw), the like of
	# gogrowth's events_raw reader.
	ft_on raw
	run ftraceraw fault fault "$FAULT_MIB"
	run ftraceraw mmap mmap "$MMAP_N"
	echo "BENCH ftlost i=$i lost=$(ft_lost)"
	ft_off
	# Reference for "other": ftrace's events on, filtered to the sleeper.
	ft_on noreader
	run ftother fault fault "$FAULT_MIB"
	run ftother mmap mmap "$MMAP_N"
	ft_off
	# Diagnostic: the same without a reader (the buffer holds the run), so the
	# probes' cost shows apart from the reader's (one TCG thread runs both).
	ft_on noreader
	run ftracenr fault fault "$FAULT_MIB"
	echo "BENCH ftlost i=$i lost=$(ft_lost)"
	ft_off
	ft_on noreader
	run ftracenr mmap mmap "$MMAP_N"
	echo "BENCH ftlost i=$i lost=$(ft_lost)"
	ft_off
	# Module loaded, tracing the sleeping process: what everyone else pays.
	insmod ./gogrowth.ko pid=$other || exit 1
	run other fault fault "$FAULT_MIB"
	run other mmap mmap "$MMAP_N"
	# Tracing the workload from its exec on, a reader draining events_raw.
	run traced fault fault "$FAULT_MIB"
	run traced mmap mmap "$MMAP_N"
	rmmod gogrowth || exit 1
	# Diagnostic: traced with no reader, the largest ring holding the run.
	insmod ./gogrowth.ko ring_kb=65536 pid=$other || exit 1
	run tracednr fault fault "$FAULT_MIB"
	run tracednr mmap mmap "$MMAP_N"
	run tpevents fault fault "$FAULT_MIB"
	run tpevents mmap mmap "$MMAP_N"
	rmmod gogrowth || exit 1
	i=$((i + 1))
done
echo 0 >$T/tracing_on
echo '-:gg_do_mmap' >>$T/kprobe_events

# ---- figure 6: cost against faulting threads ----
# The fault workload (SCALE_MIB, unthrottled) split over 1, 2, 8, 64 threads,
# module not loaded and traced with a reader draining, SCALE_RUNS rounds.
# The ring is the largest (ring_kb=65536, it holds the run): at the default
# ring several threads lose events (figure 2), and a lost event costs less
# than a recorded one, which would hide part of the cost.
stamp threads
i=1
while [ $i -le "$SCALE_RUNS" ]; do
	for thr in $THREADS; do
		run base "fault-t$thr" fault "$SCALE_MIB" 0 "$thr"
	done
	insmod ./gogrowth.ko ring_kb=65536 || exit 1
	for thr in $THREADS; do
		run traced "fault-t$thr" fault "$SCALE_MIB" 0 "$thr"
	done
	rmmod gogrowth || exit 1
	i=$((i + 1))
done

# ---- figure 2b: cost per fault against the fault rate ----
# RATE_MIB touched at each rate of RATES (faults/s, 0 = unthrottled), one
# thread, module not loaded and traced with a reader draining; once each
# (the instruction counts are what this figure is about).
stamp rates
i=1
for rate in $RATES; do
	run base "rate-$rate" fault "$RATE_MIB" "$rate" 1
	insmod ./gogrowth.ko || exit 1
	run traced "rate-$rate" fault "$RATE_MIB" "$rate" 1
	rmmod gogrowth || exit 1
done

# ---- figure 2: the largest fault rate the ring keeps with no loss ----
# From the top down: 2 threads unthrottled ("0x2"), then throttled total
# rates over 2 threads; the first step with lost 0 is the answer.
stamp ladder
insmod ./gogrowth.ko || exit 1
for step in $LADDER; do
	rate=${step%x*}
	thr=1
	[ "$step" != "$rate" ] && thr=${step#*x}
	echo 1 >$D/clear
	cat $D/events_raw >/dev/null &
	rd=$!
	nextwin
	r=$(sh -c 'echo $$ > /sys/kernel/debug/gogrowth/pid; exec ./ggwork "$@"' ggwork fault "$FAULT_MIB" "$rate" "$thr" |
		sed -n 's/^RESULT //p' | tail -n 1)
	drain gg_busy
	kill $rd
	wait $rd 2>/dev/null
	lost=$(stat_total 3)
	und=$(stat_undelivered)
	echo "BENCH ladder target_rate=$rate threads=$thr win=$win $r events=$(stat_total 2) lost=$lost undelivered=${und:-0}"
	[ "$((lost - ${und:-0}))" = 0 ] && break
done
rmmod gogrowth || exit 1

# ---- figure 5: no lost events in check --all and a demo program ----
stamp check
insmod ./gogrowth.ko || exit 1
say "gogrowth check --all"
./gogrowth check --all >/tmp/check.out 2>&1
rc=$?
# One "traced child: N events, M lost, ..." check per sequence.
lost=$(grep 'traced child:' /tmp/check.out | grep -o '[0-9]* lost' | awk '{n += $1} END{print n + 0}')
echo "BENCH check rc=$rc lost=$lost sequences=$(grep -c 'traced child:' /tmp/check.out) pass=$(grep -c '^PASS' /tmp/check.out) fail=$(grep -c '^FAIL' /tmp/check.out)"
grep -E '^FAIL' /tmp/check.out | head -n 20
tail -n 1 /tmp/check.out
gover=$(ls go-map-* | sed 's/go-map-//' | sort -t. -k2 -n | tail -n 1)
./gogrowth record -o /tmp/x -- ./go-map-$gover -n 1048576 >/dev/null 2>/tmp/record.err
rc=$?
cat /tmp/record.err
echo "BENCH gomap go=$gover rc=$rc lines=$(wc -l </tmp/x) lost_lines=$(grep -c 'ev=lost' /tmp/x) stats_lost=$(stat_total 3)"
rmmod gogrowth || exit 1
kill $other
stamp end
# The number of ggwork runs, each one window: bench.sh checks it against the
# plugin's count before it pairs windows with runs.
echo "BENCH windows n=$win"
say "done"
