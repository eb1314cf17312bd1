# lib.jq: bench/run's records -> results grouped and summarised, and the parts both reports share (JSON sections, skips, kernel memory).
#
# RECORDS lines (bench/run): KIND <tab> PLATFORM <tab> RUN <tab> PAYLOAD [<tab> VALUE]
#   RESULT  PAYLOAD is a RESULT line's JSON (guest/user/lib/roi.h, bench/linux/common.h)
#   SKIP    PAYLOAD is {"benchmark","mode","variant","reason"}
#   INFO    PAYLOAD is a key, VALUE its text
# PLATFORM: linux (this host), kvm (shoji on hardware KVM), tcg (QEMU TCG,
# counters only), icount (QEMU -icount), host / rig (shoji's own cost).
#
# Every numeric field of the results that share platform, benchmark, mode
# and variant (and task, for kmem_per_task) is kept in run order, a group
# per key in the order of first appearance; the functions below give min,
# median and max over the runs.

include "format";

# The performance counters a RESULT line's "pmu" object may hold: the
# guest's (include/shoji/abi.h, shoji_pmu_event_name) and the Linux
# baselines' generic perf events (bench/linux/perf.h); each a field
# "pmu_NAME" of its group.
def pmu_events: ["instructions", "cycles", "dtlb_load_walks", "dtlb_store_walks", "dtlb_walks",
	"itlb_walks", "stlb_hits", "dtlb_read_misses", "dtlb_write_misses", "itlb_read_misses"];

# The fields a result may carry, in the order the JSON lists them.
def fields: ["cycles_per_op", "ns_per_op", "cycles_per_op_with_switches", "tsc_read_cycles",
	"task_switches", "cr3_writes", "wrpkru", "tlb_flushes", "syscalls", "timer_ticks",
	"shootdowns_sent", "shootdowns_received", "bytes",
	"tsc_at_main", "clock_ns_at_main", "tasks", "groups", "total_bytes", "per_task_bytes",
	"instructions", "kib", "us", "iterations", "warmup", "ticks_per_instruction", "boot_ticks",
	"entry_tsc", "calibration_ticks", "exits", "cpus", "pairs"] + [pmu_events[] | "pmu_" + .];


# The SYS_STATS counters: per operation, in results.json's counters_per_op.
def counters: ["task_switches", "cr3_writes", "wrpkru", "tlb_flushes", "syscalls", "timer_ticks"];

# parse_records: a records file's text -> [{kind, platform, run, payload, value}]; a
# payload that is not JSON (a RESULT line cut short) is left out with the line, and so are
# blank lines and comments ("#" first).
def parse_records:
	split("\n")[] | select(length > 0 and (startswith("#") | not)) | split("\t")
	| {kind: .[0], platform: .[1], run: .[2], text: .[3], value: .[4]}
	| if .kind == "INFO" then . else .payload = (.text | try fromjson catch null) end
	| select(.kind == "INFO" or (.payload | type) == "object");

# key(p; b; m; v): the key of a group.
def key(p; b; m; v): [p, b, m, v] | tojson;

