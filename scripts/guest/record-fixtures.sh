# Record the demo's Go programs (scripts/guest/demo-job.sh) once as event lines and once as a
# binary recording (`gogrowth record --binary`), for userspace/tests' fixtures and
# `make -C userspace bench-reader`. Run on the host with
#   scripts/vm-script.sh 6.1 scripts/guest/record-fixtures.sh > fixtures.log
# then scripts/fixtures-from-log.sh fixtures.log userspace/tests takes the files out of the log.
# Each file is printed gzip'd in base64 between "GGFIX-FILE NAME" and "GGFIX-END NAME".
# shellcheck disable=SC3040 # busybox sh has pipefail
set -o pipefail
insmod ./gogrowth.ko || exit 1
newest() { # program prefix -> its newest Go release here (1.NN), or nothing
	# shellcheck disable=SC2012 # names of our own programs
	ls "$1"-1.* 2>/dev/null | sed "s/^$1-//" | sort -t. -k2 -n | tail -n 1
}
gover=$(newest go-slice)
hmapver=$(newest go-map)

send() { # file name
	echo "GGFIX-FILE $2"
	gzip -9 -c "$1" | base64 || return 1
	echo "GGFIX-END $2"
}

record() { # name command...: both formats, two runs of the program
	name=$1
	shift
	./gogrowth record -o "/tmp/$name.events" -- "$@" >/dev/null || return 1
	./gogrowth record --binary -o "/tmp/$name.ggr" -- "$@" >/dev/null || return 1
	echo "GGFIX-INFO $name: $* kernel=$(uname -r) text=$(wc -l <"/tmp/$name.events") lines"
	send "/tmp/$name.events" "$name.events.gz" || return 1
	send "/tmp/$name.ggr" "$name.ggr.gz" || return 1
}

# the demo's programs and sizes
record "go-slice-$gover" "./go-slice-$gover" -n 2097152 || exit 1
record "go-swiss-$gover" "./go-swiss-$gover" -n 1048576 || exit 1
record "go-map-$hmapver" "./go-map-$hmapver" -n 1048576 || exit 1
rmmod gogrowth
