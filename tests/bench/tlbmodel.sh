#!/usr/bin/env bash
# tests/bench/tlbmodel.sh: make bench-icount's TLB model part on fixtures: the join of the plugin's regions to the RESULT lines, the per-operation arithmetic, the cost model, bench/costmodel.json's sources and the report.
#
# No QEMU runs: tests/bench/fixture/tlbmodel/ holds plugin outputs (the
# interface of docs/tlb-model.md) beside consoles.  Checks that
#   - bench/steps/tlbjoin.jq joins them and divides every count by the
#     region's operations (tlb_reads: by M x OPS), as computed by hand in
#     the comments below;
#   - a join that does not hold fails, naming the config: a RESULT line
#     missing, a region's instructions off its ticks (Linux's allowing an
#     interrupt between a marker and its TSC read), an unpaired marker, a
#     refused hint, pcid=hints without hints, a call_to_peer region shorter
#     than the calls it timed;
#   - bench/report/tlb.jq's estimate on a fixture cost model gives the
#     hand-computed low, mid and high and names the widest cost;
#   - every cost of bench/costmodel.json has a source, a unit, a count the
#     join writes and low <= high;
#   - the icount report carries both tables, labelled model, and
#     icount.json the estimate under "tlb_model", without disturbing the
#     baseline check; "process with PCID (model)" rows are labelled so;
#   - bench/steps/configs gives the model runs a pcid=model sibling of
#     every process line without PCID, and only them.
# Prints PASS/FAIL/SKIP lines, one per check, and exits non-zero on a FAIL.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fx=$root/tests/bench/fixture/tlbmodel
join=$root/bench/steps/tlbjoin.jq
status=0

# shellcheck source=tests/bench/lib.sh
. "$root/tests/bench/lib.sh"
fixture_setup bench/tlbmodel


# joined MODEL CONSOLE CONFIG: the join's lines (status: jq's).
joined() { jq -n -r --rawfile model "$1" --rawfile console "$2" --arg config "$3" -f "$join"; }

# want FILE LINE JQ VALUE: line LINE (1-based) of FILE has JQ == VALUE (within 1e-9).
want() {
	local got
	got=$(sed -n "$2p" "$1" | jq --argjson v "$4" "($3) as \$g | if (\$g - \$v | fabs) < 1e-9 then \"ok\" else \$g end")
	[[ $got == '"ok"' ]] || problems+=("line $2: $3 is $got, expected $4")
}

# 1: the join and the arithmetic.
problems=()
joined "$fx/process.model.jsonl" "$fx/process.console.txt" ipc-fixture >"$tmp/p.jsonl" 2>"$tmp/p.err" ||
	problems+=("the process fixture did not join: $(cat "$tmp/p.err")")
[[ $(wc -l <"$tmp/p.jsonl") == 2 ]] || problems+=("not 2 lines for 2 regions")
# Region 1, 1000 round trips: fetch 4000 L1 misses, loads 6000 and stores
# 2000; second-level misses 2000 + 3000 + 1000 = 6000 walks, so STLB hits
# (4000 + 6000 + 2000) - 6000 = 6000; 2000 CR3 writes, none without flush.
want "$tmp/p.jsonl" 1 .ops 1000
want "$tmp/p.jsonl" 1 .ticks 1000000
want "$tmp/p.jsonl" 1 .per_op.insns 1000.02
want "$tmp/p.jsonl" 1 .per_op.itlb_l1 4
want "$tmp/p.jsonl" 1 .per_op.dtlb_l1 8
want "$tmp/p.jsonl" 1 .per_op.stlb_hits 6
want "$tmp/p.jsonl" 1 .per_op.walks 6
want "$tmp/p.jsonl" 1 .per_op.walks_load 3
want "$tmp/p.jsonl" 1 .per_op.cr3_flush 2
want "$tmp/p.jsonl" 1 .per_op.syscall 2
# Region 2 (ipc_call_to_peer): 1000 CR3 writes of which 500 keep entries.
want "$tmp/p.jsonl" 2 .per_op.cr3_noflush 0.5
want "$tmp/p.jsonl" 2 .per_op.cr3_flush 0.5
[[ $(sed -n 2p "$tmp/p.jsonl" | jq .ticks) == null ]] || problems+=("call_to_peer: ticks should be unknown (null)")
# tlb_reads, M4: 20000 reads of the reporter, so 80000 reads in the region;
# 4000050 instructions against 50.000 x 80000 = 4000000 ticks (allowance
# 64 + 80); 8000 load walks / 80000 = 0.1.
joined "$fx/hints.model.jsonl" "$fx/hints.console.txt" tlb-fixture >"$tmp/h.jsonl" 2>"$tmp/h.err" ||
	problems+=("the hints fixture did not join: $(cat "$tmp/h.err")")
