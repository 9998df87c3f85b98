# Shared helpers for the gogrowth scripts; sourced, not run.

log() { printf 'gogrowth: %s\n' "$*" >&2; }
die() { printf 'gogrowth: error: %s\n' "$*" >&2; exit 1; }

# Everything downloaded or built for the VM lives here, outside the source
# tree, so a second run reuses it and `make distclean` can remove it.
cache_dir() { printf '%s\n' "${GOGROWTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gogrowth}"; }
