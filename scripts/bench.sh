#!/usr/bin/env bash
# `make bench`: what gogrowth costs, measured in one boot of the QEMU guest,
# printed as a table with each figure's target beside it (MISSED where missed).
# Not a test: it exits non-zero only when the guest run itself failed.
# See Documentation/benchmark.md.
#
# Usage: bench.sh [KVER]
# Environment (scale; the defaults keep the guest under ~10 minutes of TCG):
#   BENCH_RUNS=5          runs per configuration (each figure is the median)
#   BENCH_FAULT_MIB=256   MiB touched page by page by the fault workload
#   BENCH_MMAP_N=10000    mmap/touch/munmap cycles of the mmap workload
#                         (the brief's 100000, scaled down 10x for TCG)
#   BENCH_LADDER="0x2 30000x2 25000x2 20000x2 15000x2 10000x2 5000x2"
#                         fault rates tried for the largest lossless rate,
#                         from the top (RATE[xTHREADS], RATE 0 = unthrottled)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

kver=${1:-6.1}
runs=${BENCH_RUNS:-5}
fault_mib=${BENCH_FAULT_MIB:-256}
mmap_n=${BENCH_MMAP_N:-10000}
ladder=${BENCH_LADDER:-0x2 30000x2 25000x2 20000x2 15000x2 10000x2 5000x2}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/extra"
# The workloads: static, the guest has no C library.
gcc -static -O2 -Wall -Wextra -o "$work/extra/ggwork" "$top/bench/ggwork.c" 2>"$work/gcc.err" || {
	cat "$work/gcc.err" >&2
	die "cannot build bench/ggwork.c (needs gcc and the static glibc: libc6-dev)"
}
{
	printf 'RUNS=%s FAULT_MIB=%s MMAP_N=%s LADDER="%s"\n' "$runs" "$fault_mib" "$mmap_n" "$ladder"
	cat "$here/guest/bench-job.sh"
} >"$work/job.sh"

logdir=$(cache_dir)/logs
mkdir -p "$logdir"
log_file=$logdir/bench-$kver-$(date +%Y%m%d-%H%M%S).log
started=$(date -u '+%Y-%m-%d %H:%M UTC')
log "guest run for $kver: $runs runs per configuration, fault $fault_mib MiB, mmap $mmap_n cycles (log: $log_file)"
t0=$(date +%s)
guest_rc=0
GG_TIMEOUT=${GG_TIMEOUT:-1500} "$here/vm-script.sh" "$kver" "$work/job.sh" "$work/extra" 2>&1 |
	tee "$log_file" || guest_rc=$?
guest_s=$(($(date +%s) - t0))

# Figure 3 runs on the host: callgrind over the report command.
reader_line="reader: not measured (bench-reader missing)"
if make -s -C "$top/userspace" -n bench-reader >/dev/null 2>&1; then
	log "make -C userspace bench-reader (valgrind callgrind, host)"
	reader_out=$(make -s -C "$top/userspace" bench-reader 2>&1 || true)
	printf '%s\n' "$reader_out" | tee -a "$log_file"
	reader_line=$(printf '%s\n' "$reader_out" | grep '^reader:' | tail -n 1 || true)
	[ -n "$reader_line" ] || reader_line="reader: not measured (bench-reader printed no 'reader:' line)"
	stream=$(printf '%s\n' "$reader_out" | sed -n 's/^stream: .*, \([0-9]*\) event lines.*/\1/p' | tail -n 1)
	[ -z "$stream" ] || reader_line="$reader_line [$stream lines]"
fi

