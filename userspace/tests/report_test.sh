#!/usr/bin/env bash
# `gogrowth report` on real recordings (the demo's programs, recorded by the module):
#  - its output, table, --wide and --csv, byte for byte as tests/golden/ holds it (made by the
#    report before its output was assembled by hand, so the speed-ups change nothing);
#  - a binary recording reports exactly as its event lines (`gogrowth print` of it) do;
#  - the module's event lines made into a recording by EVENTS_TO_RECORDING (the bench's
#    `check --all` recording) print back byte for byte, and report as the lines do; a line no
#    record could give is refused with its reason;
#  - a binary recording truncated while the report has it mapped gives a message and exit 1,
#    never a death by SIGBUS.
# Usage: report_test.sh GOGROWTH TESTS_DIR REPEAT_EVENTS EVENTS_TO_RECORDING. Prints "ok ..." or
# "FAIL ..." per check; exit 1 on any failure.
set -uo pipefail
usage="usage: report_test.sh GOGROWTH TESTS_DIR REPEAT_EVENTS EVENTS_TO_RECORDING"
gogrowth=${1:?$usage}
tests=${2:?$usage}
repeat_events=${3:?$usage}
events_to_recording=${4:?$usage}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

option_of() { # table|wide|csv -> report's option
	[ "$1" = table ] || echo "--$1"
}

# Whether two files are the same: "ok WHAT", or "FAIL WHAT_NOT:" and the start of their diff.
judge_same() { # expected actual what what_not
	if cmp -s "$1" "$2"; then
		echo "ok $3"
	else
		echo "FAIL $4:"
		diff "$1" "$2" | head -n 10
		failures=$((failures + 1))
	fi
}

for golden in "$tests"/golden/*.gz; do
	base=$(basename "$golden" .gz)   # go-swiss-1.27.ggr.csv
	format=${base##*.}
	fixture=${base%.*}
	gzip -dc "$tests/$fixture.gz" >"$work/$fixture"
	gzip -dc "$golden" >"$work/expected"
	# shellcheck disable=SC2046 # the option is one word or none
	"$gogrowth" report $(option_of "$format") "$work/$fixture" >"$work/actual" ||
		echo "(report exited $?)" >>"$work/actual"
	judge_same "$work/expected" "$work/actual" "report $format of $fixture as tests/golden/$base.gz" \
		"report $format of $fixture differs from tests/golden/$base.gz"
done

for recording in "$tests"/*.ggr.gz; do
	name=$(basename "$recording" .gz)
	gzip -dc "$recording" >"$work/$name"
	if ! "$gogrowth" print "$work/$name" >"$work/$name.events"; then
		echo "FAIL gogrowth print $name"
		failures=$((failures + 1))
		continue
	fi
	for format in table wide csv; do
		# shellcheck disable=SC2046
		"$gogrowth" report $(option_of "$format") "$work/$name" >"$work/binary" 2>&1
		# shellcheck disable=SC2046
		"$gogrowth" report $(option_of "$format") "$work/$name.events" >"$work/text" 2>&1
		judge_same "$work/text" "$work/binary" \
			"report $format of $name equals that of its lines ($(wc -l <"$work/$name.events") events)" \
			"report $format of $name differs from that of its lines (gogrowth print)"
	done
done

# Truncated under the mapping: each run cuts the file to its header after a delay, so that
# some cuts land while the report reads or prints from the mapped pages. Every run must end with
# a message and a status (0, or 1 with a message), none by a signal; and at least one cut must
# have landed while the file was mapped, or the check proved nothing.
gzip -dc "$tests/go-swiss-1.27.ggr.gz" >"$work/swiss.ggr"
if ! "$repeat_events" 400000 <"$work/swiss.ggr" >"$work/big.ggr"; then
	echo "FAIL $repeat_events could not make the recording to truncate"
	exit 1
fi
signalled=0 caught=0 runs=0
for delay in 0.002 0.005 0.01 0.02 0.03 0.05 0.08 0.12; do
	cp "$work/big.ggr" "$work/cut.ggr"
	"$gogrowth" report "$work/cut.ggr" >/dev/null 2>"$work/cut.err" &
	pid=$!
	sleep "$delay"
	truncate -s 4096 "$work/cut.ggr"
	wait "$pid"
	status=$?
	runs=$((runs + 1))
	if [ "$status" -gt 128 ]; then
		signalled=$((signalled + 1))
		echo "  killed by signal $((status - 128)) after a cut at ${delay} s"
	fi
	grep -q "the file shrank while it was read" "$work/cut.err" && caught=$((caught + 1))
done
if [ "$signalled" -eq 0 ] && [ "$caught" -ge 1 ]; then
	echo "ok a recording truncated under report: $caught of $runs cuts caught with a message, none killed"
else
	echo "FAIL a recording truncated under report: $signalled of $runs runs killed by a signal, $caught cuts caught"
	failures=$((failures + 1))
fi

# the module's lines (markers-escapes is made by hand, with texts no record holds)
for lines in "$tests"/go-*.events.gz "$tests"/check-all.events.gz; do
	name=$(basename "$lines" .events.gz)
	gzip -dc "$lines" >"$work/$name.lines"
	if ! "$events_to_recording" <"$work/$name.lines" >"$work/$name.converted" ||
		! "$gogrowth" print "$work/$name.converted" >"$work/$name.printed"; then
		echo "FAIL events_to_recording or gogrowth print of $name.events"
		failures=$((failures + 1))
		continue
	fi
	judge_same "$work/$name.lines" "$work/$name.printed" \
		"$name.events made a recording prints back byte for byte ($(wc -l <"$work/$name.lines") lines)" \
		"$name.events made a recording prints back otherwise"
	"$gogrowth" report "$work/$name.converted" >"$work/binary" 2>&1
	"$gogrowth" report "$work/$name.lines" >"$work/text" 2>&1
	judge_same "$work/text" "$work/binary" \
		"report of $name.events made a recording equals that of the lines" \
		"report of $name.events made a recording differs from that of the lines"
done

gzip -dc "$tests/markers-escapes.events.gz" >"$work/escapes"
if "$events_to_recording" <"$work/escapes" >/dev/null 2>"$work/why"; then
	echo "FAIL events_to_recording took a marker longer than a record holds"
	failures=$((failures + 1))
elif grep -q "line [0-9]*: a string is longer than a record holds" "$work/why"; then
	echo "ok events_to_recording refuses a marker longer than a record holds: $(cat "$work/why")"
else
	echo "FAIL events_to_recording refused markers-escapes without saying why: $(cat "$work/why")"
	failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || { echo "report_test: $failures failed"; exit 1; }
