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
# The same run boots a third machine, -smp 4 (bench/steps/linux-icount's
# boot of several CPUs), with a short cross-CPU pipe ping-pong, two
# futex pairs on two CPUs and the shootdown's page with its second thread
# on another CPU and on the same one: all four CPUs must come online and
# each RESULT line must be well-formed (benchmark, mode, variant, CPUs,
# pairs, the CPUs pinned, the iterations, a positive count per round
# trip); its numbers are not checked, but the TLB-shootdown interrupts
# are: exactly one per operation with the thread on the other CPU (it
# spins, so the munmap must flush there), none with it on the same CPU.
# Prints PASS/FAIL/SKIP lines (bench/linux-icount-tsc,
# bench/linux-icount-smp) and exits non-zero on a FAIL.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=bench/linux-icount-tsc
tsc_loop=$root/build/bench/linux/tsc_loop

for tool in jq cpio "${QEMU:-qemu-system-x86_64}"; do
	command -v "$tool" >/dev/null || { echo "SKIP $name: $tool not installed (tools/install-deps)"; exit 0; }
done
[[ -x $tsc_loop ]] || { echo "SKIP $name: $tsc_loop not built (make bench builds it)"; exit 0; }
smp=(pipe_pingpong pairs_pingpong shootdown)
smp_cmds=("pipe_pingpong thread 200 xcpu" "pairs_pingpong futex thread 2 2 100" "shootdown remote 100"
	"shootdown local 100")
for p in "${smp[@]}"; do
	[[ -x $root/build/bench/linux/$p ]] || { smp_cmds=() smp_why="build/bench/linux/$p not built (make builds it)"; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/raw"

st=0
"$root/bench/steps/linux-icount" "$tmp" 1 "tsc_loop 10000" "tsc_loop 50000" "${smp_cmds[@]}" >"$tmp/records" \
	2>"$tmp/err" || st=$?
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
	status=1
fi

# The boot of several CPUs: its CPUs and its RESULT records, well-formed.
if ((${#smp_cmds[@]} == 0)); then
	echo "SKIP bench/linux-icount-smp: $smp_why"
	exit "${status:-0}"
fi
problems=()
con=$tmp/raw/linux-icount-linux-smp4.run1.txt
grep -qx 'CPUS 0-3' "$con" 2>/dev/null || problems+=("${con##*/}: not 'CPUS 0-3' (the /init brings CPUs 1-3 up)")
want=('ipc_roundtrip_xcpu linux-thread pipe 2 1 0,1 200' 'ipc_pairs linux-thread futex-N2-M2 2 2 0,1 200'
	'tlb_shootdown linux-thread remote 2 null 0,1 100' 'tlb_shootdown linux-thread local 2 null 0,0 100')
got=$(awk -F'\t' '$1 == "RESULT" && $2 == "icount-linux-smp4"' "$tmp/records" | cut -f4 |
	jq -r 'select((.cycles_per_op | type) == "number" and .cycles_per_op > 0
		and (.counters.syscalls | type) == "number")
		| "\(.benchmark) \(.mode) \(.variant) \(.cpus) \(.pairs) \(.pinned) \(.iterations)"' 2>&1)
[[ $got == "$(printf '%s\n' "${want[@]}")" ]] ||
	problems+=("icount-linux-smp4 records: '${got//$'\n'/; }', expected '$(printf '%s; ' "${want[@]}")' with counts > 0")
got=$(awk -F'\t' '$1 == "RESULT" && $2 == "icount-linux-smp4"' "$tmp/records" | cut -f4 |
	jq -r 'select(.benchmark == "tlb_shootdown") | "\(.variant) \(.shootdowns_received)"' 2>&1)
[[ $got == $'remote 1\nlocal 0' ]] ||
	problems+=("tlb_shootdown: TLB-shootdown interrupts per operation '${got//$'\n'/; }', expected 'remote 1; local 0'")
if ((${#problems[@]} == 0)); then
	echo "PASS bench/linux-icount-smp (4 CPUs online, ${#want[@]} well-formed results)"
else
	for p in "${problems[@]}"; do echo "FAIL bench/linux-icount-smp: $p"; done
	exit 1
fi
exit "${status:-0}"