echo
awk -v started="$started" -v guest_s="$guest_s" -v reader="$reader_line" -v host="$(uname -r)" '
function median(key,    n, i, j, t, a) {
	n = cnt[key]
	if (!n) return ""
	for (i = 1; i <= n; i++) a[i] = val[key, i]
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(key, v) { val[key, ++cnt[key]] = v + 0 }
function kv(line, k,    m) { return match(line, "(^| )" k "=[^ ]*") ? substr(line, RSTART + (RSTART > 1) + length(k) + 1, RLENGTH - (RSTART > 1) - length(k) - 1) : "" }
function spread(key, med,    i, lo, hi, v) {	# min..max of the runs, in % of the median
	lo = hi = 0
	for (i = 1; i <= cnt[key]; i++) { v = (val[key, i] - med) * 100 / med; if (v < lo) lo = v; if (v > hi) hi = v }
	return sprintf("%+.0f%%/%+.0f%%", lo, hi)
}
function row(fig, what, measured, target, verdict) { printf "%-3s %-48s %-26s %-22s %s\n", fig, what, measured, target, verdict }
/^BENCH env/ { kernel = kv($0, "kernel"); cpus = kv($0, "cpus"); nruns = kv($0, "runs"); fmib = kv($0, "fault_mib"); mn = kv($0, "mmap_n") }
/^BENCH run/ {
	w = kv($0, "wl"); c = kv($0, "cfg"); ns = kv($0, "ns")
	if (ns == "") { bad++; next }
	add(w SUBSEP c, ns)
	if (c == "traced") { add(w SUBSEP "evs", kv($0, "events") * 1e9 / ns); tlost[w] += kv($0, "lost") }
	if (c == "tracednr") nrlost[w] += kv($0, "lost")
	if (c == "tpevents") { tplost[w] += kv($0, "lost"); tpftlost[w] += kv($0, "ftlost") }
}
/^BENCH ftlost/ { ftlost += kv($0, "lost") }
/^BENCH mem/ { k = kv($0, "ring_kb"); add("mem" SUBSEP k, kv($0, "free")); core = kv($0, "coresize"); rbpc[k] = kv($0, "ring_bytes_per_cpu")
	add("slab" SUBSEP k, kv($0, "slab")); add("percpu" SUBSEP k, kv($0, "percpu")); add("vm" SUBSEP k, kv($0, "vmalloc")); mcpus = kv($0, "cpus") }
/^BENCH ladder/ { nl++; lrate[nl] = kv($0, "rate"); ltarget[nl] = kv($0, "target_rate"); lthr[nl] = kv($0, "threads"); llost[nl] = kv($0, "lost"); levents[nl] = kv($0, "events") }
/^BENCH check/ { crc = kv($0, "rc"); clost = kv($0, "lost"); cseq = kv($0, "sequences"); cpass = kv($0, "pass"); cfail = kv($0, "fail"); have_check = 1 }
/^BENCH gomap/ { gover = kv($0, "go"); grc = kv($0, "rc"); glines = kv($0, "lines"); glost = kv($0, "lost_lines"); gslost = kv($0, "stats_lost"); have_gomap = 1 }
END {
	printf "gogrowth bench: guest kernel %s, %s vCPUs (QEMU TCG, one thread), host %s, %s, guest run %ss\n", kernel, cpus, host, started, guest_s
	printf "scale: fault = %s MiB touched page by page (%d faults, MADV_NOHUGEPAGE); mmap = %s mmap/touch/munmap cycles (brief: 100000, scaled 1/%g for TCG); median of %s runs\n\n", fmib, fmib * 256, mn, 100000 / (mn ? mn : 1), nruns
	row("fig", "figure", "measured", "target", "")
	for (wi = 1; wi <= 2; wi++) {
		w = wi == 1 ? "fault" : "mmap"
		b = median(w SUBSEP "base")
		if (b == "") { row("1", w ": no baseline runs", "-", "-", "MISSED"); continue }
		row("1", w ": module not loaded (baseline)", sprintf("%.1f ms  1.000x", b / 1e6), "", "spread " spread(w SUBSEP "base", b))
		o = median(w SUBSEP "other"); t = median(w SUBSEP "traced"); f = median(w SUBSEP "ftrace")
		row("1", w ": loaded, tracing another pid", sprintf("%.1f ms  %.3fx", o / 1e6, o / b), "<= 1.020x",
		    (o / b <= 1.02 ? "ok" : "MISSED") "  spread " spread(w SUBSEP "other", o))
		p = median(w SUBSEP "tpevents")
		if (p != "") row("1", w ": traced, gogrowth trace events + trace_pipe", sprintf("%.1f ms  %.3fx", p / 1e6, p / b), sprintf("(ftrace %.3fx)", f / b),
		    sprintf("%.2fx of ftrace  spread %s  ftrace lost %d  ring lost %d", p / f, spread(w SUBSEP "tpevents", p), tpftlost[w], tplost[w]))
		fo = median(w SUBSEP "ftother")
		if (fo != "") row("1", w ": ftrace on, filtered to another pid", sprintf("%.1f ms  %.3fx", fo / 1e6, fo / b), "(reference)", "spread " spread(w SUBSEP "ftother", fo))
		row("1", w ": ftrace tracepoints+kprobe, pid filter", sprintf("%.1f ms  %.3fx", f / 1e6, f / b), "(reference)", "spread " spread(w SUBSEP "ftrace", f))
		row("1", w ": traced by gogrowth, reader draining", sprintf("%.1f ms  %.3fx", t / 1e6, t / b), sprintf("<= ftrace %.3fx", f / b),
		    (t <= f ? "ok" : "MISSED") "  spread " spread(w SUBSEP "traced", t) "  lost " tlost[w] + 0)
		fn = median(w SUBSEP "ftracenr"); tn = median(w SUBSEP "tracednr")
		if (fn != "") row("1", w ": diag: ftrace, no reader", sprintf("%.1f ms  %.3fx", fn / 1e6, fn / b), "(diagnostic)", "spread " spread(w SUBSEP "ftracenr", fn))
		if (tn != "") row("1", w ": diag: gogrowth, no reader, ring_kb=65536", sprintf("%.1f ms  %.3fx", tn / 1e6, tn / b), "(diagnostic)",
		    sprintf("%.2fx of ftrace  spread %s  lost %d", fn ? tn / fn : 0, spread(w SUBSEP "tracednr", tn), nrlost[w]))
	}
	if (ftlost) row("1", "ftrace buffer overruns/drops (all runs)", ftlost, "(reference)", "")
	if (bad) row("1", "runs without a RESULT line", bad, "0", "MISSED")
	print ""
	for (wi = 1; wi <= 2; wi++) {
		w = wi == 1 ? "fault" : "mmap"
		e = median(w SUBSEP "evs")
		if (e != "") row("2", "events/s recorded, " w " workload traced", sprintf("%.0f ev/s", e), "lost 0", tlost[w] + 0 == 0 ? "ok" : "MISSED (lost " tlost[w] ")")
	}
	best = ""
	for (i = 1; i <= nl; i++) if (llost[i] + 0 == 0) { best = i; break }
	for (i = 1; i <= nl; i++)
		row("2", sprintf("ladder: %s fault/s, %s thread%s", ltarget[i] == 0 ? "unthrottled" : ltarget[i], lthr[i], lthr[i] > 1 ? "s" : ""),
		    sprintf("%s fault/s, lost %s", lrate[i], llost[i]), "", sprintf("(%s events)", levents[i]))
	if (best == "") row("2", "largest rate with lost 0 (default ring)", "none found", "the unthrottled rate", "MISSED")
	else row("2", "largest rate with lost 0 (default ring)", sprintf("%s fault/s", lrate[best]),
		 "lost 0 unthrottled", best == 1 ? "ok (no loss at the highest rate reached)" : "MISSED (loss above it)")
	print ""
	n = reader
	if (match(reader, /[0-9.]+ instructions/)) {
		ipl = substr(reader, RSTART, RLENGTH - 13)
		nlines = match(reader, /\[[0-9]+ lines\]/) ? substr(reader, RSTART + 1, RLENGTH - 8) : "?"
		row("3", "gogrowth report (callgrind, host), instr/line", ipl, "<= 400", (ipl + 0 <= 400 ? "ok" : "MISSED") "  (" nlines " event lines)")
	} else row("3", "gogrowth report, instructions per line", "not measured", "<= 400", "(" reader ")")
	print ""
	for (ki = 1; ki <= 2; ki++) {
		k = ki == 1 ? 1024 : 65536
		m = median("mem" SUBSEP k)
		if (m == "") continue
		lim = 1.05 * mcpus * k + 1024	# ours: rings + 5% + 1 MiB fixed (code, probe instances, debugfs)
		row("4", sprintf("memory, ring_kb=%d (%d CPUs)", k, mcpus), sprintf("%.2f MiB free pages drop", m / 1024), sprintf("<= %.2f MiB", lim / 1024), m <= lim ? "ok" : "MISSED")
		row("", sprintf("  slab %+d kB, percpu %+d kB, vmalloc %+d kB", median("slab" SUBSEP k), median("percpu" SUBSEP k), median("vm" SUBSEP k)),
		    sprintf("ring_bytes_per_cpu %s", rbpc[k]), "", "")
	}
	row("4", "module core (coresize)", sprintf("%.1f KiB", core / 1024), "", "")
	print ""
	if (have_check) row("5", sprintf("check --all: lost events (%s sequences)", cseq), clost, "0",
		(clost + 0 == 0 ? "ok" : "MISSED") sprintf("  (%s PASS, %s FAIL, rc %s)", cpass, cfail, crc))
	else row("5", "check --all", "did not run", "0", "MISSED")
	if (have_gomap) row("5", sprintf("record go-map-%s -n 1048576: ev=lost lines", gover), sprintf("%s (stats lost %s)", glost, gslost), "0",
		(glost + 0 == 0 && gslost + 0 == 0 && grc + 0 == 0 ? "ok" : "MISSED") sprintf("  (%s lines, rc %s)", glines, grc))
	else row("5", "record go-map", "did not run", "0", "MISSED")
}' "$log_file"
if [ "$guest_rc" != 0 ]; then
	log "the guest run failed (status $guest_rc): the figures above are incomplete; logs: $log_file"
	exit 1
fi
