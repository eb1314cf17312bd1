#!/usr/bin/env bash
# tests/style/runtime-sse.sh: the task runtime runs SSE instructions only where a caller passed a double.
#
# A task's first SSE instruction makes the kernel give it FPU state, which
# costs memory and switch time; a task that never formats a double must
# never pay for it (docs/task-runtime.md).  Checks the disassembly of the
# built runtime objects:
#  - build/user/guest/user/lib/*.o and build/user/guest/lib/*.o (built
#    with USER_CFLAGS): no XMM, YMM or MMX register, no MXCSR or FXSAVE;
#  - build/user-fpu/guest/user/lib/printf_fp.o, the variadic entry points
#    of tasks built with SSE: an XMM register only in rt_va_double_bits
#    (called only for a double's conversion), or in a movaps that follows
#    `test %al,%al` and its `je`, before the je's target: the prologue's
#    saving of XMM0-7, run only when the caller's AL says it passed some.
# Prints one PASS or FAIL line (then what failed, indented).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=style/runtime-sse
shopt -s nullglob
plain=("$root"/build/user/guest/user/lib/*.o "$root"/build/user/guest/lib/*.o)
fpu=$root/build/user-fpu/guest/user/lib/printf_fp.o
if ((${#plain[@]} == 0)) || [[ ! -f $fpu ]]; then
	echo "FAIL $name: the runtime is not built (make all builds it)"
	exit 1
fi

problems=$(
	for obj in "${plain[@]}"; do
		objdump -d --no-show-raw-insn "$obj" |
			grep -E '%(x|y)mm[0-9]|%mm[0-9]|mxcsr|fxsave|fxrstor' |
			sed "s|^|${obj#"$root"/}: |"
	done
	objdump -d --no-show-raw-insn "$fpu" | awk -v obj="${fpu#"$root"/}" '
	function hex(s,    n, i) {
		n = 0
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	/^[0-9a-f]+ <.*>:$/ {
		fn = $2; gsub(/[<>:]/, "", fn); altest = 0; until = -1
		next
	}
	/^[ ]+[0-9a-f]+:\t/ {
		split($0, f, "\t"); insn = f[2]; addr = f[1]
		sub(/:$/, "", addr); sub(/^ +/, "", addr); at = hex(addr)
		if (insn ~ /^test +%al,%al$/) { altest = 1; next }
		if (altest && insn ~ /^je /) {
			t = insn; sub(/^je +/, "", t); sub(/ .*/, "", t)
			until = hex(t); altest = 0; next
		}
		altest = 0
		if (insn !~ /%xmm/ || fn == "rt_va_double_bits")
			next
		if (!(insn ~ /^movaps +%xmm[0-7],/ && at < until))
			printf "%s: %s: %s not behind the AL test\n", obj, fn, insn
	}' || echo "${fpu#"$root"/}: could not be read"
)
if [[ -n $problems ]]; then
	echo "FAIL $name: runtime code runs SSE where no double was passed"
	while IFS= read -r line; do
		echo "    $line"
	done <<<"$problems"
	exit 1
fi
echo "PASS $name: no SSE in ${#plain[@]} runtime objects; printf_fp.o's only behind the AL test"