# aggregate(info_records; records): {info, skips, order, groups}; INFO is
# taken from info_records only (make bench reads the icount records too).
def aggregate(info_records; records):
	{info: (reduce (info_records[] | select(.kind == "INFO")) as $r ({}; .[$r.text] = $r.value)),
	 skips: [records[] | select(.kind == "SKIP") | .payload as $s | {platform,
		benchmark: ($s.benchmark // ""), mode: ($s.mode // ""), variant: ($s.variant // ""),
		reason: ($s.reason // "")}],
	 order: [], groups: {}}
	| reduce (records[] | select(.kind == "RESULT")) as $r (.;
		# Counters are nested; a top-level field of the same name wins.
		# The performance counters, "pmu":{NAME:...}, as fields pmu_NAME.
		(($r.payload.counters // {}) + ($r.payload | del(.counters) | del(.pmu))
		 + (($r.payload.pmu // {}) | with_entries(.key = "pmu_" + .key))) as $x
		| ($x.variant // "" | tostring) as $v0
		| (if $x.benchmark == "kmem_per_task" and ($x.task // "") != "" then "\($v0), task \($x.task)" else $v0 end) as $v
		| key($r.platform; $x.benchmark // ""; $x.mode // ""; $v) as $k
		| (if .groups[$k] == null then .order += [$k]
			| .groups[$k] = {p: $r.platform, b: ($x.benchmark // ""), m: ($x.mode // ""), v: $v, vals: {}}
		   else . end)
		| (if ($x.cpu // "") != "" then .groups[$k].cpu = $x.cpu else . end)
		| (if ($x.pmu_skip // "") != "" then .groups[$k].pmu_skip = $x.pmu_skip else . end)
		| (if ($x.pmu_scope // "") != "" then .groups[$k].pmu_scope = $x.pmu_scope else . end)
		| reduce (fields[] | select(($x[.] | type) == "number")) as $f (.;
			.groups[$k].vals[$f] += [$x[$f]]));

# --- one group (null when absent) --------------------------------------------
def group($d; p; b; m; v): $d.groups[key(p; b; m; v)];
def has(f): . != null and .vals[f] != null;
def count(f): .vals[f] | length;
def vmin(f): if has(f) then .vals[f] | min else null end;
def vmax(f): if has(f) then .vals[f] | max else null end;
def med(f):
	if has(f) then .vals[f] | sort | length as $n
		| if $n % 2 == 1 then .[($n - 1) / 2] else (.[$n / 2 - 1] + .[$n / 2]) / 2 end
	else null end;
# run(f; r): the value of the r-th run (1-based) as recorded, for determinism checks.
def run(f; r): if has(f) then .vals[f][r - 1] else null end;
# mmm(f): "median (min–max)" of a field, "" when absent.
def mmm(f):
	if has(f) | not then ""
	elif count(f) == 1 then med(f) | num
	else "\(med(f) | num) (\(vmin(f) | num)–\(vmax(f) | num))" end;
# The groups of a data set, in order.
def groups($d): $d.order[] as $k | $d.groups[$k];
def platform_seen($d; p): any(groups($d); .p == p);

# skip_reason($d; p; b; m; v): why a result was skipped (the whole guest, or
# this benchmark, mode and variant; an empty m or v matches any), shortened
# for a table cell; "" when it was not.
def skip_reason($d; p; b; m; v):
	[$d.skips[] | select(.platform == p and (.benchmark == "guest"
		or (.benchmark == b and (m == "" or .mode == m) and (v == "" or .variant == v))))][0]
	| if . == null then ""
	  elif .reason | test("cmdline: ") then .reason | sub(".*cmdline: "; "") | sub(" \\(console: .*"; "")
	  else .reason end;

# --- JSON sections (the layout awk wrote: one result a line) ------------------
def json_results($d):
	"  \"results\": [\n"
	+ ([groups($d) as $g
		| {platform: $g.p, benchmark: $g.b, mode: $g.m, variant: $g.v}
		+ (if $g.cpu then {cpu: $g.cpu} else {} end)
		+ (if $g.p == "tcg" then {timings: null, note: "QEMU TCG: event counters only, timings discarded"}
		   elif $g.p == "icount" then {note: "QEMU -icount shift=0: cycles are guest instructions, ns meaningless"}
		   else {} end)
		+ (reduce (fields[] | select(. as $f | $g | has($f)) | select(. as $f | counters | index($f) | not)) as $f ({};
			.[$f] = {runs: ($g | count($f)), min: ($g | vmin($f) | gnum), median: ($g | med($f) | gnum),
				max: ($g | vmax($f) | gnum)}))
		+ {counters_per_op: (reduce counters[] as $f ({}; .[$f] = ($g | med($f) | if . == null then null else gnum end))
			+ (if $g.p == "icount" then {vm_exits: null} else {} end))}
		| "    " + tojson] | join(",\n"))
	+ (if ($d.order | length) > 0 then "\n" else "" end)
	+ "  ],\n  \"skipped\": [\n"
	+ ([$d.skips[] | "    " + tojson] | join(",\n"))
	+ (if ($d.skips | length) > 0 then "\n" else "" end)
	+ "  ],\n";

def json_info($d):
	"  \"environment\": {"
	+ ([$d.info | to_entries[] | "\n    \(.key | tojson): \(.value | tojson)"] | join(","))
	+ "\n  },\n";

# --- kernel memory per task -----------------------------------------------------
# kmem_section($d; p; target): the markdown section and the plot data
# (plots/kmem.dat) for platform p, as {md, dat}.
def kmem_section($d; p; target):
	[1, 15, 16, 256, 1024] as $counts | ["process", "shared", "kernel"] as $modes
	| {md: ("## Kernel memory per task\n\n"
		+ "Bytes of kernel memory held for a task (`sys_kmem`: its task structure "
		+ "and an equal share of its group's page tables and group structure), for "
		+ "the first and the last of COUNT tasks started together, and the total "
		+ "over all of them from the kernel's \"task N started: ... B bytes of "
		+ "kernel memory\" lines.  Platform: "
		+ (if p == "kvm" then "shoji on KVM" elif p == "icount" then "QEMU -icount" else "QEMU TCG" end)
		+ " (the accounting is the same on every accelerator).  Target: at most "
		+ "\(target.threshold | g) \(target.unit) per shared task.  The FPU column: "
		+ "sys_kmem of the first task when every task ran an SSE instruction first "
		+ "(bench_kmem_fpu), and so holds its FXSAVE image too; no target.\n\n"
		+ "| mode | tasks | groups | sys_kmem, first task | sys_kmem, last task | total | total / tasks | sys_kmem, first task, FPU |\n"
		+ "|---|---|---|---|---|---|---|---|\n"
		+ ([$counts[] as $c | $modes[] as $m
			| group($d; p; "kmem_per_task"; $m; "\($c) tasks, task 1") as $k
			| group($d; p; "kmem_per_task"; $m; "\($c) tasks, task \($c)") as $kl
			| group($d; p; "kmem_total"; $m; "\($c) tasks") as $kt
			| group($d; p; "kmem_per_task"; $m; "\($c) FPU tasks, task 1") as $kf
			| select(($k | has("bytes")) or ($kt | has("total_bytes")))
			| "| \($m) | \($c) | \(if $kt | has("groups") then $kt | med("groups") | g else "—" end)"
			+ " | \(if $k | has("bytes") then $k | med("bytes") | g else "—" end)"
			+ " | \(if $kl | has("bytes") then $kl | med("bytes") | g elif $c == 1 then "(same)" else "—" end)"
			+ " | \(if $kt | has("total_bytes") then $kt | med("total_bytes") | g else "—" end)"
			+ " | \(if $kt | has("per_task_bytes") then $kt | med("per_task_bytes") | num else "—" end)"
			+ " | \(if $kf | has("bytes") then $kf | med("bytes") | g else "—" end) |\n"]
			| add // "")
		+ "\n"),
	   dat: ("# tasks process shared kernel (bytes per task, sys_kmem of the first task)\n"
		+ ([$counts[] as $c | "\($c)" + ([$modes[] as $m | group($d; p; "kmem_per_task"; $m; "\($c) tasks, task 1")
			| " " + (if has("bytes") then med("bytes") | g else "NaN" end)] | add) + "\n"] | add))};
