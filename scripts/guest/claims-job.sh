# The kernel's evidence for Documentation/claims.md, measured in the guest by
# `make claims` (scripts/claims.sh): every Go program sequence of
# `gogrowth check` (go-slice, go-map, go-map-big, go-swiss, go-swiss-big of
# every Go Debian ships) runs with --keep, and awk reduces each recording to
# "FIG sequence key value" lines, which scripts/claims.sh judges on the host.
insmod ./gogrowth.ko || exit 1
names=$(./gogrowth check --list | sed -n 's/^--all runs: //p')
for n in $names; do
	case $n in go-*) ;; *) continue ;; esac
	./gogrowth check --keep /tmp/c.events "$n" >/tmp/c.out 2>&1
	echo "FIG $n check_status $?"
	echo "FIG $n check_failed $(grep -c '^FAIL' /tmp/c.out)"
	awk -v seq="$n" '
	function hex(s,   i, n, c) {
		n = 0; s = tolower(s)
		for (i = 3; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; n = n * 16 + c }
		return n
	}
	{
		delete f
		for (i = 1; i <= NF; i++) { p = index($i, "="); if (p) f[substr($i, 1, p - 1)] = substr($i, p + 1) }
		ev = f["ev"]
		if (ev == "marker") {
			if ($0 ~ /text=go-[a-z]+ begin/) growing = 1
			if ($0 ~ /text=go-[a-z]+ end/) growing = 0
			if ($0 ~ /text=go-[a-z]+ (grow|totable|split) /) steps++
			if ($0 ~ /text=go-map grow / && match($0, / buckets=0x[0-9a-f]+/)) {
				arrays++; a = substr($0, RSTART + 9, RLENGTH - 9)
				if (hex(a) % 64 != 0) unaligned++
			}
			if ($0 ~ /text=go-map begin/ && match($0, / bucket=[0-9]+/)) bucket = substr($0, RSTART + 8, RLENGTH - 8)
			if ($0 ~ /text=go-map evacuated/) evacuated++
			next
		}
		if (f["pid"] != "" && f["pgd"] != "0x0" && ev != "tlb_flush" && ev != "exit" && !(ev == "fault" && f["origin"] == "gup")) {
			c = hex(f["cr3"]) % 4503599627370496; c = c - c % 4096	# busybox awk: no ^
			if (c == hex(f["pgd"])) cr3same++; else cr3other++
			cr3[f["cr3"]] = 1
		}
		# the heap: sysReserve arena reservations (PROT_NONE, at a hint, 64 MiB multiples)
		if (ev == "mmap" && f["prot"] == "0x0" && f["addr"] != "0x0" && f["len"] % 67108864 == 0) {
			nres++; rlo[nres] = hex(f["ret"]); rhi[nres] = rlo[nres] + f["len"]
		}
		if (ev == "mmap" && growing) {
			mmaps++
			if (hex(f["flags"]) % 32 >= 16 && f["prot"] == "0x3") {
				commits++; if (f["addr"] == "0x0") commit_addr0++
				len = f["len"] + 0; if (len % 4194304 == 0) commit_4m++
				if (len == 65536 || len == 2097152) commit_64k_2m++
				if (!(len in lens)) { lens[len] = 1; lenlist = lenlist (lenlist == "" ? "" : ",") len }
			}
			if (f["prot"] == "0x0") reserves++
		}
		if (ev == "munmap") munmaps++
		if (ev == "fault" && f["result"] != "retry" && growing) {
			if (f["trans"] == "none->present") {
				first++
				if (substr(f["new_flags"], 2, 1) == "W") first_w++; else first_ro++
				if (substr(f["new_flags"], 3, 1) == "U") first_u++
			}
			if (f["trans"] == "ro->rw-cow") {
				cow++
				a = hex(f["addr"])
				for (r = 1; r <= nres; r++) if (a >= rlo[r] && a < rhi[r]) { heap_cow++; if (f["level"] == "pmd") heap_cow_pmd++; break }
			}
			if (f["level"] == "pte" && substr(f["old_flags"], 7, 1) == "H") hzsplit++
			if (f["node"] != "") nodes[f["node"]] = 1
		}
		if (ev == "tlb_flush" && growing) {
			flushes++
			if (f["pages"] != "all" && hex(f["start"]) >= 140737488355328) kflush++
			if (f["freed"] == "1") freed++
		}
	}
	END {
		nn = 0; for (k in nodes) nn++
		nc = 0; for (k in cr3) nc++
		printf "FIG %s steps %d\nFIG %s mmaps_growing %d\nFIG %s commits %d\nFIG %s commit_addr0 %d\nFIG %s commit_4m %d\nFIG %s commit_64k_2m %d\nFIG %s commit_lens %s\nFIG %s reserves_growing %d\n",
			seq, steps, seq, mmaps, seq, commits, seq, commit_addr0, seq, commit_4m, seq, commit_64k_2m, seq, lenlist == "" ? "-" : lenlist, seq, reserves
		printf "FIG %s heap_cow %d\nFIG %s heap_cow_pmd %d\n", seq, heap_cow, seq, heap_cow_pmd
		printf "FIG %s munmaps %d\nFIG %s first %d\nFIG %s first_w %d\nFIG %s first_ro %d\nFIG %s first_u %d\nFIG %s cow %d\nFIG %s hzsplit %d\n",
			seq, munmaps, seq, first, seq, first_w, seq, first_ro, seq, first_u, seq, cow, seq, hzsplit
		printf "FIG %s flushes %d\nFIG %s kernel_range_flushes %d\nFIG %s flushes_freed %d\nFIG %s cr3_match %d\nFIG %s cr3_mismatch %d\nFIG %s cr3_values %d\nFIG %s nodes %d\n",
			seq, flushes, seq, kflush, seq, freed, seq, cr3same, seq, cr3other, seq, nc, seq, nn
		if (arrays) printf "FIG %s bucket_arrays %d\nFIG %s bucket_arrays_unaligned64 %d\nFIG %s bucket_bytes %d\nFIG %s evacuated %d\n", seq, arrays, seq, unaligned + 0, seq, bucket, seq, evacuated
	}' /tmp/c.events
	grep -E '^(PASS|FAIL) .*(capacities|growth against|growths:|mmaps while growing|large arrays|groups arrays)' /tmp/c.out | sed "s/^/CHECK /"
done
rmmod gogrowth
