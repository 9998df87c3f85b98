#!/usr/bin/env bash
# Boot the guest kernel with an initramfs, run one job, and judge the run.
#
# Usage: vm-run.sh --kernel VMLINUZ --initrd CPIO --job JOB --logdir DIR
#                  [--timeout SECONDS] [--accel tcg|kvm|auto] [--append ARGS]
#                  [--numa 1|2]
#
# --numa 2 (or GG_NUMA=2) boots two NUMA nodes with one CPU and half the
# memory each, and NUMA balancing off; the default is 2 for the selftests
# job and 1 for the others (demo, bench, findings: a plain machine).
#
# GG_QEMU_PLUGIN=/abs/path/plugin.so loads a TCG plugin (make bench's
# instruction counter, bench/qemu-icount.c) with -d plugin; its output goes to
# GG_QEMU_PLUGIN_LOG, by default DIR/plugin.log. Unset: QEMU runs as always.
#
# Streams the job's output (the guest's second serial port) to stdout and
# keeps console.log (console and kernel messages), results.log and dmesg.log
# in DIR. Exits non-zero when the job failed, the guest did not finish (crash,
# panic, time-out), or its kernel log shows an oops, WARNING:, BUG:, a
# lockdep report or an RCU stall.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

case "${1:-}" in -h | --help) sed -n "2,20p" "$0"; echo "# To run your own script in the guest: scripts/vm-script.sh --help"; exit 0 ;; esac

kernel= initrd= job= logdir= timeout_s=900 accel=${ACCEL:-tcg} append= numa=${GG_NUMA:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel)  kernel=$2; shift 2 ;;
	--initrd)  initrd=$2; shift 2 ;;
	--job)     job=$2; shift 2 ;;
	--logdir)  logdir=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--accel)   accel=$2; shift 2 ;;
	--append)  append=$2; shift 2 ;;
	--numa)    numa=$2; shift 2 ;;
	*) die "vm-run.sh: unknown argument '$1'" ;;
	esac
done
[ -r "$kernel" ] && [ -r "$initrd" ] && [ -n "$job" ] && [ -n "$logdir" ] ||
	die "usage: vm-run.sh --kernel VMLINUZ --initrd CPIO --job JOB --logdir DIR [--timeout S] [--accel tcg|kvm|auto] [--numa 1|2]"
mkdir -p "$logdir"

# The guest: 2 CPUs, 2 GiB, in one NUMA node or two (one CPU and 1 GiB each).
cpus=2 mem_mb=2048
[ -n "$numa" ] || { [ "$job" = selftests ] && numa=2 || numa=1; }
case "$numa" in 1 | 2) ;; *) die "--numa/GG_NUMA must be 1 or 2 (nodes of one CPU each; the guest has $cpus CPUs), not '$numa'" ;; esac
smp=$cpus numa_args=()
if [ "$numa" -gt 1 ]; then
	# A socket per node: with both CPUs in one package (QEMU's default), they
	# share a last-level cache across nodes, which the kernel reports with
	# a WARNING at boot (topology_sane: "llc-sibling ... not on the same node").
	smp=$cpus,sockets=$numa,cores=$((cpus / numa)),threads=1
	for ((n = 0; n < numa; n++)); do
		numa_args+=(-object "memory-backend-ram,id=m$n,size=$((mem_mb / numa))M"
			-numa "node,nodeid=$n,cpus=$n,memdev=m$n")
	done
	# Automatic NUMA balancing unmaps pages of running tasks to take hinting
	# faults on them, and migrates them: extra faults in traced processes.
	append="numa_balancing=disable${append:+ $append}"
fi

qemu_args() { # accel job logdir -> qemu=(...)
	local accel=$1
	# Multi-threaded TCG (a host thread per vCPU) lets one vCPU run code
	# another has just patched: the kernel's int3-based text patching
	# (kprobes, ftrace, static keys) then oopses on a stale int3, seen on
	# 6.12 at boot and at kprobe removal. One TCG thread for both vCPUs
	# keeps code modification coherent; the guest still has 2 CPUs.
	[ "$accel" = tcg ] && accel=tcg,thread=${GG_TCG_THREAD:-single}
	qemu=(qemu-system-x86_64 -accel "$accel" -cpu max -smp "$smp" -m "$mem_mb"
		"${numa_args[@]}" -nodefaults -display none -no-reboot
		-kernel "$kernel" -initrd "$initrd"
		-append "console=ttyS0 panic=-1 loglevel=7 gg_job=$2 $append"
		-serial "file:$3/console.log" -serial "file:$3/results.log"
		-serial "file:$3/dmesg.log")
	if [ -n "${GG_QEMU_PLUGIN:-}" ]; then
		qemu+=(-plugin "$GG_QEMU_PLUGIN" -d plugin -D "${GG_QEMU_PLUGIN_LOG:-$3/plugin.log}")
	fi
}

