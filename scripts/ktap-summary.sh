#!/usr/bin/env bash
# Count the kselftest results of one guest run and judge it.
#
# Usage: ktap-summary.sh RESULTS.LOG VERDICT
# Counts every harness test case (the nested "# ok N" lines); a test program
# that failed without a failing case of its own (crash, time-out, exit) counts
# as one failure. The guest's own health (finished, kernel log clean) counts
# as two more checks. Ends with "N passed, N failed[, N skipped]"; exits 1 on
# any failure.
set -euo pipefail

results=${1:?usage: ktap-summary.sh RESULTS.LOG VERDICT}
verdict=${2:?usage: ktap-summary.sh RESULTS.LOG VERDICT}

tr -d '\r' <"$results" | awk -v verdict_file="$verdict" '
function close_program(line,   failed_top) {
	failed_top = (line ~ /^not ok /)
	if (cases == 0) {
		if (line ~ /# SKIP/) skip++
		else if (failed_top) { fail++; failures = failures "\n  " line }
		else pass++
	} else if (failed_top && case_fails == 0) {
		fail++; failures = failures "\n  " line
	}
	cases = 0; case_fails = 0
}
/^# (not )?ok [0-9]+ / {
	cases++
	if ($0 ~ /# SKIP/) skip++
	else if ($0 ~ /^# not ok/) { fail++; case_fails++; failures = failures "\n  " substr($0, 3) }
	else pass++
	next
}
/^(not )?ok [0-9]+ selftests: / { close_program($0); programs++; next }
END {
	while ((getline v < verdict_file) > 0) {
		n = split(v, kv, " ")
		for (i = 2; i <= n; i++) { split(kv[i], p, "="); g[p[1]] = p[2] }
	}
	if (programs == 0) { fail++; failures = failures "\n  no kselftest program reported a result" }
	if (g["finished"] == 1) { pass++; print "ok guest finished its job in " g["seconds"] " s (" g["accel"] ")" }
	else { fail++; print "not ok guest finished its job"; failures = failures "\n  guest did not finish (crash, panic or time-out)" }
	if (g["kernel_log_clean"] == 1) { pass++; print "ok guest kernel log has no oops, WARNING, BUG, lockdep or RCU report" }
	else { fail++; print "not ok guest kernel log has no oops, WARNING, BUG, lockdep or RCU report"; failures = failures "\n  guest kernel log reports problems" }
	if (fail > 0) print "failures:" failures
	line = (pass + 0) " passed, " (fail + 0) " failed"
	if (skip > 0) line = line ", " skip " skipped"
	print line
	exit fail > 0 ? 1 : 0
}
'