want "$tmp/h.jsonl" 1 .ops 80000
want "$tmp/h.jsonl" 1 .ticks 4000000
want "$tmp/h.jsonl" 1 .per_op.walks 0.1
want "$tmp/h.jsonl" 1 .per_op.dtlb_l1 0.5
want "$tmp/h.jsonl" 1 .per_op.cr3_noflush 0.05
result bench/tlbmodel-join "${problems[@]}"

# 2: joins that must fail, each naming its config and why.
problems=()
# must_fail NAME MODEL CONSOLE TEXT: the join fails with TEXT in its error.
must_fail() {
	local err
	if joined "$2" "$3" "bad-$1" >/dev/null 2>"$tmp/err"; then
		problems+=("$1: the join held")
		return
	fi
	err=$(cat "$tmp/err")
	[[ $err == *"config bad-$1: "*"$4"* ]] || problems+=("$1: error '$err' lacks 'config bad-$1: ...$4'")
}
grep -v call_to_peer "$fx/process.console.txt" >"$tmp/one.txt"
must_fail missing-result "$fx/process.model.jsonl" "$tmp/one.txt" "2 model regions but 1 RESULT lines"
jq -c 'if .region == 1 then .insns += 200 else . end' "$fx/process.model.jsonl" >"$tmp/long.jsonl"
must_fail insns "$tmp/long.jsonl" "$fx/process.console.txt" "1000220 instructions, but RESULT 1"
jq -c 'if has("total") then .unpaired = 1 else . end' "$fx/process.model.jsonl" >"$tmp/unpaired.jsonl"
must_fail unpaired "$tmp/unpaired.jsonl" "$fx/process.console.txt" "1 region marker(s) unpaired"
jq -c 'if .region == 2 then .hint_errors = 3 else . end' "$fx/process.model.jsonl" >"$tmp/hint.jsonl"
must_fail hint-errors "$tmp/hint.jsonl" "$fx/process.console.txt" "refused 3 kernel hint(s)"
jq -c 'if has("total") then .hints_seen = false else . end' "$fx/hints.model.jsonl" >"$tmp/nohints.jsonl"
must_fail no-hints "$tmp/nohints.jsonl" "$fx/hints.console.txt" "the kernel sent no hint"
jq -c 'if has("tlbmodel") then .tlbmodel.pcid = "model" elif has("total") then .hints_seen = false else . end' \
	"$fx/hints.model.jsonl" >"$tmp/nohints-model.jsonl"
must_fail no-hints-model "$tmp/nohints-model.jsonl" "$fx/hints.console.txt" "pcid=model, but the kernel sent no hint"
jq -c 'if .region == 2 then .insns = 300000 else . end' "$fx/process.model.jsonl" >"$tmp/short.jsonl"
must_fail short-call "$tmp/short.jsonl" "$fx/process.console.txt" "fewer than the 400000 ticks"
head -n 2 "$fx/process.model.jsonl" >"$tmp/cut.jsonl"
must_fail cut-short "$tmp/cut.jsonl" "$fx/process.console.txt" "no total line"
# A Linux region (mode linux-*) may be an interrupt longer than its ticks:
# 300 instructions off still joins there, and only there.
sed 's/"mode":"process"/"mode":"linux-process"/' "$fx/process.console.txt" >"$tmp/linux.txt"
jq -c 'if .region == 1 then .insns += 300 else . end' "$fx/process.model.jsonl" >"$tmp/irq.jsonl"
joined "$tmp/irq.jsonl" "$tmp/linux.txt" linux-irq >/dev/null 2>"$tmp/err" ||
	problems+=("a Linux region 300 instructions over its ticks did not join: $(cat "$tmp/err")")
