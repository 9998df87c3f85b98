#!/usr/bin/env bash
# `make findings`: the figures of Documentation/findings.md, measured anew
# in the guest (KVER 6.1 by default).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/vm-script.sh" "${1:-6.1}" "$here/guest/findings-job.sh"
