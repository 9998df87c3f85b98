# SPDX-License-Identifier: GPL-2.0
# The TAP output of the shell tests, sourced after they set $here:
# prints the version line; ok/nok number each result, nok marks the run failed.
# busybox sh compatible.

ksft_skip=4
n=0
status=0

echo "TAP version 13"
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); echo "not ok $n $*"; status=1; }
