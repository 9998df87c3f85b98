# Record the demo's Go programs (scripts/guest/demo-job.sh) once as event lines and once as a
# binary recording (`gogrowth record --binary`), for userspace/tests' fixtures and
# `make -C userspace bench-reader`. Run on the host with
#   scripts/vm-script.sh 6.1 scripts/guest/record-fixtures.sh > fixtures.log
# then scripts/fixtures-from-log.sh fixtures.log userspace/tests takes the files out of the log.
# A job that sets only=NAME before this script's text records that fixture alone (the others
# stay as they are: userspace/tests/golden holds reports of them), e.g. only=check-all:
#   { echo only=check-all; cat scripts/guest/record-fixtures.sh; } > /tmp/job.sh
#   scripts/vm-script.sh 6.1 /tmp/job.sh > fixtures.log
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

wanted() { # name: whether this run records it
	[ -z "${only:-}" ] || [ "$only" = "$1" ]
}

record() { # name command...: both formats, two runs of the program
	name=$1
	shift
	wanted "$name" || return 0
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

# Every growth sequence of `check --all`, as the module's event lines (check reads the text
# stream; --keep appends each sequence's events): the reader's cost on the tool's own checks.
if wanted check-all; then
	./gogrowth check --all --keep /tmp/check-all.events >/tmp/check-all.out 2>&1 ||
		{ cat /tmp/check-all.out; exit 1; }
	echo "GGFIX-INFO check-all: $(grep -c '^PASS' /tmp/check-all.out) checks passed" \
		"kernel=$(uname -r) text=$(wc -l </tmp/check-all.events) lines"
	send /tmp/check-all.events check-all.events.gz || exit 1
fi
rmmod gogrowth
