#!/usr/bin/env bash
# Reproduce the known problem of Documentation/guarantees.md ("Known problems"):
# entries the kernel's ring buffer never hands to a consumer, and whether every
# one of them reaches the recording as a lost record. Boots the guest
# of KVER (default 6.1) and runs scripts/guest/undelivered-job.sh there.
#
# Usage: scripts/undelivered.sh [KVER] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
kver=${1:-6.1}
rounds=${2:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/extra"
gcc -static -O2 -o "$work/extra/ggwork" "$here/../bench/ggwork.c" -lpthread
{ echo "ROUNDS=$rounds"; cat "$here/guest/undelivered-job.sh"; } >"$work/job.sh"
GG_TIMEOUT=${GG_TIMEOUT:-900} "$here/vm-script.sh" "$kver" "$work/job.sh" "$work/extra" |
	grep -a '^UNDELIVERED'
