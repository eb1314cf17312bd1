#!/usr/bin/env bash
# tests/bench/roi.sh: the runtime's measurement API (guest/user/lib/roi.h) in each mode: RESULT lines that are JSON, tagged as the kernel started the task, with exact counts.
#
# Boots the taskinfo task (guest/user/tasks/taskinfo.c) alone, once per
# mode, measuring N sys_getpid() and N sys_yield() calls.  Its two RESULT
# lines must be JSON objects whose tags (mode, task, name, group) are what
# the kernel's "task I (NAME) started: MODE mode, group G key K" line says,
# with N iterations, and counters that are counts, not timings: alone in
# its machine each call is exactly one system call (the API's own
# SYS_STATS subtracted) and no task switch or CR3 write.  ns_per_op must be
# cycles_per_op at the kernel's "time: TSC F kHz" (arithmetic, not a
# timing: both come from the same TSC total).  Prints one PASS/FAIL/SKIP
# line per mode (bench/roi-MODE) and exits non-zero on a FAIL.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
elf=$root/build/tasks/taskinfo.elf
n=300
status=0

for tool in jq "${QEMU:-qemu-system-x86_64}"; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP bench/roi: $tool not installed (tools/install-deps installs it)"
		exit 0
	fi
done
for f in "$root/build/kernel.elf" "$elf"; do
	if [[ ! -f $f ]]; then
		echo "FAIL bench/roi: $f not found (make all builds it)"
		exit 1
	fi
done

indent() { sed 's/^/    /'; }

# check MODE OUT: what is wrong with the output OUT of one machine, one
# line each; nothing when all is right.
check() {
	local mode=$1 out=$2 start khz
	start=$(sed -n 's/^task \([0-9]*\) (\([^)]*\)) started: \([a-z]*\) mode, group \([0-9]*\) key.*/\1 \2 \3 \4/p' <<<"$out")
	khz=$(sed -n 's/^time: TSC \([0-9]*\) kHz.*/\1/p' <<<"$out")
	if [[ -z $start || -z $khz ]]; then
		echo "no \"task ... started\" or \"time: TSC\" line"
		return
	fi
	sed -n 's/^RESULT //p' <<<"$out" | jq -R -r --arg start "$start" --argjson khz "$khz" \
		--arg mode "$mode" --argjson n "$n" '
		($start | split(" ")) as [$id, $name, $smode, $group]
		| (try fromjson catch null) as $r
		| if ($r | type) != "object" then "not a JSON object: \(.)"
		  else $r | [
			(select(.mode != $mode or .mode != $smode) | "mode \(.mode), started as \($smode), want \($mode)"),
			(select(.task != ($id | tonumber)) | "task \(.task), started as \($id)"),
			(select(.name != $name) | "name \(.name), started as \($name)"),
			(select(.group != ($group | tonumber)) | "group \(.group), started in \($group)"),
			(select(.iterations != $n or .warmup != 0) | "iterations \(.iterations) warmup \(.warmup), want \($n) and 0"),
			(select(.counters.syscalls != 1) | "\(.benchmark): \(.counters.syscalls) system calls per call, want 1"),
			(select(.counters.task_switches != 0 or .counters.cr3_writes != 0)
				| "\(.benchmark): \(.counters.task_switches) switches, \(.counters.cr3_writes) CR3 writes per call alone, want 0"),
			(select((.cycles_per_op | type) != "number" or .cycles_per_op <= 0) | "\(.benchmark): cycles_per_op \(.cycles_per_op)"),
			(select(.cycles_per_op > 0 and ((.ns_per_op - .cycles_per_op * 1000000 / $khz) | fabs) > 0.01)
				| "\(.benchmark): ns_per_op \(.ns_per_op), want cycles_per_op \(.cycles_per_op) at \($khz) kHz")
		  ] | .[] end'
	local got
	got=$(sed -n 's/^RESULT {"benchmark":"\([a-z_]*\)".*/\1/p' <<<"$out" | tr '\n' ' ')
	[[ $got == "roi_getpid roi_yield " ]] || echo "RESULT lines for: '$got', want roi_getpid and roi_yield"
}

for mode in process shared kernel; do
	name=bench/roi-$mode
	out=$("$root/tools/qemu-run" --memory 64 "$elf:$mode:$n" 2>&1)
	rc=$?
	bad=$(check "$mode" "$out")
	if ((rc != 0)) || [[ -n $bad ]]; then
		echo "FAIL $name: ${bad:-the machine ended with status $rc}"
		indent <<<"$out" | tail -12
		status=1
	else
		echo "PASS $name (tags as started, 1 system call per call)"
	fi
done
exit $status
