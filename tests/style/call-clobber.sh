#!/usr/bin/env bash
# tests/style/call-clobber.sh: no built task reads R11 after a call before writing it.
#
# Task code returns through `pop %r11` and a masked jump (tools/bundle-asm.c),
# so every call clobbers R11 whatever the callee's body says.  A compiler
# that believes otherwise (GCC's -fipa-ra, off in USER_CFLAGS) keeps a live
# value there across a call, and the task computes with garbage.  Checks
# the disassembly of every build/tasks/*.elf: after each call, in straight-
# line order until the next jump, return, call or branch target, an
# instruction naming R11 must write it without reading it (mov, movabs,
# lea or pop into it).  A branch target ends the look: code there is also
# reached from elsewhere (after a call to a function that never returns,
# it is reached only from elsewhere).  attack_ipcregs, which reads R11
# after its system call on purpose, is left out.  Prints one PASS or FAIL
# line.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=style/call-clobber
shopt -s nullglob
elfs=("$root"/build/tasks/*.elf)
if ((${#elfs[@]} == 0)); then
	echo "FAIL $name: no build/tasks/*.elf (make all builds them)"
	exit 1
fi

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
problems=$(for elf in "${elfs[@]}"; do
	# Reads every register after its system call on purpose, R11 included
	# (what SYSRET or the gate leaves there): tests/attacks/attack_ipcregs.c.
	[[ $elf != */attack_ipcregs.elf ]] || continue
	objdump -d --no-show-raw-insn "$elf" >"$tmp"
	# Pass 1: the targets of direct branches; pass 2: the check.
	awk -v elf="${elf#"$root"/}" '
	NR == FNR {
		if ($0 ~ /^[ ]+[0-9a-f]+:\t(j|call|loop)/ && match($0, /\t[^\t]*[ ]([0-9a-f]+) </)) {
			t = substr($0, RSTART, RLENGTH); sub(/^\t[^ ]*[ ]+/, "", t); sub(/ <$/, "", t)
			target[t] = 1
		}
		next
	}
	/^[ ]+[0-9a-f]+:\t/ {
		split($0, f, "\t"); insn = f[2]; mn = insn; sub(/ .*/, "", mn)
		addr = f[1]; sub(/:$/, "", addr); sub(/^ +/, "", addr)
		if (addr in target)
			pending = 0 # reached by a branch too: what follows the call is not alone
		r11 = insn ~ /%r11([^0-9]|$)|%r11[dwb]/
		if (pending && r11) {
			# The destination is the last operand (AT&T); a pure write names
			# R11 there and nowhere else.
			ops = insn; sub(/^[^ ]+ +/, "", ops)
			n = split(ops, o, ",")
			src = ops; sub(/,[^,]*$/, "", src)
			write = mn ~ /^(mov[a-z]*|lea[a-z]*|pop[a-z]*)$/ &&
			    o[n] ~ /^%r11[dwb]?$/ && (n == 1 || src !~ /%r11/)
			if (!write)
				printf "%s: %s reads R11 after the call at %s\n", elf, insn, at
			pending = 0
		}
		if (mn ~ /^call/) { pending = 1; at = addr }
		else if (mn ~ /^(jmp|ret|ud2|hlt)/) pending = 0
	}' "$tmp" "$tmp"
done)
if [[ -n $problems ]]; then
	echo "FAIL $name: a value kept in R11 across a call (build tasks with -fno-ipa-ra)"
	head -n 10 <<<"$problems" | sed 's/^/    /'
	exit 1
fi
echo "PASS $name"
