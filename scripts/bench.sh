#!/usr/bin/env bash
# `make bench`: what gogrowth costs, measured in one boot of the QEMU guest,
# printed as a table with each figure's target beside it (MISSED where missed).
# Not a test: it exits non-zero only when the guest run itself failed.
# See Documentation/benchmark.md.
#
# Usage: bench.sh [KVER]
#        BENCH_REPORT=LOG bench.sh   prints the table again from a kept log
#                                    (~/.cache/gogrowth/logs/bench-*.log)
# Environment (scale; the defaults keep the guest under ~10 minutes of TCG):
#   BENCH_RUNS=9          rounds of figure 1 (every configuration once per
#                         round); figures are medians, wall time also min
#   BENCH_FAULT_MIB=256   MiB touched page by page by the fault workload
#   BENCH_MMAP_N=10000    mmap/touch/munmap cycles of the mmap workload
#                         (the brief's 100000, scaled down 10x for TCG)
#   BENCH_LADDER="0x2 30000x2 25000x2 20000x2 15000x2 10000x2 5000x2"
#                         fault rates tried for the largest lossless rate,
#                         from the top (RATE[xTHREADS], RATE 0 = unthrottled)
#   BENCH_THREADS="1 2 8 64"  faulting threads of figure 6 (BENCH_SCALE_MIB=128
#                         touched in all, BENCH_SCALE_RUNS=3 rounds)
#   BENCH_RATES="2000 8000 16000 0"  fault rates of figure 2b (faults/s, one
#                         thread, BENCH_RATE_MIB=32 touched, once each)
#   BENCH_ICOUNT=1        count guest instructions per timed run with the QEMU
#                         plugin bench/qemu-icount.c (0: wall time only)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"

kver=${1:-6.1}
runs=${BENCH_RUNS:-9}
fault_mib=${BENCH_FAULT_MIB:-256}
mmap_n=${BENCH_MMAP_N:-10000}
ladder=${BENCH_LADDER:-0x2 30000x2 25000x2 20000x2 15000x2 10000x2 5000x2}
threads=${BENCH_THREADS:-1 2 8 64}
scale_mib=${BENCH_SCALE_MIB:-128}
scale_runs=${BENCH_SCALE_RUNS:-3}
rates=${BENCH_RATES:-2000 8000 16000 0}
rate_mib=${BENCH_RATE_MIB:-32}
icount=${BENCH_ICOUNT:-1}

report=${BENCH_REPORT:-}
guest_rc=0
# bench-reader's "reader:" lines (the generated stream's, then each real recording's as text and
# binary), joined by "|" for the table's figure 3: one row each. A log may hold several runs: the
# last one's, from its "stream:" line on.
reader_lines() {
	awk '/^stream: /{n = 0} /^reader:/{line[++n] = $0} END{for (i = 1; i <= n; i++) print line[i]}' |
		paste -sd '|' || true
}

if [ -n "$report" ]; then
	[ -r "$report" ] || die "BENCH_REPORT: cannot read $report"
	log_file=$report
	started=$(sed -n 's/^BENCHHOST started=\(.*\) guest_s=.*/\1/p' "$log_file" | tail -n 1)
	guest_s=$(sed -n 's/^BENCHHOST .* guest_s=\([0-9]*\).*/\1/p' "$log_file" | tail -n 1)
	reader_line=$(reader_lines <"$log_file")
	stream=$(sed -n 's/^stream: .*, \([0-9]*\) event lines.*/\1/p' "$log_file" | tail -n 1)
	[ -n "$reader_line" ] || reader_line="reader: not measured (bench-reader missing)"
	[ -z "$stream" ] || reader_line="$reader_line [$stream lines]"
else
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/extra"
# The workloads: static, the guest has no C library.
gcc -static -O2 -Wall -Wextra -o "$work/extra/ggwork" "$top/bench/ggwork.c" 2>"$work/gcc.err" || {
	cat "$work/gcc.err" >&2
	die "cannot build bench/ggwork.c (needs gcc and the static glibc: libc6-dev)"
}
# The instruction counter: a TCG plugin, loaded by vm-run.sh when
# GG_QEMU_PLUGIN is set; its lines (GGICOUNT ...) are appended to the log.
plugin_log=$work/plugin.log
if [ "$icount" = 1 ]; then
	gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$work/libqemu-icount.so" "$top/bench/qemu-icount.c" 2>"$work/gcc.err" || {
		cat "$work/gcc.err" >&2
		die "cannot build bench/qemu-icount.c (BENCH_ICOUNT=0 runs without it)"
	}
	export GG_QEMU_PLUGIN=$work/libqemu-icount.so GG_QEMU_PLUGIN_LOG=$plugin_log
