#!/usr/bin/env bash
# tests/style/vmm-headers.sh: every vmm/*.h compiles alone, and twice over, with the host warnings.
#
# Each vmm/NAME.c declares its interface in vmm/NAME.h, and a header
# must include what it uses itself: a file that includes only the one
# header it needs must compile.  Each header is compiled as the first and
# only include of an empty file (-fsyntax-only, so this takes a few
# seconds), then included twice (its include guard).  The flags are the
# Makefile's HOST_CFLAGS warnings and include paths.  Prints one PASS or
# FAIL line, then each failing header and its first errors, indented.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=style/vmm-headers
cc=${HOST_CC:-gcc}
cd "$root" || exit 1

flags=(-std=gnu11 -fsyntax-only -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
	-Wmissing-prototypes -Wno-unused-parameter -Iinclude -I. -Iguest -x c -)

problems=()
n=0
# fail HEADER WHAT OUTPUT: records the header and the compiler's first lines.
fail() {
	problems+=("$1 $2:")
	while IFS= read -r line; do problems+=("  $line"); done < <(head -n 4 <<<"$3")
}
for h in vmm/*.h; do
	n=$((n + 1))
	if ! out=$(printf '#include "%s"\n' "$h" | "$cc" "${flags[@]}" 2>&1); then
		fail "$h" "does not compile alone" "$out"
	elif ! out=$(printf '#include "%s"\n#include "%s"\n' "$h" "$h" |
		"$cc" "${flags[@]}" 2>&1); then
		fail "$h" "cannot be included twice" "$out"
	fi
done

if ((n == 0)); then
	echo "FAIL $name: no vmm/*.h found"
	exit 1
fi
if ((${#problems[@]})); then
	echo "FAIL $name: a vmm/ header does not stand alone"
	printf '    %s\n' "${problems[@]}"
	exit 1
fi
echo "PASS $name ($n headers)"
