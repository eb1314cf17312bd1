#!/usr/bin/env bash
# tests/style/core-layers.sh: the kernel core's parts call only the parts below them.
#
# guest/core/kernel.h lists the parts in layers; this is that list, checked
# on the built objects: for every function one part's object calls (nm -u)
# that another part's object defines (nm, T), the callee's layer must be
# lower, or the same (the entry layer's three files call each other).
# Data (current, the task table, the run queue) is read across layers and
# not checked.  Prints one PASS or FAIL line.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
objs=$root/build/kernel
name=style/core-layers

# Layer by layer, lowest first; one line per layer (guest/core/kernel.h).
layers=(
	"guest/core/console guest/core/bootinfo guest/core/pmm guest/core/kheap guest/core/memory guest/core/cmdline"
	"guest/core/sched"
	"guest/core/uaccess"
	"guest/core/group"
	"guest/core/task_memory"
	"guest/core/task_load"
	"guest/core/fault_site"
	"guest/core/ipc"
	"guest/core/task"
	"guest/core/audit"
	"guest/core/sched_return"
	"guest/core/syscall_table"
	"guest/core/ipc_fast guest/core/syscall guest/arch/x86_64/trap"
)

declare -A layer_of definer
for i in "${!layers[@]}"; do
	for part in ${layers[i]}; do
		if [[ ! -f $objs/$part.o ]]; then
			echo "FAIL $name: $objs/$part.o not found (make all builds it)"
			exit 1
		fi
		layer_of[$part]=$i
		for f in $(nm "$objs/$part.o" | awk '$2 == "T" { print $3 }'); do
			definer[$f]=$part
		done
	done
done
problems=()
for part in "${!layer_of[@]}"; do
	for f in $(nm -u "$objs/$part.o" | awk '{ print $2 }'); do
		callee=${definer[$f]:-}
		[[ -n $callee ]] || continue
		if ((layer_of[$callee] > layer_of[$part])); then
			problems+=("$part.c calls $f (${callee}.c), a layer above it")
		fi
	done
done
if ((${#problems[@]})); then
	echo "FAIL $name: calls upward (guest/core/kernel.h lists the layers)"
	printf '    %s\n' "${problems[@]}" | sort
	exit 1
fi
echo "PASS $name"