must_fail irq-shoji "$tmp/irq.jsonl" "$fx/process.console.txt" "1000320 instructions, but RESULT 1"
result bench/tlbmodel-join-mismatch "${problems[@]}"

# 3: the cost model on the fixture costs, region 1 of the process fixture:
# insns 1000.02, 2 SYSCALLs, 2 flushing CR3 writes, 6 walks per operation.
#   low  = 1000.02 x 0.5 + 2 x 10 + 2 x 100 + 6 x 20  = 840.01
#   high = 1000.02 x 1.5 + 2 x 30 + 2 x 400 + 6 x 100 = 2960.03
#   mid  = (840.01 + 2960.03) / 2 = 1900.02
#   widest: CPI, 1000.02 of the 2120.02 between low and high (0.4717...)
problems=()
sed -n 1p "$tmp/p.jsonl" | jq -c -L "$root/bench/report" --slurpfile c "$fx/costs.json" \
	'include "tlb"; estimate($c[0].costs; .per_op) | del(.terms)' >"$tmp/est.json" 2>"$tmp/est.err" ||
	problems+=("estimate failed: $(cat "$tmp/est.err")")
want "$tmp/est.json" 1 .low 840.01
want "$tmp/est.json" 1 .high 2960.03
want "$tmp/est.json" 1 .mid 1900.02
want "$tmp/est.json" 1 .widest.share "$(jq -n '1000.02 / 2120.02')"
[[ $(jq -r .widest.name "$tmp/est.json" 2>/dev/null) == cpi ]] || problems+=("widest cost: not cpi")
result bench/tlbmodel-costmodel "${problems[@]}"

