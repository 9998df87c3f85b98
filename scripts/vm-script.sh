#!/usr/bin/env bash
# Run a shell script of yours in the guest, with the module and the tool.
#
# Usage: vm-script.sh KVER SCRIPT [EXTRA_DIR]
#   KVER: 6.1, 6.12, 7.3 or 7. SCRIPT runs under busybox sh as /opt/gogrowth/job.sh,
#   from /opt/gogrowth, where gogrowth.ko (built for that guest kernel),
#   the gogrowth tool and EXTRA_DIR's files are. Static binaries only: the
#   guest has no C library. Its output is printed here; the exit status is
#   non-zero when the script failed or the guest's kernel log is unclean.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kver=${1:?usage: vm-script.sh KVER SCRIPT [EXTRA_DIR]}
script=${2:?usage: vm-script.sh KVER SCRIPT [EXTRA_DIR]}
[ -r "$script" ] || die "cannot read $script"
wrapped=$(mktemp)
{ echo 'cd /opt/gogrowth || exit 1'; cat "$script"; } >"$wrapped"
trap 'rm -f "$wrapped"' EXIT

prepared=$("$here/prepare.sh" "$kver" "$wrapped" "${3:-}")
read -r abi initrd <<<"$prepared"
trap 'rm -f "$wrapped" "$initrd"' EXIT
logdir=$(cache_dir)/logs/$abi-script-$(date +%Y%m%d-%H%M%S)-$$
"$here/vm-run.sh" --kernel "$(cache_dir)/kernels/$abi/vmlinuz" \
	--initrd "$initrd" \
	--job script --logdir "$logdir" --timeout "${GG_TIMEOUT:-900}"
