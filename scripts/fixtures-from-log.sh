#!/usr/bin/env bash
# Take the files scripts/guest/record-fixtures.sh printed out of its log.
# Usage: fixtures-from-log.sh LOG DIR: each "GGFIX-FILE NAME" .. "GGFIX-END NAME" block (base64
# of the gzip'd file) becomes DIR/NAME, still gzip'd.
set -euo pipefail
log=${1:?usage: fixtures-from-log.sh LOG DIR}
dir=${2:?usage: fixtures-from-log.sh LOG DIR}
names=$(sed -n 's/^GGFIX-FILE \([A-Za-z0-9._-]*\)\r\?$/\1/p' "$log")
[ -n "$names" ] || { echo "fixtures-from-log.sh: no GGFIX-FILE in $log" >&2; exit 1; }
for name in $names; do
	sed -n "/^GGFIX-FILE $name\r\?\$/,/^GGFIX-END $name\r\?\$/p" "$log" | sed '1d;$d' | tr -d '\r' |
		base64 -d >"$dir/$name"
	gzip -t "$dir/$name"
	echo "$dir/$name"
done
