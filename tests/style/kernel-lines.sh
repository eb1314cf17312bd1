#!/usr/bin/env bash
# tests/style/kernel-lines.sh: every kernel console line opens with a word of the console convention.
#
# A task's line that opens with one of the words in kernel_words
# (guest/core/console.c) is marked, so that a line opening with one is the
# kernel's (docs/architecture.md, "The console").  That holds only while
# every kprintf in the kernel opens with one of those words, or with two
# spaces (the register dump under a "kernel panic:" line): checked here on
# the format strings.  panic() writes "kernel panic: " itself.  Prints one
# PASS or FAIL line, then each format that opens otherwise, indented.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=style/kernel-lines
cd "$root" || exit 1

words=()
while IFS= read -r w; do words+=("$w"); done < <(
	sed -n '/kernel_words\[\] = {/,/};/p' guest/core/console.c | grep -o '"[^"]*"' | tr -d '"'
)
if ((${#words[@]} < 5)); then
	echo "FAIL $name: cannot read kernel_words from guest/core/console.c"
	exit 0
fi

bad=()
while IFS= read -r fmt; do
	ok=0
	[[ $fmt == "  "* ]] && ok=1
	for w in "${words[@]}"; do [[ $fmt == "$w"* ]] && ok=1; done
	((ok)) || bad+=("$fmt")
done < <(git ls-files 'guest/*.c' | xargs grep -ho 'kprintf("[^"]*' | sed 's/^kprintf("//')
# A kprintf whose format is not a literal cannot be checked.
others=$(git ls-files 'guest/*.c' | xargs grep -n 'kprintf(' | grep -v 'kprintf("' |
	grep -v 'int kprintf(const char' || true)

if ((${#bad[@]} == 0)) && [[ -z $others ]]; then
	echo "PASS $name"
else
	echo "FAIL $name: kernel lines that do not open with a word of kernel_words (guest/core/console.c)"
	for b in "${bad[@]}"; do echo "    $b"; done
	if [[ -n $others ]]; then
		while IFS= read -r o; do echo "    not a literal format: $o"; done <<<"$others"
	fi
fi
