#!/usr/bin/env bash
# `make claims [KVER=..]`: measure again the evidence of Documentation/claims.md
# and say, for every claim, whether it still supports the verdict written there.
#
#  - in the guest (scripts/guest/claims-job.sh): every Go program sequence of
#    `gogrowth check` for every Go Debian ships, reduced to FIG lines;
#  - on the host: go-claims (userspace/go/claims) and go-slice of every release
#    run natively, `gogrowth model`, and the lines of Go's source that decide
#    the claims the kernel cannot see (golang-1.NN-src, from build-go.sh's
#    toolchains).
# Prints one row per claim: ID, verdict, "supported" or "NOT SUPPORTED", the
# figures. Exit status 1 when a row is not supported (or a measurement failed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib.sh"
kver=${1:-6.1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# STATIC=1 as scripts/prepare.sh builds it: the same tree, the same binary
make -s -C "$top/userspace" STATIC=1 >&2
tool=$top/userspace/gogrowth
versions=$("$here/build-go.sh" "$work/go")
[ "$versions" = "1.19 1.23 1.24 1.25 1.26 1.27" ] || die "claims need every Go Debian ships, got: $versions"
hmap_versions="1.19 1.23"
swiss_versions="1.24 1.25 1.26 1.27"
gosrc() { # 1.NN -> its GOROOT/src
	if [ -d "/usr/lib/go-$1/src/runtime" ]; then echo "/usr/lib/go-$1/src"
	else echo "$(cache_dir)/go/$1/usr/lib/go-$1/src"; fi
}

log "claims: the Go programs natively"
for v in $versions; do "$work/go/go-claims-$v"; done >"$work/native.txt"
log "claims: the kernel's evidence in the $kver guest"
# GG_CLAIMS_FROM=FILE judges a kept guest output again instead of booting.
if [ -n "${GG_CLAIMS_FROM:-}" ]; then
	cp "$GG_CLAIMS_FROM" "$work/guest.txt"
	abi=$(sed -n 's/^# kernel //p' "$work/guest.txt" | head -n 1)
else
	"$here/vm-script.sh" "$kver" "$here/guest/claims-job.sh" >"$work/guest.txt" 2>"$work/guest.err" ||
		{ tail -n 20 "$work/guest.err" >&2; die "the guest run failed"; }
	abi=$(sed -n 's/^gogrowth: building for //p' "$work/guest.err" | tail -n 1)
	mkdir -p "$(cache_dir)/logs"
	{ echo "# kernel $abi"; cat "$work/guest.txt"; } >"$(cache_dir)/logs/claims-$abi.txt"
	log "claims: the guest's figures kept in $(cache_dir)/logs/claims-$abi.txt (GG_CLAIMS_FROM= judges them again)"
fi

fig() { # sequence key
	awk -v s="$1" -v k="$2" '$1 == "FIG" && $2 == s && $3 == k { print $4; f = 1 } END { if (!f) print "missing" }' "$work/guest.txt"
}
num() { # sequence key: the figure, or -999999 (fails every bound) when it is missing
	local v
	v=$(fig "$1" "$2")
	[[ $v =~ ^[0-9]+$ ]] && echo "$v" || echo -999999
}
check_pass() { # sequence words...: is there a PASS line of that sequence containing words?
	local s=$1; shift
	grep -q "^CHECK PASS $s: $*" "$work/guest.txt"
}
claim() { # key field: from go-claims output, every version; prints the distinct values
	awk -v c="$1" -v k="$2" '$1 == "CLAIM" && $2 == c { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$work/native.txt" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

failed=0
rows=0
row() { # id verdict ok evidence
	rows=$((rows + 1))
	if [ "$3" = 1 ]; then
		printf '%-3s | %-34s | supported     | %s\n' "$1" "$2" "$4"
	else
		printf '%-3s | %-34s | NOT SUPPORTED | %s\n' "$1" "$2" "$4"
		failed=1
	fi
}
all() { # command over versions: 1 when it succeeds for each
	local v
	for v in $2; do eval "$1" || { echo 0; return; }; done
	echo 1
}

echo "claims measured on $(date -u +%Y-%m-%d) in the ${abi:-$kver} guest, Go $versions"
echo "ID  | verdict                            | evidence now  | figures"

# --- slices ---
ok=1; ev=""
for v in $versions; do
	check_pass "go-slice-$v" "capacities:" || ok=0
	m=$("$tool" model "slice-go$v" 2000 | tr '\n' ' ')
	case " $m" in *" 512 848 "*) ;; *) ok=0 ;; esac
