#!/usr/bin/env bash
# faults.sh: a killed task's line says where it was (image offset, function, region) and names a stack overflow, checked against nm.
#
# usage: tests/guest/faults.sh
#
# Boots build/tasks/crash.elf (guest/user/tasks/crash.c) under
# tools/qemu-run, once per way of crashing and mode, and checks the
# kernel's kill line (guest/arch/x86_64/trap.c, guest/core/fault_site.c):
#   fault/symbol-MODE     a read of address 8 in crash_read: the line gives
#                         the RIP as crash+OFF and crash_read+FOFF, which
#                         must agree with nm -S on the image and with the
#                         slot the task runs in
#   fault/ud2-process     an invalid opcode in crash_ud2, the same way
#   fault/stripped        the image stripped (objcopy --strip-all): the
#                         offset alone, the same offset as with symbols
#   fault/stack-MODE      a call to code on its stack: "in the task's stack"
#   fault/recurse-MODE, fault/alloca-MODE   a stack overflow, by recursion
#                         and by one big alloca: named as such, the address
#                         inside the guard page below the stack
#   fault/alloca-far-MODE  an alloca that takes the stack pointer past the
#                         guard page: named by the stack pointer, the
#                         address below the guard page
# MODE is process, shared and kernel (ring 0: the fault arrives on an IST
# stack, arch/x86_64/idt.c, so an overflowed stack is never written by
# the CPU).  Prints one PASS, FAIL or SKIP line per check.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
elf=$root/build/tasks/crash.elf
slot_size=$((0x20000))
task_area=$((0x40000000))
guard=$((0x17000)) # the guard page's offset in a slot (guest/arch/x86_64/layout.h)
modes=(process shared kernel)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/faults.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

names=()
for m in "${modes[@]}"; do
	names+=("fault/symbol-$m" "fault/stack-$m" "fault/recurse-$m" "fault/alloca-$m" "fault/alloca-far-$m")
done
names+=(fault/ud2-process fault/stripped)

if ! command -v "${QEMU:-qemu-system-x86_64}" >/dev/null || [[ ! -f $elf ]]; then
	for n in "${names[@]}"; do echo "SKIP $n: needs ${QEMU:-qemu-system-x86_64} and build/tasks/crash.elf (make)"; done
	exit 0
fi

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	sed 's/^/    /' "$tmp/out"
}

# run SPEC: boots the task; its output in $tmp/out, its kill line in $line.
run() {
	"$root/tools/qemu-run" --timeout 60 "$1" >"$tmp/out" 2>&1 || true
	line=$(grep -m 1 'killed:' "$tmp/out" || true)
}

# The slot a lone task of MODE runs in: 0 alone in a process, 1 in a group.
slot_base() {
	if [[ $1 == process ]]; then echo $task_area; else echo $((task_area + slot_size)); fi
}

# nm_func NAME: "ADDR SIZE" of function NAME in crash.elf, in decimal.
nm_func() {
	nm -S "$elf" | awk -v n="$1" '$4 == n && ($3 == "t" || $3 == "T") { print $1, $2 }' |
		{ read -r a s && echo $((16#$a)) $((16#$s)); }
}

# check_symbol NAME MODE WHAT FUNC: the RIP's offset lies in FUNC, both ways.
check_symbol() {
	local name=$1 mode=$2 what=$3 func=$4 re addr size
	run "$elf:$mode:$what"
	re="rip (0x[0-9a-f]+) \\(crash\\+(0x[0-9a-f]+): $func\\+(0x[0-9a-f]+|0)\\), error"
	if [[ ! $line =~ $re ]]; then
		fail "$name" "no kill line naming $func"
		return
	fi
	local rip=$((BASH_REMATCH[1])) off=$((BASH_REMATCH[2])) foff=$((BASH_REMATCH[3]))
	read -r addr size < <(nm_func "$func")
	if ((rip - off != $(slot_base "$mode"))); then
		fail "$name" "rip $rip is not the slot base plus offset $off"
	elif ((off < addr || off >= addr + size || foff != off - addr)); then
		fail "$name" "offset $off, $func+$foff: nm says $func is at $addr, $size bytes"
	else
		pass "$name"
		last_off=$off
	fi
}

for m in "${modes[@]}"; do
	check_symbol "fault/symbol-$m" "$m" func crash_read
done
symbol_off=${last_off:-}
check_symbol fault/ud2-process process ud2 crash_ud2

# Stripped: no symbol table left, the offset alone, the same as above.
objcopy --strip-all "$elf" "$tmp/crashstrip.elf"
run "$tmp/crashstrip.elf:kernel:func"
if readelf -S "$tmp/crashstrip.elf" | grep -q symtab; then
	fail fault/stripped "objcopy left a symbol table"
elif [[ $line =~ rip\ 0x[0-9a-f]+\ \(crashstrip\+(0x[0-9a-f]+)\),\ error ]] &&
	[[ -n $symbol_off ]] && ((BASH_REMATCH[1] == symbol_off)); then
	pass fault/stripped
else
	fail fault/stripped "want rip ... (crashstrip+OFFSET), the offset as with symbols (${symbol_off:-none})"
fi

for m in "${modes[@]}"; do
	run "$elf:$m:stack"
	if [[ $line =~ \(instruction\ fetch\),\ rip\ 0x[0-9a-f]+\ \(in\ the\ task\'s\ stack\), ]]; then
		pass "fault/stack-$m"
	else
		fail "fault/stack-$m" "want the RIP named in the task's stack"
	fi
	for how in recurse alloca; do
		run "$elf:$m:$how"
		re="killed: stack overflow \\(into the guard page below its 32 KiB stack\\): page fault at (0x[0-9a-f]+) \\(write\\), rip 0x[0-9a-f]+ \\(crash\\+0x[0-9a-f]+: crash_$how\\+0x[0-9a-f]+\\)"
		if [[ ! $line =~ $re ]]; then
			fail "fault/$how-$m" "want a stack overflow in crash_$how"
		elif (((BASH_REMATCH[1] - $(slot_base "$m") - guard) / 4096 != 0 ||
			BASH_REMATCH[1] - $(slot_base "$m") < guard)); then
			fail "fault/$how-$m" "the address is not in the guard page"
		else
			pass "fault/$how-$m"
		fi
	done
	run "$elf:$m:alloca-far"
	re="killed: stack overflow \\(its stack pointer is below its 32 KiB stack\\): page fault at (0x[0-9a-f]+) \\(write\\), rip 0x[0-9a-f]+ \\(crash\\+0x[0-9a-f]+: crash_alloca\\+0x[0-9a-f]+\\)"
	if [[ ! $line =~ $re ]]; then
		fail "fault/alloca-far-$m" "want a stack overflow named by the stack pointer"
	elif ((BASH_REMATCH[1] - $(slot_base "$m") >= guard)); then
		fail "fault/alloca-far-$m" "the address is not below the guard page"
	else
		pass "fault/alloca-far-$m"
	fi
done
