# What growing a Go slice and a Go map costs in kernel work, per Go version:
# run in the guest from /opt/gogrowth by `make findings` (scripts/findings.sh).
# Each program runs under `gogrowth record`, and awk sums its events.
insmod ./gogrowth.ko || exit 1

summarize() { # label events-file program-output
	awk -v label="$1" -v out="$3" '
	function hex(s,   i, n, c) {
		n = 0
		for (i = 3; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1)) - 1
			n = n * 16 + c
		}
		return n
	}
	BEGIN {
		while ((getline l < out) > 0) {
			if (l !~ / grow /) continue
			steps++
			if (match(l, / (bucket_)?bytes=[0-9]+/)) {
				b = substr(l, RSTART, RLENGTH); sub(/.*=/, "", b)
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
			else if (int(hex(f["flags"]) / 16) % 2) fixed++	# MAP_FIXED
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
		else if (ev == "lost") lost += f["count"]
	}
	END {
		printf "%-14s %5d %5d %5d %4d %5d %6d %7d %5d %5d %6d %5d %6d %6d %6d %5d %7d %4d %4d\n", label,
		       steps, large, mmaps, reserve, fixed, faults, mapped, lvl["pte"], lvl["pmd"],
		       tr["none->present"], tr["ro->rw-cow"], tr["present->present-newpfn"], hzsplit,
		       flushes, whole, fpages, madv, lost
	}' "$2"
}

printf '%-14s %5s %5s %5s %4s %5s %6s %7s %5s %5s %6s %5s %6s %6s %6s %5s %7s %4s %4s\n' \
	program grows large mmaps resv fixed faults mapped pte pmd first cow newpfn hzsplit flush whole fpages madv lost
for v in $(ls go-slice-* | sed 's/go-slice-//' | sort -t. -k2 -n); do
	./gogrowth record -o /tmp/s.events -- ./go-slice-$v -n 2097152 >/tmp/s.out 2>/dev/null || exit 1
	summarize "go-slice-$v" /tmp/s.events /tmp/s.out
	./gogrowth record -o /tmp/m.events -- ./go-map-$v -n 1048576 >/tmp/m.out 2>/dev/null || exit 1
	summarize "go-map-$v" /tmp/m.events /tmp/m.out
done
rmmod gogrowth