fi
{
	printf 'RUNS=%s FAULT_MIB=%s MMAP_N=%s LADDER="%s"\n' "$runs" "$fault_mib" "$mmap_n" "$ladder"
	printf 'THREADS="%s" SCALE_MIB=%s SCALE_RUNS=%s RATES="%s" RATE_MIB=%s\n' "$threads" "$scale_mib" "$scale_runs" "$rates" "$rate_mib"
	cat "$here/guest/bench-job.sh"
} >"$work/job.sh"

logdir=$(cache_dir)/logs
mkdir -p "$logdir"
log_file=$logdir/bench-$kver-$(date +%Y%m%d-%H%M%S).log
started=$(date -u '+%Y-%m-%d %H:%M UTC')
log "guest run for $kver: $runs rounds, fault $fault_mib MiB, mmap $mmap_n cycles (log: $log_file)"
t0=$(date +%s)
guest_rc=0
GG_TIMEOUT=${GG_TIMEOUT:-1500} "$here/vm-script.sh" "$kver" "$work/job.sh" "$work/extra" 2>&1 |
	tee "$log_file" || guest_rc=$?
guest_s=$(($(date +%s) - t0))
if [ "$icount" = 1 ]; then
	if [ -s "$plugin_log" ]; then
		grep '^GGICOUNT' "$plugin_log" >>"$log_file" || true
	else
		log "the instruction-count plugin wrote nothing ($plugin_log): wall time only"
	fi
fi

# Figure 3 runs on the host: callgrind over the report command.
reader_line="reader: not measured (bench-reader missing)"
if make -s -C "$top/userspace" -n bench-reader >/dev/null 2>&1; then
	log "make -C userspace bench-reader (valgrind callgrind, host)"
	reader_out=$(make -s -C "$top/userspace" bench-reader 2>&1 || true)
	printf '%s\n' "$reader_out" | tee -a "$log_file"
	reader_line=$(printf '%s\n' "$reader_out" | reader_lines)
	[ -n "$reader_line" ] || reader_line="reader: not measured (bench-reader printed no 'reader:' line)"
	stream=$(printf '%s\n' "$reader_out" | sed -n 's/^stream: .*, \([0-9]*\) event lines.*/\1/p' | tail -n 1)
	[ -z "$stream" ] || reader_line="$reader_line [$stream lines]"
fi
echo "BENCHHOST started=$started guest_s=$guest_s" >>"$log_file"
fi

