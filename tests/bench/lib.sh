#!/usr/bin/env bash
# tests/bench/lib.sh: what the bench tests on fixtures share: their PASS/FAIL lines, the jq check and a scratch directory.
#
# Sourced by tests/bench/report.sh and tests/bench/tlbmodel.sh, which set
# status=0 first and exit with it.

# result NAME PROBLEM...: PASS NAME when there is no problem, else FAIL NAME
# with one indented line per problem, and status 1.
result() {
	local name=$1
	shift
	if (($# == 0)); then
		echo "PASS $name"
	else
		echo "FAIL $name"
		printf '    %s\n' "$@"
		# shellcheck disable=SC2034 # (the sourcing test's exit status)
		status=1
	fi
}

# file_has FILE LINE...: adds "FILE lacks: LINE" (FILE's base name) to the
# caller's problems for each LINE that is not a substring of a line of FILE.
file_has() {
	local file=$1 line
	shift
	for line in "$@"; do
		grep -qF -- "$line" "$file" 2>/dev/null || problems+=("${file##*/} lacks: $line")
	done
}

# fixture_setup NAME: without jq, prints "SKIP NAME: ..." and exits 0;
# else sets tmp to a fresh directory, removed when the test exits.
fixture_setup() {
	if ! command -v jq >/dev/null; then
		echo "SKIP $1: jq not installed (tools/install-deps installs it)"
		exit 0
	fi
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # (the directory's name, now)
	trap "rm -rf '$tmp'" EXIT
}
