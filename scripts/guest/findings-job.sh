# What growing a Go slice and a Go map costs in kernel work, per Go version:
# run in the guest from /opt/gogrowth by `make findings` (scripts/findings.sh).
# Each program runs under `gogrowth record` GG_REPEAT times (3 by default),
# rss and hwm are the program's VmRSS and VmHWM (MiB) at its end label,
# awk sums each run's events, and every column is printed as min-max over the
# runs (one number when they agree). Programs: go-slice (2,097,152 int64
# appends), the map of that release (go-map: hmap up to 1.23, go-swiss: Swiss
# tables from 1.24) with 1,048,576 int64 keys, and the same map of [4]int64
# values (-elem 32) with 262,144 keys.
insmod ./gogrowth.ko || exit 1
repeat=${GG_REPEAT:-3}

summarize() { # label events-file program-output
	awk -v label="$1" -v out="$3" '
	BEGIN {
		while ((getline l < out) > 0) {
			if (l ~ / end / && match(l, /rss_kib=[0-9]+ hwm_kib=[0-9]+/)) {
				split(substr(l, RSTART, RLENGTH), m, /[ =]/); rss = m[2]; hwm = m[4]
			}
			if (l !~ / (grow|totable|split|small) /) continue
			steps++
			n = split(l, w, " ")
			for (i = 1; i <= n; i++) {
				if (w[i] !~ /^(bucket_)?bytes=/) continue
				b = w[i]; sub(/.*=/, "", b)
				if (b + 0 > 32768) large++
			}
		}
	}
	{
		delete f
		for (i = 1; i <= NF; i++) { p = index($i, "="); if (p) f[substr($i, 1, p - 1)] = substr($i, p + 1) }
		ev = f["ev"]
		if (ev == "mmap") {
			mmaps++
			if (f["prot"] == "0x0") reserve++
			else if (f["flags"] ~ /^0x[0-9a-f]*[13579bdf][0-9a-f]$/) fixed++	# MAP_FIXED 0x10
		} else if (ev == "fault" && f["result"] != "retry") {
			faults++; lvl[f["level"]]++; tr[f["trans"]]++
			# pages the fault mapped or changed: ptes= entries of 4 KiB, 2 MiB or 1 GiB
			mapped += f["ptes"] * (f["level"] == "pmd" ? 512 : f["level"] == "pud" ? 262144 : 1)
			# a 4 KiB fault on what a huge entry mapped read-only: the huge zero page split
			if (f["level"] == "pte" && substr(f["old_flags"], 7, 1) == "H") hzsplit++
		} else if (ev == "tlb_flush") {
			flushes++
			if (f["pages"] == "all") whole++; else fpages += f["pages"]
		} else if (ev == "madvise") madv++
		else if (ev == "munmap") unmaps++
		else if (ev == "lost") lost += f["count"]
	}
	END {
		printf "%s %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", label,
		       steps, large, mmaps, reserve, fixed, faults, mapped, lvl["pte"], lvl["pmd"],
		       tr["none->present"], tr["ro->rw-cow"], tr["present->present-newpfn"], hzsplit,
		       flushes, whole, fpages, madv, unmaps, lost, int(rss / 1024 + 0.5), int(hwm / 1024 + 0.5)
	}' "$2"
}

# RSS at the end of a run: the pages made present less those given back is not
# what the kernel reports, so read VmHWM (peak RSS) from the program itself.
rows=/tmp/findings.rows
: >"$rows"
run() { # label program args...
	label=$1; shift
	./gogrowth record -o /tmp/r.events -- "$@" >/tmp/r.out 2>/tmp/r.err || { cat /tmp/r.err; exit 1; }
	summarize "$label" /tmp/r.events /tmp/r.out >>"$rows"
}

versions=$(ls go-slice-1.* | sed 's/go-slice-//' | sort -t. -k2 -n)
for v in $versions; do
	minor=${v#1.}
	for r in $(seq "$repeat"); do
		run "go-slice-$v" ./go-slice-$v -n 2097152
		if [ "$minor" -ge 24 ]; then
			run "go-swiss-$v" ./go-swiss-$v -n 1048576
			run "go-swiss-big-$v" ./go-swiss-$v -n 262144 -elem 32
		else
			run "go-map-$v" ./go-map-$v -n 1048576
			run "go-map-big-$v" ./go-map-$v -n 262144 -elem 32
		fi
	done
done

echo "kernel $(uname -r), THP $(cat /sys/kernel/mm/transparent_hugepage/enabled), $repeat runs each, min-max"
printf '%-17s %5s %5s %5s %4s %5s %11s %13s %11s %7s %11s %11s %6s %7s %11s %5s %13s %5s %4s %4s %7s %7s\n' \
	program grows large mmaps resv fixed faults mapped pte pmd first cow newpfn hzsplit flush whole fpages madv unmap lost rss hwm
awk '
	{
		if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 }
		for (i = 2; i <= NF; i++) {
			k = $1 SUBSEP i
			if (!(k in lo) || $i + 0 < lo[k]) lo[k] = $i + 0
			if (!(k in hi) || $i + 0 > hi[k]) hi[k] = $i + 0
		}
		cols = NF
	}
	END {
		split("5 5 5 4 5 11 13 11 7 11 11 6 7 11 5 13 5 4 4 7 7", width, " ")
		for (r = 1; r <= n; r++) {
			p = order[r]
			printf "%-17s", p
			for (i = 2; i <= cols; i++) {
				k = p SUBSEP i
				v = lo[k] == hi[k] ? lo[k] "" : lo[k] "-" hi[k]
				printf " %" width[i - 1] "s", v
			}
			printf "\n"
		}
	}' "$rows"
echo
echo "Build settings (go version -m of each go-slice, the same for every program): no DefaultGODEBUG line, so each toolchain's own GODEBUG defaults:"
for v in $versions; do
	printf '%s: %s; %s\n' "$v" "$(sed -n 's/^# //p' go-godebug-$v)" \
		"$(grep -v '^#' go-godebug-$v | sed 's/^build[[:space:]]*//' | tr '\n' ' ' | sed 's/ $//')"
done
rmmod gogrowth
