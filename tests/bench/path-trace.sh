#!/usr/bin/env bash
# tests/bench/path-trace.sh: bench/tools/path-trace agrees with the RDTSC count it explains.
#
# Under -icount one TSC tick is one instruction, so the null system call's
# cycles_per_op (bench_null, RDTSC over the loop) must equal the length
# path-trace finds for one turn of the same loop (from one entry into the
# kernel to the next), in a SYSCALL mode and through the gate; and the
# per-function lines must add up to the total (and, in the SYSCALL mode,
# --each must list as many instructions).  Prints PASS/FAIL/SKIP
# lines, one per mode, and exits non-zero on a FAIL.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
elf=$root/build/tasks/bench_null.elf
n=300
status=0

if ! command -v "${QEMU:-qemu-system-x86_64}" >/dev/null; then
	echo "SKIP bench/path-trace: ${QEMU:-qemu-system-x86_64} not installed (tools/install-deps installs it)"
	exit 0
fi
if ! command -v jq >/dev/null; then
	echo "SKIP bench/path-trace: jq not installed (tools/install-deps installs it)"
	exit 0
fi
for f in "$root/build/kernel.elf" "$elf"; do
	if [[ ! -f $f ]]; then
		echo "FAIL bench/path-trace: $f not found (make all builds it)"
		exit 1
	fi
done

# indent: standard input, indented under a FAIL line.
indent() { sed 's/^/    /'; }

# each_ok ENTRY SPEC N: --each lists the same window one instruction a
# line: N lines, the first at ENTRY's address.
each_ok() {
	local entry=$1 spec=$2 n=$3 out lines first addr
	out=$("$root/bench/tools/path-trace" --each --nth 5 "$entry" "$entry" "$spec" 2>&1)
	lines=$(grep -c '^[0-9a-f]\{8\}  ' <<<"$out")
	first=$(grep -m1 '^[0-9a-f]\{8\}  ' <<<"$out" | cut -c1-8)
	addr=$(nm "$root/build/kernel.elf" | awk -v s="$entry" '$3 == s { print substr($1, 9) }')
	if [[ $lines != "$n" || $first != "$addr" ]]; then
		echo "FAIL $name: --each gave $lines lines from $first, want $n from $addr ($entry)"
		indent <<<"$out" | head -5
		return 1
	fi
}

for pair in shared:syscall_entry kernel:ktask_gate; do
	mode=${pair%%:*} entry=${pair#*:}
	name=bench/path-trace-$mode
	spec=$elf:$mode:$mode:getpid:$n
	want=$("$root/tools/qemu-run" --icount --memory 64 "$spec" |
		sed -n 's/^RESULT //p' | jq -r '.cycles_per_op // empty' 2>/dev/null | awk '{ printf "%.0f", $1 }')
	out=$("$root/bench/tools/path-trace" --nth 5 "$entry" "$entry" "$spec" 2>&1)
	got=$(sed -n 's/^path-trace: .*: \([0-9]*\) instructions$/\1/p' <<<"$out")
	sum=$(awk 'NR > 1 { s += $1 } END { print s + 0 }' <<<"$out")
	if [[ -z $want || -z $got ]]; then
		echo "FAIL $name: no count (RDTSC '$want', path-trace '$got')"
		indent <<<"$out" | tail -5
		status=1
	elif [[ $got != "$want" || $sum != "$got" ]]; then
		echo "FAIL $name: path-trace $got instructions (lines add up to $sum), RDTSC $want per call"
		indent <<<"$out"
		status=1
	elif ! grep -q " kernel  $entry$" <<<"$out"; then
		echo "FAIL $name: $entry missing from the path"
		indent <<<"$out"
		status=1
	elif [[ $mode == shared ]] && ! each_ok "$entry" "$spec" "$got"; then
		status=1
	else
		echo "PASS $name ($got instructions a null call, both ways)"
	fi
done
exit $status
