# Guest job of scripts/undelivered.sh (busybox sh, run from /opt/gogrowth):
# `gogrowth record --binary` of two threads faulting 256 MiB unthrottled,
# ROUNDS times; each round prints what the module recorded, what the
# recording holds, the seq ranges missing from it, and the ring's entries
# left over. See Documentation/guarantees.md, "Known problems".
D=/sys/kernel/debug/gogrowth
T=/opt/gogrowth/gogrowth
ROUNDS=${ROUNDS:-8}
insmod ./gogrowth.ko || exit 1
bad=0
i=1
while [ $i -le "$ROUNDS" ]; do
	$T record --binary -o /tmp/out.ggr -- ./ggwork fault 256 0 2 >/dev/null 2>/tmp/rec.err
	rc=$?
	recorded=$(sed -n 's/^total generated [0-9]* recorded \([0-9]*\) lost [0-9]*.*$/\1/p' $D/stats)
	$T print /tmp/out.ggr >/tmp/out.txt
	got=$(grep -vc ' ev=lost ' /tmp/out.txt)
	gaps=$(sed 's/^seq=\([0-9]*\) .*/\1/' /tmp/out.txt | sort -n |
		awk 'NR > 1 && $1 != prev + 1 { printf "%d-%d ", prev + 1, $1 - 1 } { prev = $1 }')
	left=$(sed -n 's/^cpu\([0-9]*\) .* entries \([0-9]*\) .*/cpu\1:\2/p' $D/stats | tr '\n' ' ')
	warned=no
	grep -q 'were not delivered' /tmp/rec.err && warned=yes
	echo "UNDELIVERED round $i: record rc $rc, recorded $recorded, in the recording $got, missing seqs: ${gaps:-none}; left in the ring: $left; tool warned: $warned"
	[ "$got" != "$recorded" ] && bad=$((bad + 1))
	i=$((i + 1))
done
echo "UNDELIVERED $bad of $ROUNDS rounds lost events without a lost record"
rmmod gogrowth
