# taskspecs.sh: task specs to initrd files and a kernel command line, shared by tools/qemu-run and tools/esp-run.
# shellcheck shell=bash
#
# Sourced, not run; the caller defines die STATUS MESSAGE.
#
# taskspecs APPEND SPEC...: each SPEC is HOSTPATH[:MODE[:ARG...]]
# (docs/architecture.md, "Which tasks run").  Sets
#   task_names[]  the initrd names, in order, each once: the file's base
#                 name without a trailing .elf
#   task_files[]  the host file packed under each name (a real path)
#   cmdline       one task=NAME[:MODE[:ARG...]] token per spec, in order,
#                 then APPEND
# Dies with status 2 on a spec with white space or no file, a missing file,
# two different files with one name, or a command line of 4096 bytes or
# more: QEMU's PVH boot places the command line below the start info, and
# a longer one overwrites it; the kernel's own limit is the same 4 KiB
# (SHOJI_CMDLINE_MAX).  Many copies of a task: task=N*SPEC.
taskspecs() {
	local append=$1 spec path rest name real tokens=()
	local -A path_of=()
	shift
	task_names=()
	task_files=()
	for spec in "$@"; do
		path=${spec%%:*}
		rest=${spec#"$path"} # "" or ":MODE[:ARG...]"
		[[ $spec != *[[:space:]]* ]] || die 2 "task spec '$spec' contains white space (the kernel command line splits on it)"
		[[ -n $path ]] || die 2 "task spec '$spec' has no file"
		[[ -f $path ]] || die 2 "task file $path not found"
		name=$(basename "$path")
		name=${name%.elf}
		[[ -n $name ]] || die 2 "task file $path gives an empty task name"
		real=$(realpath "$path")
		if [[ -z ${path_of[$name]:-} ]]; then
			path_of[$name]=$real
			task_names+=("$name")
			task_files+=("$real")
		elif [[ ${path_of[$name]} != "$real" ]]; then
			die 2 "two task files named $name: ${path_of[$name]} and $real"
		fi
		tokens+=("task=$name$rest")
	done
	cmdline="${tokens[*]}"
	[[ -z $append ]] || cmdline="${cmdline:+$cmdline }$append"
	((${#cmdline} < 4096)) ||
		die 2 "kernel command line is ${#cmdline} bytes, the limit is 4095 (use task=N*SPEC for many copies)"
}
