#!/usr/bin/env bash
# tests/bench/report.sh: bench/report/report grades a committed records fixture against bench/targets.json, and checks the icount baseline.
#
# No benchmark runs: tests/bench/fixture/records.{bench,icount}.tsv hold
# a few results of every platform the reports read.  Checks that
#   - every target of bench/targets.json has one row in results.json, with
#     the verdict this fixture earns (EXPECTED below), and in report.md;
#   - the targets come from the file: with every comparison reversed and
#     every text marked in a copy, each verdict flips and each row carries
#     the marked text; with no targets file the report fails;
#   - make bench-icount's check: --write-baseline writes a baseline the
#     same records pass, and a count 10% over its baseline fails the check
#     with a GREW line.
# Prints PASS/FAIL/SKIP lines, one per check, and exits non-zero on a FAIL.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
report=$root/bench/report/report
targets=$root/bench/targets.json
fixture=$root/tests/bench/fixture
status=0

if ! command -v jq >/dev/null; then
	echo "SKIP bench/report: jq not installed (tools/install-deps installs it)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The verdict each target earns on the fixture.
declare -A EXPECTED=(
	[ipc_vs_linux_pipe]=met [ipc_roundtrip_cycles]=met [kernel_syscall_ratio]=met
	[kmem_per_shared_task]=met [start_to_first_instruction]=met [vmm_resident_memory]=met
	[icount_call_to_peer]=met [icount_kernel_syscall_ratio]="not met"
	[icount_kmem_per_shared_task]=met
)

result() { # NAME PROBLEM...: PASS when there is no problem
	local name=$1
	shift
	if (($# == 0)); then
		echo "PASS $name"
	else
		echo "FAIL $name"
		printf '    %s\n' "$@"
		status=1
	fi
}

# grade TARGETS OUT FLIP: the problems of the bench report in OUT against
# TARGETS; FLIP 1 when every verdict should be the other one.
grade() {
	local file=$1 dir=$2 flip=$3 id text want got rows problems=()
	rows=$(jq '.targets | length' "$dir/results.json") || rows=-1
	[[ $rows == "$(jq '.targets | length' "$file")" ]] ||
		problems+=("results.json has $rows target rows, $file $(jq '.targets | length' "$file")")
	while IFS=$'\t' read -r id text; do
		want=${EXPECTED[$id]:-}
		if [[ -z $want ]]; then
			problems+=("$id: no expected verdict in this test")
			continue
		fi
		if ((flip)); then
			[[ $want == met ]] && want="not met" || want=met
		fi
		got=$(jq -r --arg t "$text" '[.targets[] | select(.target == $t) | .verdict] | join(",")' "$dir/results.json")
		[[ $got == "$want" ]] || problems+=("$id: verdict '${got:-no row}', expected '$want'")
		grep -qF "| $text | " "$dir/report.md" || problems+=("$id: no row in report.md")
	done < <(jq -r '.targets[] | [.id, .target] | @tsv' "$file")
	result "bench/report-$( ((flip)) && echo flipped || echo targets)" "${problems[@]}"
}

# 1: the fixture against bench/targets.json.
if "$report" bench "$tmp/a" "$fixture/records.bench.tsv" "$fixture/records.icount.tsv" 2>"$tmp/a.err"; then
	grade "$targets" "$tmp/a" 0
else
	result bench/report-targets "bench/report/report failed: $(tail -n 1 "$tmp/a.err")"
fi

# 2: every comparison reversed and every text marked: the verdicts flip.
jq '.targets |= map(.target = "(reversed) " + .target
	| .compare = {"<=": ">", "<": ">=", ">=": "<", ">": "<="}[.compare])' "$targets" >"$tmp/reversed.json"
if "$report" --targets "$tmp/reversed.json" bench "$tmp/b" "$fixture/records.bench.tsv" \
	"$fixture/records.icount.tsv" 2>"$tmp/b.err"; then
	grade "$tmp/reversed.json" "$tmp/b" 1
else
	result bench/report-flipped "bench/report/report failed: $(tail -n 1 "$tmp/b.err")"
fi

# 3: no targets file, no report.
if "$report" --targets "$tmp/none.json" bench "$tmp/c" "$fixture/records.bench.tsv" 2>/dev/null ||
	[[ -e $tmp/c/report.md ]]; then
	result bench/report-no-targets "a report without a targets file"
else
	result bench/report-no-targets
fi

# 4: the icount baseline: written, passed, and failed by a grown count.
problems=()
st=0
"$report" --write-baseline icount "$tmp/d" /dev/null "$fixture/records.icount.tsv" 2>"$tmp/d.err" || st=$?
((st == 0)) || problems+=("--write-baseline: exit status $st: $(tail -n 1 "$tmp/d.err")")
st=0
"$report" icount "$tmp/e" "$tmp/d/icount-baseline.json" "$fixture/records.icount.tsv" 2>"$tmp/e.err" || st=$?
((st == 0)) || problems+=("against its own baseline: exit status $st")
grep -q '^icount: no count grew by more than 2% over bench/icount-baseline.json (7 checked)$' \
	"$tmp/e/icount-check.txt" 2>/dev/null || problems+=("against its own baseline: not 7 counts checked")
jq '(.workloads[] | select(.benchmark == "ipc_call_to_peer" and .variant == "same-group-word")
	| .value) |= . / 1.1' "$tmp/d/icount-baseline.json" >"$tmp/lower.json"
st=0
"$report" icount "$tmp/f" "$tmp/lower.json" "$fixture/records.icount.tsv" 2>"$tmp/f.err" || st=$?
((st == 1)) || problems+=("a count 10% over its baseline: exit status $st, expected 1")
grep -q '^icount: GREW ipc_call_to_peer shared same-group-word (instructions_per_op): 128.2 -> 141.0 (+10.00%)$' \
	"$tmp/f/icount-check.txt" 2>/dev/null || problems+=("a count 10% over its baseline: no GREW line")
result bench/report-icount-baseline "${problems[@]}"

exit $status