# 4: bench/costmodel.json: a source, unit and label for every cost, low <=
# high, and a count that the join writes.
problems=()
counts=$(sed -n 1p "$tmp/p.jsonl" | jq -c '.per_op | keys')
while IFS= read -r bad; do problems+=("$bad"); done < <(jq -r --argjson counts "$counts" '
	.costs[] | . as $c
	| (if (.source // "" | length) < 10 then "\(.name): no source" else empty end),
	  (if (.unit // "") == "" or (.label // "") == "" then "\(.name): no unit or label" else empty end),
	  (if (.low | type) != "number" or (.high | type) != "number" or .low > .high then "\(.name): low \(.low), high \(.high)" else empty end),
	  (if ($counts | index($c.count)) == null then "\(.name): counts \(.count), which the join does not write" else empty end),
	  (if (.found | type) != "boolean" then "\(.name): found is not true or false" else empty end)' \
	"$root/bench/costmodel.json" 2>&1)
[[ $(jq '[.costs[].name] | sort' "$root/bench/costmodel.json" | jq -c .) == \
	'["cpi","cr3_flush","cr3_noflush","invlpg","iretq","stlb_hit","syscall","sysret","walk","wrpkru"]' ]] ||
	problems+=("bench/costmodel.json lacks one of the costs issue 17 names")
result bench/tlbmodel-costs-sourced "${problems[@]}"

# 5: the report: the fixture's icount records with these model lines.
problems=()
cp "$root/tests/bench/fixture/records.icount.tsv" "$tmp/records.tsv"
# "process with PCID (model)": the hints fixture as pcid=model's.
jq -c 'if has("tlbmodel") then .tlbmodel.pcid = "model" else . end' "$fx/hints.model.jsonl" >"$tmp/model.jsonl"
joined "$tmp/model.jsonl" "$fx/hints.console.txt" tlb-model-fixture >"$tmp/m.jsonl" 2>"$tmp/m.err" ||
	problems+=("the pcid=model fixture did not join: $(cat "$tmp/m.err")")
{
	"$root/bench/steps/record" model tlbmodel 1 <"$tmp/p.jsonl"
	"$root/bench/steps/record" model tlbmodel 1 <"$tmp/m.jsonl"
	"$root/bench/steps/record" model tlbsweep 1 <"$tmp/h.jsonl"
	"$root/bench/steps/record" model tlbmodel-linux 1 <"$tmp/p.jsonl"
	for id in a b; do
		"$root/bench/steps/record" skip tlbsweep tlb_model skylake "$id" "no PCID here (console: $id.txt)"
	done
} >>"$tmp/records.tsv"
report=$root/bench/report/report
st=0
"$report" --write-baseline icount "$tmp/d" /dev/null "$tmp/records.tsv" 2>"$tmp/d.err" || st=$?
((st == 0)) || problems+=("report: exit status $st: $(tail -n 1 "$tmp/d.err")")
"$report" icount "$tmp/e" "$tmp/d/icount-baseline.json" "$tmp/records.tsv" 2>"$tmp/e.err" || st=$?
((st == 0)) || problems+=("against its own baseline: exit status $st")
cmp -s "$tmp/d/icount-baseline.json" <("$report" --write-baseline icount "$tmp/f" /dev/null \
	"$root/tests/bench/fixture/records.icount.tsv" >/dev/null 2>&1; cat "$tmp/f/icount-baseline.json") ||
	problems+=("the model's records changed the baseline")
md=$tmp/e/icount-report.md
file_has "$md" \
	'## Model TLB misses per operation (model, not a measurement; docs/tlb-model.md)' \
	'## Estimated cycles per operation from a cost model (model estimate, never a measurement)' \
	'| ipc_roundtrip | process | pcid-off | skylake | off | 1000 | 4.000 | 8.000 | 2.000 / 3.000 / 1.000 | 2.000 (2.000) | 2.000 | 2.000 | 0.000 | 0.000 | 0.000 |' \
	'| 4 | 256 | 32 | 1024 | process | on (hints) | 0.500 | 0.100 | 0.010 | 0.050 |' \
	'| tlb_reads | process | M4-N256-K32-pcid-on | skylake | with PCID (model) | ' \
	'Not modelled (2 run(s): a skylake, b skylake): no PCID here.' \
	"Linux (bench/steps/linux-icount), booted \`mitigations=off nopcid\`"
[[ $(grep -c '^| ipc_roundtrip | process | pcid-off | skylake | off | ' "$md") == 4 ]] ||
	problems+=("not 4 rows of the process fixture (misses and estimate, guest and Linux)")
jq -e '.tlb_model.note | test("never measurements")' "$tmp/e/icount.json" >/dev/null 2>&1 ||
	problems+=("icount.json: no tlb_model.note saying model")
jq -e '.tlb_model.workloads[0].estimated_cycles_per_op as $e | $e.low <= $e.mid and $e.mid <= $e.high and $e.low > 0' \
	"$tmp/e/icount.json" >/dev/null 2>&1 || problems+=("icount.json: no estimate low <= mid <= high")
result bench/tlbmodel-report "${problems[@]}"

# 4: the model runs' configs: every process line without PCID (pcid=off)
# has its "process with PCID (model)" sibling (pcid=model, its id and
# variant pcid-model), and only the model runs have them.
problems=()
configs=$root/bench/steps/configs
"$configs" tlbmodel icount >"$tmp/cm.txt" && "$configs" guest icount >"$tmp/cg.txt" ||
	problems+=("bench/steps/configs tlbmodel|guest icount failed")
grep -q 'pcid=model' "$tmp/cg.txt" && problems+=("configs guest has pcid=model lines")
off=$(grep -c '|pcid=off[ |]' "$tmp/cm.txt")
model=$(grep -c '|pcid=model[ |]' "$tmp/cm.txt")
((off > 0 && off == model)) || problems+=("configs tlbmodel: $off pcid=off lines, $model pcid=model ones")
grep -q '^tlb-process-M4-N256-K32-pcid-model|pcid=model task=3\*bench_tlb:process:process:M4-N256-K32-pcid-model:' "$tmp/cm.txt" ||
	problems+=("configs tlbmodel: no tlb-process-M4-N256-K32-pcid-model line with its variant")
# Every one-CPU guest line (the model leaves out the cpus=N machines).
[[ $(grep -cv 'pcid=model' "$tmp/cm.txt") == $(grep -cv '|cpus=' "$tmp/cg.txt") ]] ||
	problems+=("configs tlbmodel: the one-CPU guest lines are not all there")
grep -q '|cpus=' "$tmp/cm.txt" && problems+=("configs tlbmodel: a cpus=N machine under the model")
sweep_model=$("$configs" tlbsweep icount | grep -c '|pcid=model[ |]')
((sweep_model == 24)) || problems+=("configs tlbsweep: $sweep_model pcid=model lines, want 24 (2 M x 4 N x 3 K)")
result bench/tlbmodel-configs "${problems[@]}"

exit $status
