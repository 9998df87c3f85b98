#!/usr/bin/env bash
# `gogrowth report` on real recordings (the demo's programs, recorded by the module):
#  - its output, table, --wide and --csv, byte for byte as tests/golden/ holds it (made by the
#    report before its output was assembled by hand, so the speed-ups change nothing);
#  - a binary recording reports exactly as its event lines (`gogrowth print` of it) do.
# Usage: report_test.sh GOGROWTH TESTS_DIR. Prints "ok ..." or "FAIL ..." per check; exit 1 on
# any failure.
set -uo pipefail
gogrowth=${1:?usage: report_test.sh GOGROWTH TESTS_DIR}
tests=${2:?usage: report_test.sh GOGROWTH TESTS_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

option_of() { # table|wide|csv -> report's option
	[ "$1" = table ] || echo "--$1"
}

for golden in "$tests"/golden/*.gz; do
	base=$(basename "$golden" .gz)   # go-swiss-1.27.ggr.csv
	format=${base##*.}
	fixture=${base%.*}
	gzip -dc "$tests/$fixture.gz" >"$work/$fixture"
	gzip -dc "$golden" >"$work/expected"
	# shellcheck disable=SC2046 # the option is one word or none
	if "$gogrowth" report $(option_of "$format") "$work/$fixture" >"$work/actual" &&
		cmp -s "$work/expected" "$work/actual"; then
		echo "ok report $format of $fixture as tests/golden/$base.gz"
	else
		echo "FAIL report $format of $fixture differs from tests/golden/$base.gz:"
		diff "$work/expected" "$work/actual" | head -n 10
		failures=$((failures + 1))
	fi
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
		if cmp -s "$work/binary" "$work/text"; then
			echo "ok report $format of $name equals that of its lines ($(wc -l <"$work/$name.events") events)"
		else
			echo "FAIL report $format of $name differs from that of its lines (gogrowth print):"
			diff "$work/text" "$work/binary" | head -n 10
			failures=$((failures + 1))
		fi
	done
done

[ "$failures" -eq 0 ] || { echo "report_test: $failures failed"; exit 1; }