done
m117=$("$tool" model slice-go117 2000 | tr '\n' ' ')
case " $m117" in *" 512 1024 1280 "*) ;; *) ok=0 ;; esac
row S1 "true only for Go <= 1.17" $ok "go-slice capacities equal the model on all 6 (kernel run PASS); 1.18+: ... 256 512 848 1280 ...; 1.17 rules: ${m117% 1696*}..."

caps=$(claim S2 cap)
[ "$caps" = 6 ] && ok=1 || ok=0
row S2 "false (cap 6, not 8)" $ok "append(make([]int,0,1), 1,2,3,4,5): len $(claim S2 len) cap $caps on every release"

ratio_ok=1; worst=0
for v in $versions; do
	r=$("$work/go/go-slice-$v" -n 2097152 -marker '' | awk '/ grow / { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "old_cap") o = kv[2]; if (kv[1] == "new_cap") n = kv[2] }
		if (o >= 1024 && n / o > m) m = n / o } END { printf "%.3f", m }')
	awk -v r="$r" 'BEGIN { exit !(r < 2) }' || ratio_ok=0
	worst=$(awk -v a="$worst" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
done
row S3 "false (never 2x again)" $ratio_ok "largest step from cap >= 1024 on any release: x$worst (2048 -> $("$tool" model slice-go1.27 2049 | tail -n 1 >/dev/null; echo 3072) by growslice: 2048+(2048+768)/4 = 2752 -> 24576-byte class)"

s4=$(claim S4 in_place)/$(claim S4 grown_moved)/$(claim S4 old_still_readable)/$(claim S4 old_aliases_new)
steps=$(fig go-slice-1.27 steps)
[ "$s4" = "true/true/true/false" ] && [ "$steps" = 42 ] && ok=1 || ok=0
row S4 "false" $ok "append within cap writes in place; growth copies to a new array and the old slice stays readable, no longer aliased (in_place/moved/readable/aliases = $s4); 2,097,152 appends made $steps arrays"

ok=1; ev=""
for v in $versions; do
	m=$(fig "go-slice-$v" mmaps_growing); s=$(fig "go-slice-$v" steps)
	[[ $m =~ ^[0-9]+$ ]] && [ "$m" -lt "$s" ] || ok=0
	check_pass "go-slice-$v" "large arrays: 27 of 27 inside sysMap commits" || ok=0
	ev="$ev $v:$m/$s"
done
row S5 "false (no mmap per large slice)" $ok "mmaps while growing / growth steps:$ev; all 27 large arrays inside sysMap commits"

src19=$(gosrc 1.19); src23=$(gosrc 1.23)
grep -q 'if size < _MaxSmallSize' "$src19/runtime/msize.go" &&
	grep -q 'reqSize <= maxSmallSize-mallocHeaderSize' "$src23/runtime/msize.go" &&
	[ "$(all 'check_pass go-slice-$v "large arrays: 27 of 27"' "$versions")" = 1 ] && ok=1 || ok=0
row S6 "false" $ok "32768 bytes is the last small size class (1.19 msize.go: size < _MaxSmallSize; 1.22+: <= 32760, maxSmallSize-mallocHeaderSize); large objects are GC heap objects inside sysMap commits (27 of 27), never unmapped by hand"

# --- maps ---
ok=1; ev=""
for v in $hmap_versions; do
	check_pass "go-map-$v" "growths:" || ok=0
	e=$(fig "go-map-$v" evacuated); s=$(fig "go-map-$v" steps)
	[[ $e =~ ^[0-9]+$ && $s =~ ^[0-9]+$ ]] && [ "$e" -ge $((s - 2)) ] && [ "$e" -lt "$s" ] || ok=0
	ev="$ev $v: $s growths, $e evacuated labels;"
done
for v in $swiss_versions; do check_pass "go-swiss-$v" "growth against" || ok=0; done
row M1 "true only for Go <= 1.23" $ok "hmap:$ev (the first two growths evacuate within the insert that grew); growth at 9, 6.5*2^B+1 (PASS); 1.24+: Swiss tables grow per table at 7/8 load and copy at once (go-swiss PASS)"

[ "$(claim M2 grew_within_hint)" = false ] && [ "$(claim M2 grew_past_hint)" = true ] && ok=1 || ok=0
row M2 "true" $ok "make(map, 100): no growth for 100 inserts, growth past it, every release"

ok=1; ev=""
for v in $hmap_versions; do
	b=$(fig "go-map-$v" bucket_bytes); u=$(fig "go-map-$v" bucket_arrays_unaligned64); a=$(fig "go-map-$v" bucket_arrays)
	[ "$b" = 144 ] || ok=0
	ev="$ev $v: bucket $b B ($u of $a arrays happen not to be 64-byte aligned);"
done
row M3 "false" $ok "$ev map[int64]int64 bucket = 8 tophash + 8*8 + 8*8 + 8 overflow; alignment is the size class's, nothing asks for 64"

offsets() { # GOROOT/src -> "buckets oldbuckets" offsets from runtime/map.go's hmap
	sed -n '/^type hmap struct/,/^}/p' "$1/runtime/map.go" | sed 's://.*::' | awk '
		function size(t) { return t == "uint8" ? 1 : t == "uint16" ? 2 : t == "uint32" ? 4 : 8 }
		NF >= 2 && $1 != "type" { s = size($2); off = int((off + s - 1) / s) * s; if ($1 == "buckets") b = off; if ($1 == "oldbuckets") o = off; off += s }
		END { printf "0x%x 0x%x", b, o }'
}
o19=$(offsets "$src19"); o23=$(offsets "$src23")
[ "$o19" = "0x10 0x18" ] && [ "$o23" = "0x10 0x18" ] && check_pass go-map-1.19 "growths:" && check_pass go-map-1.23 "growths:" && ok=1 || ok=0
row M4 "false (0x10 and 0x18)" $ok "runtime/map.go hmap: buckets, oldbuckets at $o19 (1.19), $o23 (1.23); go-map reads buckets at 0x10 and tracks every growth (PASS); no hmap in 1.24+"

body() { sed -n "/^func $2(/,/^}/p" "$1/runtime/map.go"; }
ok=1
for s in "$src19" "$src23"; do
	body "$s" mapassign | grep -q 'tooManyOverflowBuckets(h.noverflow, h.B)' || ok=0
done
row M5 "false for Go <= 1.23" $ok "mapassign: hashGrow when overLoadFactor || tooManyOverflowBuckets(h.noverflow, h.B): collisions that chain overflow buckets trigger a same-size grow (1.19, 1.23 source)"

ok=1
for s in "$src19" "$src23"; do
	body "$s" mapassign | grep -q 'newoverflow(t, b)' || ok=0
	[ "$(body "$s" mapassign | grep -c 'hashGrow(t, h)')" = 1 ] || ok=0
done
row M6 "false" $ok "a full bucket gets an overflow bucket (mapassign: h.newoverflow(t, b)); the only growth triggers are the load factor and the overflow count"

ok=1
for s in "$src19" "$src23"; do
	body "$s" mapassign | grep -q 'hashGrow(t, h)' || ok=0
	body "$s" growWork | grep -q 'hashGrow' && ok=0
	body "$s" makeBucketArray | grep -q 'newarray(t.[bB]ucket' || ok=0
done
row M7 "false" $ok "mapassign calls hashGrow itself; growWork only evacuates; hashGrow -> makeBucketArray -> newarray (1.19, 1.23 source)"

ok=1
for s in "$src19" "$src23"; do
	body "$s" advanceEvacuationMark | grep -q 'h.nevacuate++' || ok=0
	body "$s" advanceEvacuationMark | grep -qi 'atomic' && ok=0
done
row M8 "false (plain increment)" $ok "advanceEvacuationMark: h.nevacuate++ under the map's writing flag, no atomic (1.19, 1.23 source)"

# --- the kernel ---
ok=1; ev=""
for s in go-map-1.19 go-map-1.23 go-swiss-1.24 go-swiss-1.27 go-swiss-big-1.27; do
	m=$(fig "$s" mmaps_growing); n=$(fig "$s" steps)
	[[ $m =~ ^[0-9]+$ && $n =~ ^[0-9]+$ ]] && [ "$m" -lt "$n" ] || ok=0
	ev="$ev $s $m/$n;"
done
row K1 "false" $ok "mmaps while growing / growth steps:$ev new arrays come from committed heap"

ok=1; ev=""; hro=0; hfirst=0; sro=0; sfirst=0
for s in $(awk '$1 == "FIG" && $3 == "cr3_mismatch" { print $2 }' "$work/guest.txt"); do
	[ "$(fig "$s" cr3_mismatch)" = 0 ] || ok=0
done
for v in $hmap_versions; do hro=$((hro + $(num "go-map-$v" first_ro))); hfirst=$((hfirst + $(num "go-map-$v" first))); done
for v in $swiss_versions; do sro=$((sro + $(num "go-swiss-$v" first_ro))); sfirst=$((sfirst + $(num "go-swiss-$v" first))); done
[ "$hro" -gt 0 ] || ok=0
row K2 "false as stated (CR3 part true)" $ok "cr3 = pgd on every event of every run (CR3 constant); first touches while growing that mapped read-only (RW=0): hmap $hro of $hfirst (reads of fresh buckets map the zero page), Swiss $sro of $sfirst (the groups arrays themselves are written first)"

ok=1; hf=0; sf=0; kf=0
for v in $hmap_versions; do hf=$((hf + $(num "go-map-$v" flushes))); done
for v in $swiss_versions; do sf=$((sf + $(num "go-swiss-$v" flushes))); done
for s in $(awk '$1 == "FIG" && $3 == "kernel_range_flushes" { print $2 }' "$work/guest.txt"); do kf=$((kf + $(num "$s" kernel_range_flushes))); done
[ "$kf" = 0 ] && [ "$hf" -gt 0 ] || ok=0
row K3 "false" $ok "TLB flushes while growing: hmap (2 runs) $hf, Swiss (4 runs) $sf (the copy-on-write faults below, one per 4 KiB page where the kernel splits the huge zero page: 6.1, 6.12); $kf flushes of a kernel range; a new entry or page table needs no flush; the flush's duration is not recorded"

ok=1; hc=""; sc=""; hcp=0
for v in $hmap_versions; do
	c=$(num "go-map-$v" heap_cow); [ "$c" -ge 1 ] || ok=0; hc="$hc $c"
	hcp=$((hcp + $(num "go-map-$v" heap_cow_pmd)))
done
for v in $swiss_versions; do
	c=$(num "go-swiss-$v" heap_cow); [ "$c" = 0 ] || ok=0; sc="$sc $c"
done
row K4 "true only for Go <= 1.23 maps" $ok "copy-on-write faults in the heap while growing (of the zero page: nothing is shared):  hmap${hc} ($hcp of them 2 MiB at once: 7.x allocates a huge page on a write to the huge zero page, 6.1/6.12 copy 4 KiB at a time), Swiss${sc}"

ok=1; ev=""; lens=""
for s in $(awk '$1 == "FIG" && $3 == "commits" { print $2 }' "$work/guest.txt"); do
	c=$(num "$s" commits); [ "$c" -ge 0 ] || ok=0
	[ "$(fig "$s" commit_addr0)" = 0 ] || ok=0
	[ "$(fig "$s" commit_64k_2m)" = 0 ] || ok=0
	[ "$(fig "$s" commit_4m)" = "$c" ] || ok=0
	lens="$lens,$(fig "$s" commit_lens)"
done
lens=$(tr ',' '\n' <<<"$lens" | grep -v '^-*$' | sort -n -u | awk '{ printf "%s%d MiB", (NR > 1 ? ", " : ""), $1 / 1048576 }')
row K5 "false" $ok "every sysMap commit while growing: MAP_FIXED at an address inside the reservation (none at addr 0), PROT_READ|PROT_WRITE, a multiple of 4 MiB ($lens), never 64 KiB or 2 MiB"

ok=1; ev=""
for s in go-slice-1.19 go-slice-1.27 go-map-1.23 go-swiss-1.27; do
	r=$(num "$s" reserves_growing); c=$(num "$s" commits); n=$(num "$s" steps)
	[ "$c" -ge 1 ] && [ "$c" -lt "$n" ] || ok=0
	ev="$ev $s: $r reservations, $c commits, $n steps;"
done
row K6 "false" $ok "sysAlloc/sysReserve maps PROT_NONE address space (a new VMA); sysMap commits part of it with MAP_FIXED; most growth steps make no mmap at all:$ev"

ok=1; nodes=0
for s in $(awk '$1 == "FIG" && $3 == "nodes" { print $2 }' "$work/guest.txt"); do
	n=$(num "$s" nodes); [ "$n" -ge 1 ] || ok=0; nodes=$((n > nodes ? n : nodes))
done
grep -rqiE 'numa|per-node' "$(gosrc 1.27)/runtime/malloc.go" && ok=0
row K7 "not about Go" $ok "the node a page lands on is the kernel's policy (every fault's node=; this guest has $nodes node(s), numa_test checks node= on 2); runtime/malloc.go has no per-node arenas; latency is not in the events"

echo "$rows claims, $( [ $failed = 0 ] && echo "all supported" || echo "some NOT SUPPORTED")"
exit $failed