# KVM only when asked, or when a short boot proves it works: a nested KVM
# that hangs must cost seconds, not the run.
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ]; then
		probe=$logdir/kvm-probe
		mkdir -p "$probe"
		qemu_args kvm probe "$probe"
		if timeout -k 5 30 "${qemu[@]}" </dev/null >/dev/null 2>&1 &&
			grep -q 'GOGROWTH-END rc=0' "$probe/results.log"; then
			accel=kvm
		fi
	fi
	log "accelerator: $accel"
fi
case "$accel" in tcg | kvm) ;; *) die "ACCEL must be tcg, kvm or auto, not '$accel'" ;; esac

start=$(date +%s)
boot() {
	: >"$logdir/console.log"
	: >"$logdir/results.log"
	: >"$logdir/dmesg.log"
	qemu_args "$accel" "$job" "$logdir"
	timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null >"$logdir/qemu.log" 2>&1 &
	qemu_pid=$!
	# Stream the job's output while the guest runs, without our markers.
	tail -n +1 -f --pid="$qemu_pid" "$logdir/results.log" | grep -av '^GOGROWTH-' || true
	qemu_rc=0
	wait "$qemu_pid" || qemu_rc=$?
}
boot
# A guest kernel that dies while booting, before init starts the job, has not
# run any of our code (under TCG, 6.12 has been seen to oops on an int3 of its
# own text patching). Keep its logs and boot once more; a second such death
# fails the run like any other.
if ! grep -q GOGROWTH-BEGIN "$logdir/results.log" && [ "$qemu_rc" != 124 ] && [ "$qemu_rc" != 137 ]; then
	mkdir -p "$logdir/first-boot"
	cp "$logdir"/*.log "$logdir/first-boot/"
	log "guest died while booting, before the job started (logs in $logdir/first-boot): booting again"
	boot
fi
elapsed=$(( $(date +%s) - start ))

verdict=0
problem() { log "$*"; verdict=1; }

if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	problem "guest timed out after ${timeout_s}s"
elif [ "$qemu_rc" != 0 ]; then
	problem "qemu exited with status $qemu_rc: $(tail -n 3 "$logdir/qemu.log" | tr '\n' ' ')"
fi
job_rc=$(sed -n 's/^GOGROWTH-END rc=\([0-9]*\).*/\1/p' "$logdir/results.log" | tail -n1)
if [ -z "$job_rc" ]; then
	problem "guest did not finish its job (crash, panic or time-out)"
elif [ "$job_rc" != 0 ]; then
	problem "guest job '$job' exited with status $job_rc"
fi
grep -q GOGROWTH-DMESG-END "$logdir/dmesg.log" || [ -z "$job_rc" ] ||
	problem "guest kernel log was not captured completely"

# The console has what the kernel said up to a crash; dmesg.log has all of it
# for a run that finished. Either may hold the report.
kernel_reports=$(cat "$logdir/console.log" "$logdir/dmesg.log" |
	grep -aE 'WARNING:|BUG:|Oops|Kernel panic|general protection fault|possible circular locking|possible recursive locking|inconsistent lock state|INFO: rcu_.* stall|rcu: INFO:|KASAN:|UBSAN:|blocked for more than|soft lockup|hard LOCKUP|refcount_t:|list_add corruption|list_del corruption' |
	sort -u | head -n 20 || true)
if [ -n "$kernel_reports" ]; then
	problem "guest kernel log reports problems:"
	printf '    %s\n' "$kernel_reports" >&2
fi

printf 'GUEST-RESULT accel=%s numa=%s seconds=%s kernel_log_clean=%s finished=%s job_rc=%s\n' \
	"$accel" "$numa" "$elapsed" "$([ -z "$kernel_reports" ] && echo 1 || echo 0)" \
	"$([ -n "$job_rc" ] && echo 1 || echo 0)" "${job_rc:-none}" >"$logdir/verdict"
if [ "$verdict" != 0 ]; then
	log "guest logs kept in $logdir (console.log, results.log, dmesg.log)"
fi
exit "$verdict"
