# Guest job of scripts/undelivered.sh (busybox sh, run from /opt/gogrowth):
# `gogrowth record --binary` of two threads faulting 256 MiB unthrottled,
# ROUNDS times; each round prints what stats says (recorded, lost, and of
# the lost those the kernel's ring buffer never handed out: undelivered),
# the seq ranges missing from the recording and how many of them its lost
# records cover. See Documentation/guarantees.md, "Known problems".
D=/sys/kernel/debug/gogrowth
T=/opt/gogrowth/gogrowth
ROUNDS=${ROUNDS:-8}
insmod ./gogrowth.ko || exit 1
bad=0
seen=0
i=1
total() { sed -n "s/^total .* $1 \([0-9]*\).*/\1/p" $D/stats; }
while [ $i -le "$ROUNDS" ]; do
	echo 1 >$D/clear
	$T record --binary -o /tmp/out.ggr -- ./ggwork fault 256 0 2 >/dev/null 2>/tmp/rec.err
	rc=$?
	$T print /tmp/out.ggr >/tmp/out.txt
	gaps=$(sed 's/^seq=\([0-9]*\) .*/\1/' /tmp/out.txt | sort -n |
		awk 'NR > 1 && $1 != prev + 1 { printf "%d-%d ", prev + 1, $1 - 1 } { prev = $1 }')
	missing=$(sed 's/^seq=\([0-9]*\) .*/\1/' /tmp/out.txt | sort -n |
		awk 'NR > 1 { m += $1 - prev - 1 } { prev = $1 } END { print m + 0 }')
	in_lost=$(sed -n 's/.* ev=lost count=\([0-9]*\).*/\1/p' /tmp/out.txt | awk '{ s += $1 } END { print s + 0 }')
	und=$(total undelivered)
	echo "UNDELIVERED round $i: record rc $rc, recorded $(total recorded), lost $(total lost) (undelivered ${und:-?}), seqs missing: ${gaps:-none}($missing), in lost records: $in_lost"
	[ "$missing" != "$in_lost" ] && bad=$((bad + 1))
	[ "${und:-0}" != 0 ] && seen=$((seen + 1))
	i=$((i + 1))
done
echo "UNDELIVERED $seen of $ROUNDS rounds had entries the ring never delivered; $bad had seqs missing that no lost record covers"
rmmod gogrowth
