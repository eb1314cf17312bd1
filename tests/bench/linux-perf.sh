#!/usr/bin/env bash
# tests/bench/linux-perf.sh: a Linux baseline records its performance counters, or why it has none, never silently.
#
# Runs build/bench/linux/pipe_pingpong (bench/linux/perf.h around its
# loop) once, both ways.  Its RESULT line must carry either "pmu" with
# instructions per operation above 0 and a "pmu_scope", or "pmu":null
# with "pmu_skip" naming the call and its errno
# ("perf_event_open(instructions): ENOENT: ..."), which stderr must say
# too.  Prints PASS or FAIL lines, one per check.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$root/build/bench/linux/pipe_pingpong

if ! command -v jq >/dev/null; then
	echo "SKIP bench/linux-perf: jq not installed (tools/install-deps installs it)"
	exit 0
fi
if [[ ! -x $bin ]]; then
	echo "FAIL bench/linux-perf: $bin not built (make)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

problems=()
"$bin" process 1000 >"$tmp/out" 2>"$tmp/err" || problems+=("pipe_pingpong failed: $(tail -n 1 "$tmp/err")")
json=$(sed -n 's/^RESULT //p' "$tmp/out" | head -n 1)
if [[ -z $json ]]; then
	problems+=("no RESULT line")
elif jq -e '.pmu | type == "object"' <<<"$json" >/dev/null; then
	jq -e '.pmu.instructions > 0 and (.pmu_scope | type == "string")' <<<"$json" >/dev/null ||
		problems+=("counters without instructions > 0 or a scope: $json")
	echo "    counted: $(jq -c '{pmu, pmu_scope}' <<<"$json")"
else
	skip=$(jq -r '.pmu_skip // ""' <<<"$json")
	[[ $skip =~ ^perf_event_open\(instructions\):\ E[A-Z0-9]+:\ . ]] ||
		problems+=("no counters and no pmu_skip with the errno: $json")
	grep -qF "perf: no performance counters: $skip" "$tmp/err" ||
		problems+=("the refusal is not on stderr")
	echo "    not counted: $skip"
fi
if ((${#problems[@]})); then
	echo "FAIL bench/linux-perf"
	printf '    %s\n' "${problems[@]}"
	exit 1
fi
echo "PASS bench/linux-perf"