echo
awk -v started="$started" -v guest_s="$guest_s" -v reader="$reader_line" -v host="$(uname -r)" '
function sorted(key, a,    n, i, j, t) {	# a[1..n] = the values of key, ascending; returns n
	n = cnt[key]
	for (i = 1; i <= n; i++) a[i] = val[key, i]
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n
}
function median(key,    n, a) {
	n = sorted(key, a)
	if (!n) return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function minimum(key,    n, a) { n = sorted(key, a); return n ? a[1] : "" }
function add(key, v) { val[key, ++cnt[key]] = v + 0 }
function kv(line, k,    m) { return match(line, "(^| )" k "=[^ ]*") ? substr(line, RSTART + (RSTART > 1) + length(k) + 1, RLENGTH - (RSTART > 1) - length(k) - 1) : "" }
function spread(key, med,    i, lo, hi, v) {	# min..max of the runs, in % of the median
	lo = hi = 0
	for (i = 1; i <= cnt[key]; i++) { v = (val[key, i] - med) * 100 / med; if (v < lo) lo = v; if (v > hi) hi = v }
	return sprintf("%+.0f%%/%+.0f%%", lo, hi)
}
function ispread(key, med,    i, lo, hi, v) {	# the same for instruction counts, finer
	lo = hi = 0
	for (i = 1; i <= cnt[key]; i++) { v = (val[key, i] - med) * 100 / med; if (v < lo) lo = v; if (v > hi) hi = v }
	return sprintf("%+.1f%%/%+.1f%%", lo, hi)
}
function row(fig, what, measured, target, verdict) { printf "%-3s %-48s %-26s %-22s %s\n", fig, what, measured, target, verdict }
# Figure 1 and 6 rows: instructions (ratio, Minsns), wall (median ms and ratio, min ratio), target, verdict and notes.
function row1(fig, what, ins, wall, wmin, target, verdict) { printf "%-3s %-50s %-17s %-20s %-10s %-27s %s\n", fig, what, ins, wall, wmin, target, verdict }
# One configuration against the baseline b of workload w: sets R_ins (ratio or ""), R_wall, R_min, and the three columns.
function cmp(w, c,    bi, ci, bw, cw, bm) {
	bw = median(w SUBSEP "base"); cw = median(w SUBSEP c); bi = median(w SUBSEP "base" SUBSEP "ins"); ci = median(w SUBSEP c SUBSEP "ins")
	R_wall = cw / bw; R_min = minimum(w SUBSEP c) / minimum(w SUBSEP "base")
	R_ins = (icount_ok && bi != "" && ci != "") ? ci / bi : ""
	C_ins = R_ins != "" ? sprintf("%.3fx %6.1fM", R_ins, ci / 1e6) : "-"
	C_wall = sprintf("%.3fx %7.1f ms", R_wall, cw / 1e6)
	C_min = sprintf("%.3fx", R_min)
	C_spread = "wall " spread(w SUBSEP c, cw) (R_ins != "" ? "  insns " ispread(w SUBSEP c SUBSEP "ins", ci) : "")
	# Instructions up to "drained" (the window, the exit, the reader emptying the ring).
	bd = median(w SUBSEP "base" SUBSEP "dins"); cd = median(w SUBSEP c SUBSEP "dins")
	R_d = (R_ins != "" && bd != "" && cd != "") ? cd / bd : ""
	if (R_d != "") C_spread = sprintf("drained %.3fx  ", R_d) C_spread
}
# Pass 1 (the log read a first time): the plugin windows, by number.
NR == FNR { if ($0 ~ /^GGICOUNT win /) { nwin++; wins[kv($0, "n")] = kv($0, "insns"); wkern[kv($0, "n")] = kv($0, "kernel") }
	    if ($0 ~ /^GGICOUNT drained /) dwins[kv($0, "n")] = kv($0, "insns")
	    if ($0 ~ /^GGICOUNT exit /) plugin_exit = 1
	    if ($0 ~ /^BENCH windows /) jobwins = kv($0, "n")
	    next }
FNR == 1 { icount_ok = nwin > 0 && nwin == jobwins }
/^BENCH env/ { kernel = kv($0, "kernel"); cpus = kv($0, "cpus"); nruns = kv($0, "runs"); fmib = kv($0, "fault_mib"); mn = kv($0, "mmap_n") }
/^BENCH time/ { tw = kv($0, "what"); tstamp[tw == "done" ? "end" : tw] = kv($0, "at") }
/^BENCH run/ {
	w = kv($0, "wl"); c = kv($0, "cfg"); ns = kv($0, "ns"); wn = kv($0, "win")
	if (ns == "") { bad++; next }
	add(w SUBSEP c, ns)
	if (icount_ok && wins[wn] + 0 > 0) { add(w SUBSEP c SUBSEP "ins", wins[wn]); add(w SUBSEP c SUBSEP "kins", wkern[wn]) }
	if (icount_ok && dwins[wn] + 0 > 0) add(w SUBSEP c SUBSEP "dins", dwins[wn])
	ops[w] = kv($0, "ops"); rate[w SUBSEP c] = kv($0, "rate")
	if (c == "traced") { add(w SUBSEP "evs", kv($0, "events") * 1e9 / ns); add(w SUBSEP "events", kv($0, "events")); tlost[w] += kv($0, "lost"); tlostn[w]++ }
	if (c == "tracednr") nrlost[w] += kv($0, "lost")
	if (c == "tpevents") { tplost[w] += kv($0, "lost"); tpftlost[w] += kv($0, "ftlost") }
}
/^BENCH ftlost/ { ftlost += kv($0, "lost") }
/^BENCH mem/ { k = kv($0, "ring_kb"); add("mem" SUBSEP k, kv($0, "free")); core = kv($0, "coresize"); rbpc[k] = kv($0, "ring_bytes_per_cpu")
	add("slab" SUBSEP k, kv($0, "slab")); add("percpu" SUBSEP k, kv($0, "percpu")); add("vm" SUBSEP k, kv($0, "vmalloc")); mcpus = kv($0, "cpus") }
/^BENCH ladder/ { nl++; lrate[nl] = kv($0, "rate"); ltarget[nl] = kv($0, "target_rate"); lthr[nl] = kv($0, "threads"); llost[nl] = kv($0, "lost"); lund[nl] = kv($0, "undelivered") + 0; levents[nl] = kv($0, "events") }
/^BENCH check/ { crc = kv($0, "rc"); clost = kv($0, "lost"); cseq = kv($0, "sequences"); cpass = kv($0, "pass"); cfail = kv($0, "fail"); have_check = 1 }
/^BENCH gomap/ { gover = kv($0, "go"); grc = kv($0, "rc"); glines = kv($0, "lines"); glost = kv($0, "lost_lines"); gslost = kv($0, "stats_lost"); have_gomap = 1 }
END {
	printf "gogrowth bench: guest kernel %s, %s vCPUs (QEMU TCG, one thread), host %s, %s, guest run %ss\n", kernel, cpus, host, started, guest_s
	printf "scale: fault = %s MiB touched page by page (%d faults, MADV_NOHUGEPAGE); mmap = %s mmap/touch/munmap cycles (brief: 100000, scaled 1/%g for TCG); %s rounds\n", fmib, fmib * 256, mn, 100000 / (mn ? mn : 1), nruns
	if (icount_ok) printf "instructions: QEMU plugin bench/qemu-icount.c, %d windows, both vCPUs counted (user+kernel), median per configuration\n", nwin
	else if (nwin || jobwins) printf "instructions: NOT USED, the plugin counted %d windows and the job ran %d: cannot pair them\n", nwin, jobwins
	else printf "instructions: not counted (BENCH_ICOUNT=0 or no plugin output)\n"
	if (tstamp["end"] != "") printf "guest phases (s from the job start): round1 %s, threads %s, rates %s, ladder %s, check %s, end %s\n", tstamp["round1"], tstamp["threads"], tstamp["rates"], tstamp["ladder"], tstamp["check"], tstamp["end"]
	print ""
	row1("fig", "figure (ratios to the baseline)", "insns (median)", "wall median", "wall min", "target", "verdict, notes")
	for (wi = 1; wi <= 2; wi++) {
		w = wi == 1 ? "fault" : "mmap"
		b = median(w SUBSEP "base")
		if (b == "") { row("1", w ": no baseline runs", "-", "-", "MISSED"); continue }
		cmp(w, "base")
		row1("1", w ": module not loaded (baseline)", C_ins, C_wall, C_min, "", C_spread)
		cmp(w, "other")
		v = R_ins != "" ? R_ins : R_wall
		row1("1", w ": loaded, tracing another pid", C_ins, C_wall, C_min, R_ins != "" ? "<= 1.020x (insns)" : "<= 1.020x (wall)",
		     (v <= 1.02 ? "ok" : "MISSED") "  " C_spread)
		fw = median(w SUBSEP "ftrace"); fi = median(w SUBSEP "ftrace" SUBSEP "ins"); bi = median(w SUBSEP "base" SUBSEP "ins")
		fr = R_ins != "" ? fi / bi : fw / b
		cmp(w, "ftrace"); frd = R_d
		if (median(w SUBSEP "tpevents") != "") {
			cmp(w, "tpevents")
			v = R_d != "" && frd != "" ? R_d / frd : (R_ins != "" ? R_ins : R_wall) / fr
			row1("1", w ": traced, gogrowth trace events + trace_pipe", C_ins, C_wall, C_min, sprintf("(ftrace %.3fx%s)", R_d != "" && frd != "" ? frd : fr, R_d != "" && frd != "" ? " drained" : ""),
			     sprintf("%.2fx of ftrace  ftrace lost %d  ring lost %d  %s", v, tpftlost[w], tplost[w], C_spread))
		}
		if (median(w SUBSEP "ftother") != "") { cmp(w, "ftother"); row1("1", w ": ftrace on, filtered to another pid", C_ins, C_wall, C_min, "(reference)", C_spread) }
		cmp(w, "ftrace")
		row1("1", w ": ftrace tracepoints+kprobe, pid filter", C_ins, C_wall, C_min, "(reference)", C_spread)
		frawd = ""
		if (median(w SUBSEP "ftraceraw") != "") {
			cmp(w, "ftraceraw"); frawd = R_d != "" ? R_d : R_ins
			row1("1", w ": the same, trace_pipe_raw readers", C_ins, C_wall, C_min, "(reference)", C_spread)
		}
		cmp(w, "traced")
		# Judged on the instructions up to drained where both have them (the
		# whole reader is in), else the window, else wall time.
		if (R_d != "" && frd != "") { v = R_d; fv = frd; how = " (drained)" }
		else if (R_ins != "") { v = R_ins; fv = fr; how = "" }
		else { v = R_wall; fv = fw / b; how = " (wall)" }
		pe = (R_ins != "" && median(w SUBSEP "events") > 0) ? sprintf("  +%.0f insns/event", (median(w SUBSEP "traced" SUBSEP (R_d != "" ? "dins" : "ins")) - median(w SUBSEP "base" SUBSEP (R_d != "" ? "dins" : "ins"))) / median(w SUBSEP "events")) : ""
		row1("1", w ": traced by gogrowth, reader draining", C_ins, C_wall, C_min, sprintf("<= ftrace %.3fx%s", fv, how),
		     (v <= fv ? "ok" : "MISSED") (frawd != "" ? sprintf("  vs raw %.3fx %s", frawd, v <= frawd ? "<=" : ">") : "") sprintf("  wall %s ftrace", R_wall <= fw / b ? "<=" : ">") "  lost " tlost[w] + 0 pe "  " C_spread)
		if (median(w SUBSEP "ftracenr") != "") { cmp(w, "ftracenr"); fnr = R_ins != "" ? R_ins : R_wall; row1("1", w ": diag: ftrace, no reader", C_ins, C_wall, C_min, "(diagnostic)", C_spread) }
		if (median(w SUBSEP "tracednr") != "") { cmp(w, "tracednr"); row1("1", w ": diag: gogrowth, no reader, ring_kb=65536", C_ins, C_wall, C_min, "(diagnostic)",
		    sprintf("%.2fx of ftrace  lost %d  %s", fnr ? (R_ins != "" ? R_ins : R_wall) / fnr : 0, nrlost[w], C_spread)) }
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
	# Loss to a full ring or a missed probe; entries the ring buffer of the kernel never handed out
	# (undelivered, guarantees.md "Known problems") are lost records too, shown apart.
	for (i = 1; i <= nl; i++) if (llost[i] - lund[i] == 0) { best = i; break }
	for (i = 1; i <= nl; i++)
		row("2", sprintf("ladder: %s fault/s, %s thread%s", ltarget[i] == 0 ? "unthrottled" : ltarget[i], lthr[i], lthr[i] > 1 ? "s" : ""),
		    sprintf("%s fault/s, lost %s", lrate[i], llost[i] - lund[i]), "",
		    sprintf("(%s events%s)", levents[i], lund[i] ? sprintf(", %d undelivered", lund[i]) : ""))
	if (best == "") row("2", "largest rate with lost 0 (default ring)", "none found", "the unthrottled rate", "MISSED")
	else row("2", "largest rate with lost 0 (default ring)", sprintf("%s fault/s", lrate[best]),
		 "lost 0 unthrottled", best == 1 ? "ok (no loss at the highest rate reached)" : sprintf("MISSED (loss begins between %s and %s fault/s asked)", ltarget[best], ltarget[best - 1] == 0 ? "unthrottled" : ltarget[best - 1]))
	# Figure 2b: cost per fault against the rate (one run each).
	n2b = 0
	for (k in cnt) { split(k, kk, SUBSEP); if (kk[1] ~ /^rate-/ && kk[2] == "base" && kk[3] == "") rk[++n2b] = substr(kk[1], 6) + 0 }
	for (i = 2; i <= n2b; i++) { t = rk[i]; for (j = i - 1; j >= 1 && (rk[j] == 0 || (t != 0 && rk[j] > t)); j--) rk[j + 1] = rk[j]; rk[j + 1] = t }
	if (n2b) row1("2b", "fault rate (1 thread, traced vs baseline)", "insns (window)", "wall", "", "insns/fault (drained)", "(no target)")
	for (i = 1; i <= n2b; i++) {
		w = "rate-" rk[i]
		if (median(w SUBSEP "traced") == "") continue
		cmp(w, "traced")
		# Per fault up to drained where counted (all of the reader), else the window.
		dk = R_d != "" ? "dins" : "ins"
		bi = median(w SUBSEP "base" SUBSEP dk); ti = median(w SUBSEP "traced" SUBSEP dk)
		row1("2b", sprintf("%s: %s fault/s reached", rk[i] ? rk[i] " fault/s asked" : "unthrottled", rate[w SUBSEP "traced"]), C_ins, C_wall, "",
		     R_ins != "" ? sprintf("base %.0f traced %.0f", bi / ops[w], ti / ops[w]) : "", (R_ins != "" ? sprintf("+%.0f insns per fault%s", (ti - bi) / ops[w], R_d != "" ? sprintf(" (drained %.3fx)", R_d) : "") : "") "  lost " tlost[w] + 0)
	}
	print ""
	# Figure 6: faulting threads.
	n6 = 0
	for (k in cnt) { split(k, kk, SUBSEP); if (kk[1] ~ /^fault-t/ && kk[2] == "base" && kk[3] == "") tk[++n6] = substr(kk[1], 8) + 0 }
	for (i = 2; i <= n6; i++) { t = tk[i]; for (j = i - 1; j >= 1 && tk[j] > t; j--) tk[j + 1] = tk[j]; tk[j + 1] = t }
	if (n6) row1("6", "faulting threads, traced vs baseline", "insns (window)", "wall median", "wall min", "insns/fault (drained)", "(no target)")
	for (i = 1; i <= n6; i++) {
		w = "fault-t" tk[i]
		if (median(w SUBSEP "traced") == "") continue
		cmp(w, "base"); bcol = C_wall
		cmp(w, "traced")
		dk = R_d != "" ? "dins" : "ins"
		bi = median(w SUBSEP "base" SUBSEP dk); ti = median(w SUBSEP "traced" SUBSEP dk)
		row1("6", sprintf("%d thread%s: traced (baseline %.1f ms)", tk[i], tk[i] > 1 ? "s" : "", median(w SUBSEP "base") / 1e6), C_ins, C_wall, C_min,
		     R_ins != "" ? sprintf("base %.0f traced %.0f", bi / ops[w], ti / ops[w]) : "", sprintf("lost %d in %d runs  %s", tlost[w], tlostn[w], C_spread))
	}
	if (n6) print ""
	nlines = match(reader, /\[[0-9]+ lines\]/) ? substr(reader, RSTART + 1, RLENGTH - 8) : "?"
	nr = split(reader, rl, "|")
	for (ri = 1; ri <= nr; ri++) {
		if (!match(rl[ri], /[0-9.]+ instructions/)) {
			row("3", "gogrowth report, instructions per event", "not measured", "<= 400", "(" rl[ri] ")")
			continue
		}
		ipl = substr(rl[ri], RSTART, RLENGTH - 13)
		what = "generated text, " int(nlines / 1000) "k"
		if (match(rl[ri], /^reader: [^ ]+ (text|binary):/))
			what = substr(rl[ri], 9, RLENGTH - 9) ", 200000"
		ends = match(rl[ri], /line ends alone: [0-9]+/) ? " (finding the line ends alone: " substr(rl[ri], RSTART + 17, RLENGTH - 17) ")" : ""
		row("3", "report instr/event: " what, ipl, "<= 400", (ipl + 0 <= 400 ? "ok" : "MISSED") ends)
	}
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
}' "$log_file" "$log_file"
if [ "$guest_rc" != 0 ]; then
	log "the guest run failed (status $guest_rc): the figures above are incomplete; logs: $log_file"
	exit 1
fi
