#!/usr/bin/env bash
# tests/style/tlb-hinted.sh: every MOV to CR3/CR4 and INVLPG the kernel's C code runs goes through tlbhint.h, so tlbhints=on shows the TLB model each one.
#
# The TLB-model plugin sees that a MOV to CR3 or CR4 or an INVLPG ran,
# not its operand (docs/tlb-model.md); with tlbhints=on the kernel says
# the operand in a hint just before.  A site that skips the hint leaves
# the model guessing (a full flush, an unmodelled INVLPG), which the
# plugin's tests only catch where a test happens to run that site.  So
# the raw instructions live in guest/arch/x86_64/x86.h as raw_write_cr3,
# raw_write_cr4 and raw_invlpg, which only guest/arch/x86_64/tlbhint.h
# may call (tlb_write_cr3, tlb_write_cr4, tlb_invlpg), and no other C file
# or header of the kernel writes those instructions in inline asm.  The
# assembly files (boot.S, ap_boot.S) run before the hints exist and are
# not checked.  Prints one PASS or FAIL line, then each offending line.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=style/tlb-hinted
cd "$root" || exit 1

allowed='^guest/arch/x86_64/(x86|tlbhint)\.h:'
mapfile -t raw < <(grep -rnE '\braw_(write_cr[34]|invlpg)\b' guest --include='*.c' --include='*.h' |
	grep -vE "$allowed")
mapfile -t asm < <(grep -rnE '%%cr[34]"|invlpg[[:space:]]*\(' guest --include='*.c' --include='*.h' |
	grep -vE "$allowed" | grep -E '__asm__|asm[[:space:]]*\(|"')
# The check must see the helpers it relies on, or it proves nothing.
if ! grep -qE 'tlb_write_cr3|tlb_invlpg' guest/arch/x86_64/tlbhint.h; then
	echo "FAIL $name: guest/arch/x86_64/tlbhint.h has no tlb_write_cr3/tlb_invlpg"
	exit 1
fi
if ((${#raw[@]} + ${#asm[@]} == 0)); then
	echo "PASS $name: the kernel's CR3, CR4 and INVLPG sites all go through tlbhint.h"
	exit 0
fi
echo "FAIL $name: TLB-invalidating instructions outside tlbhint.h (use tlb_write_cr3, tlb_write_cr4, tlb_invlpg)"
for l in "${raw[@]}" "${asm[@]}"; do echo "  $l"; done
exit 1
