#!/usr/bin/env bash
# `make demo`: boot the guest, record a real Go program growing a slice and
# one growing a map, and print raw events and the report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/vm-script.sh" "${1:-6.1}" "$here/guest/demo-job.sh"
