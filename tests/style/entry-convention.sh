#!/usr/bin/env bash
# tests/style/entry-convention.sh: code built with RBX and R12-R15 as scratch is reached from entry code only.
#
# guest/kernel.mk builds syscall.c and ipc_fast.c with ENTRY_CFLAGS
# (-fcall-used-rbx -fcall-used-r12 ...): their functions may clobber
# registers every other C function keeps, which is safe only while the
# callers are entry.S (which restores every register from the task
# afterwards) and those two files themselves.  The handlers they call
# (guest/core/syscall_table.c and the parts it names) are ordinary C,
# which is the safe direction.  Checks, on the built objects, that they
# export no function but their entry points, and that no other object
# calls one.  Prints one PASS or FAIL line.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
objs=$root/build/kernel
name=style/entry-convention
entry_objs="guest/core/syscall.o guest/core/ipc_fast.o"
allowed="gate_dispatch gate_dispatch_audited ipc_fast_send ipc_fast_call ipc_fast_reply_recv
ipc_fast_call_w ipc_fast_reply_recv_w ipc_fast_take syscall_dispatch syscall_dispatch_audited
ipc_fast_send_audited ipc_fast_call_audited ipc_fast_reply_recv_audited ipc_fast_call_w_audited
ipc_fast_reply_recv_w_audited ipc_fast_audit_exit"
allowed=${allowed//$'\n'/ }
# With more than one CPU up, entry.S's _mp entries call the _mp twins of
# the same (guest/core/syscall.h, ipc_fast.h).
for f in $allowed; do allowed+=" ${f}_mp"; done
callers="guest/arch/x86_64/entry.o $entry_objs"

for o in $entry_objs $callers; do
	if [[ ! -f $objs/$o ]]; then
		echo "FAIL $name: $objs/$o not found (make all builds it)"
		exit 1
	fi
done
problems=()
for o in $entry_objs; do
	for f in $(nm "$objs/$o" | awk '$2 == "T" { print $3 }'); do
		[[ " $allowed " == *" $f "* ]] || problems+=("$o exports $f, callable from ordinary C")
	done
done
while IFS= read -r o; do
	rel=${o#"$objs/"}
	[[ " $callers " == *" $rel "* ]] && continue
	for f in $(nm -u "$o" | awk '{ print $2 }'); do
		[[ " $allowed " == *" $f "* ]] && problems+=("$rel calls $f")
	done
done < <(find "$objs" -name '*.o' | sort)
if ((${#problems[@]})); then
	echo "FAIL $name: ENTRY_CFLAGS code reached from ordinary C (guest/kernel.mk)"
	printf '    %s\n' "${problems[@]}"
	exit 1
fi
echo "PASS $name"
