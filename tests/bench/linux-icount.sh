#!/usr/bin/env bash
# tests/bench/linux-icount.sh: inside Debian's Linux under make bench-icount's QEMU settings, the TSC counts exactly one tick per instruction.
#
# Boots the kernel bench/steps/linux-icount boots (the one tools/kvm-rig
# caches), with default mitigations and with mitigations=off, running only
# build/bench/linux/tsc_loop: DEC/JNZ loops of 2N and 4N instructions,
# each timed 16 times, the fewest ticks kept (bench/linux/tsc_loop.c).  The
# difference of the two must be exactly 2N ticks, for two values of N: an
# instruction count under -icount is a path length, deterministic, so this
# is no timing assertion.  It fails if the TSC ran at any other rate (a
# different -icount shift, or none: then the ticks are host cycles).
# Prints PASS/FAIL/SKIP lines (bench/linux-icount-tsc) and exits non-zero
# on a FAIL.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=bench/linux-icount-tsc
tsc_loop=$root/build/bench/linux/tsc_loop

for tool in jq cpio "${QEMU:-qemu-system-x86_64}"; do
	command -v "$tool" >/dev/null || { echo "SKIP $name: $tool not installed (tools/install-deps)"; exit 0; }
done
[[ -x $tsc_loop ]] || { echo "SKIP $name: $tsc_loop not built (make bench builds it)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/raw"

st=0
"$root/bench/steps/linux-icount" "$tmp" 1 "tsc_loop 10000" "tsc_loop 50000" >"$tmp/records" 2>"$tmp/err" || st=$?
if ((st == 3)); then
	echo "SKIP $name: $(jq -r 'select(.reason) | .reason' < <(cut -f4 "$tmp/records") | head -n 1)"
	exit 0
fi
problems=()
((st == 0)) || problems+=("bench/steps/linux-icount exited $st: $(tail -n 1 "$tmp/err")")
checked=0
for con in "$tmp"/raw/linux-icount-linux.run1.txt "$tmp"/raw/linux-icount-linux-nomit.run1.txt; do
	[[ -f $con ]] || { problems+=("no console ${con##*/}"); continue; }
	while IFS=$'\t' read -r n diff; do
		checked=$((checked + 1))
		((diff == 2 * n)) || problems+=("${con##*/}: N=$n: 4N-instruction loop minus 2N-instruction loop = $diff ticks, not $((2 * n))")
	done < <(sed -n 's/^TSCLOOP //p' "$con" | jq -r '[.n, .ticks_2n - .ticks_n] | @tsv')
done
((checked == 4)) || problems+=("$checked loop pairs checked, not 4 (2 boots x 2 N)")
if ((${#problems[@]} == 0)); then
	echo "PASS $name ($checked loop pairs, 1 tick per instruction)"
else
	for p in "${problems[@]}"; do echo "FAIL $name: $p"; done
	exit 1
fi
