# icount.jq: make bench-icount's report: path lengths, determinism, the baseline check, icount-report.md, icount.json, and the baseline this run would write.
#
# usage (bench/report/report runs it):
#   jq -n -r -L bench/report --rawfile records RECORDS --slurpfile baseline BASELINE \
#       --slurpfile targets bench/targets.json --slurpfile costs bench/costmodel.json \
#       --argjson write_baseline 0|1 -f bench/report/icount.jq
# Gives {files: {NAME: TEXT}, status}: status 1 when a count grew by more
# than 2% over BASELINE or the two runs of a workload differ by more than
# that.

include "format";
include "lib";
include "targets";
include "linux";
include "tlb";
include "smp";

# A count more than this factor over its baseline has grown.
def grew_factor: 1.02;

# The baseline's metrics and the field each one is recorded in.
def metric_field: {instructions_per_op: "cycles_per_op", bytes: "bytes", instructions_to_main: "tsc_at_main",
	kernel_boot_instructions: "boot_ticks"};

# The workloads measured twice: {nd, ndiff, worst}, the runs of each in rows.
def determinism($d):
	[groups($d) | select(.p == "icount" and has("cycles_per_op") and count("cycles_per_op") >= 2)
		| run("cycles_per_op"; 1) as $r1 | run("cycles_per_op"; 2) as $r2
		| {same: ($r1 == $r2), diff: (if $r1 != 0 then (($r2 - $r1) / $r1 | fabs) else 0 end)}]
	| {nd: length, ndiff: (map(select(.same | not)) | length), worst: (map(.diff) | max // 0)};

def workload_rows($d):
	[groups($d) | select(.p == "icount" and has("cycles_per_op"))
		| run("cycles_per_op"; 1) as $r1
		| (if count("cycles_per_op") >= 2 then run("cycles_per_op"; 2) else null end) as $r2
		| "| \(.b) | \(.m) | \(.v) | \($r1 | num) | \(if $r2 == null then "—" elif $r2 == $r1 then "same" else $r2 | num end)"
		+ " | \(med("task_switches") | num) | \(med("cr3_writes") | num) | \(med("wrpkru") | num)"
		+ " | \(med("tlb_flushes") | num) | \(med("syscalls") | num) | \(med("timer_ticks") | num) | n/a |\n"]
	| add // "";

def plot_data($d):
	"# label instructions\n"
	+ ([groups($d) | select(.p == "icount" and has("cycles_per_op"))
		| "\"\(.b) \(.m) \(.v)\" \(run("cycles_per_op"; 1) | g)\n"] | add // "");

# The platforms the baseline holds: shoji's, and Linux's under the same
# settings (bench/steps/linux-icount) but for its boot of several CPUs,
# whose counts are not repeatable (linux.jq); a workload without "platform"
# is shoji's.
def baseline_platform: startswith("icount") and . != linux_smp_platform;

# The baseline check against $base (bench/icount-baseline.json's
# workloads): {md, check, grew}.
def baseline_check($d; $base; $write):
	if $write then
		{md: "This run wrote the baseline; nothing was checked.\n\n",
		 check: "icount: wrote a new baseline (bench/icount-baseline.json) from this run; nothing checked\n", grew: 0}
	elif ($base | length) == 0 then
		{md: "No baseline to check against.\n\n",
		 check: "icount: no baseline (bench/icount-baseline.json); write one with bench/run --icount --write-baseline\n", grew: 0}
	else
		[$base[] | . as $w | metric_field[$w.metric] as $f
			| ($w.platform // "icount") as $p
			| group($d; $p; $w.benchmark; $w.mode; $w.variant) as $k
			| (if $p == "icount" then "" else "\($p) " end) as $pre
			| "\($pre)\($w.benchmark) \($w.mode) \($w.variant) (\($w.metric))" as $name
			| if $k | has($f) | not then
				{md: "| \($pre)\($w.benchmark) | \($w.mode) | \($w.variant) | \($w.metric) | \($w.value | g) | — | missing |\n",
				 check: "icount: \($name): in the baseline, not measured now\n", grew: 0}
			  else ($k | run($f; 1)) as $cur | $w.value as $bl
				| (if $bl != 0 then ($cur - $bl) / $bl else 0 end) as $diff
				| ($cur > $bl * grew_factor) as $grew
				| {md: "| \($pre)\($w.benchmark) | \($w.mode) | \($w.variant) | \($w.metric) | \($bl | num) | \($cur | num) | \($diff * 100 | signed_fixed(2))%\(if $grew then " **grew**" else "" end) |\n",
				   check: (if $grew then "icount: GREW \($name): \($bl | num) -> \($cur | num) (\($diff * 100 | signed_fixed(2))%)\n" else "" end),
				   grew: (if $grew then 1 else 0 end), seen: key($p; $w.benchmark; $w.mode; $w.variant), field: $f}
			  end] as $rows
		| ([$rows[] | select(.field == "cycles_per_op") | .seen]) as $seen
		| ($rows | map(.grew) | add) as $grew
		| {md: ("| benchmark | mode | variant | metric | baseline | now | change |\n|---|---|---|---|---|---|---|\n"
			+ ($rows | map(.md) | add)),
		   check: (($rows | map(.check) | add)
			+ ([groups($d) | select((.p | baseline_platform) and has("cycles_per_op"))
				| select(key(.p; .b; .m; .v) as $k | $seen | index([$k]) | not)
				| "icount: \(if .p == "icount" then "" else "\(.p) " end)\(.b) \(.m) \(.v): new, not in the baseline\n"] | add // "")
			+ (if $grew > 0 then "icount: \($grew) count(s) grew by more than 2% over bench/icount-baseline.json\n"
			   else "icount: no count grew by more than 2% over bench/icount-baseline.json (\($base | length) checked)\n" end)),
		   grew: $grew}
	end;

# The baseline this run would write: one workload a line.
def new_baseline($d):
	"{\n  \"what\": \"instructions per operation (RDTSC deltas under QEMU -icount shift=0,sleep=off), "
	+ "bytes of kernel memory per task, instructions from reset to the first task and the kernel's boot without calibration; make bench-icount "
	+ "prints and fails on any that grew by more than 2%\",\n"
	+ "  \"qemu\": \($d.info.qemu // "" | tojson),\n  \"git\": \($d.info.git // "" | tojson),\n"
	+ "  \"date\": \($d.info.date // "" | tojson),\n"
	+ "  \"linux\": \($d.info["icount-linux kernel"] // "" | tojson),\n  \"workloads\": [\n"
	+ ([groups($d) | select(.p == "icount") | . as $k
		| (["cycles_per_op", "instructions_per_op"], ["bytes", "bytes"], ["tsc_at_main", "instructions_to_main"],
			["boot_ticks", "kernel_boot_instructions"]) as [$f, $metric]
		| select($k | has($f))
		| "    " + ({benchmark: $k.b, mode: $k.m, variant: $k.v, metric: $metric} | tojson | .[0:-1])
		+ ",\"value\":\($k | run($f; 1) | g)}"]
	+ [groups($d) | select((.p | startswith("icount-linux")) and (.p | baseline_platform) and has("cycles_per_op"))
		| "    " + ({platform: .p, benchmark: .b, mode: .m, variant: .v, metric: "instructions_per_op"} | tojson | .[0:-1])
		+ ",\"value\":\(run("cycles_per_op"; 1) | g)}"] | join(",\n"))
	+ "\n  ]\n}\n";

# shoji's own cost beside the path lengths (bench/steps/shoji-cost, run by
# make bench-icount too): counted, not timed.
def cost_md($d):
	[("host", "rig") as $p
		| group($d; $p; "shoji_instructions"; $p; "exec to the run loop's first KVM_RUN") as $i
		| group($d; $p; "shoji_exits"; $p; "exec to the first task instruction") as $x
		| group($d; $p; "shoji_rss"; $p; "resident memory apart from guest RAM") as $r
		| select($i != null or $x != null or $r != null)
		| "- \(if $p == "rig" then "build/shoji-static inside the emulated-KVM rig (nested KVM: counts, not times)" else "this host" end): "
		+ ([(if $i != null then "\($i | med("instructions") | int) instructions (callgrind) from exec to the first KVM_RUN" else empty end),
			(if $x != null then "\($x | med("exits") | int) VM exits from exec to the first task instruction" else empty end),
			(if $r != null then "\($r | med("kib") | int) KiB resident apart from guest RAM" else empty end)] | join("; "))
		+ ".\n"] as $lines
	| if ($lines | length) == 0 then ""
	  else "shoji's own cost (bench_boot in process mode, bench/steps/shoji-cost):\n\n" + ($lines | add) + "\n" end;

def report($d; $r; $t; $base; $write):
	[icount_targets($t; $d; ""), cost_targets($t; $d)] as $targets
	| determinism($d) as $det
	| baseline_check($d; $base; $write) as $check
	| group($d; "icount"; "ipc_call_to_peer"; "shared"; "same-group") as $tick
	| group($d; "icount"; "boot"; "process"; "first task") as $boot
	| [("process", "shared", "kernel") as $m | group($d; "icount"; "boot"; $m; "kernel entry to main()")
		| select(. != null and has("boot_ticks"))] as $kboot
	| kmem_section($d; "icount"; target_def($t; "icount_kmem_per_shared_task")) as $kmem
	| linux_section($d) as $linux
	| tlb_section($r; $costs[0].costs; $d.skips) as $tlb
	| {status: (if $det.worst > grew_factor - 1 or $check.grew > 0 or $linux.status > 0 then 1 else 0 end),
	   files: {
	"icount-report.md": ("# shoji path lengths under QEMU -icount\n\n"
		+ "Generated by `make bench-icount` (bench/run --icount) on \($d.info.date // ""), commit \($d.info.git // ""), "
		+ "with \($d.info.qemu // "").\n\n"
		+ "QEMU runs the guest with `-icount shift=0,sleep=off`: virtual time "
		+ "advances 2^0 = 1 ns per guest instruction, and the guest's TSC follows "
		+ "virtual time, so **one TSC tick is one instruction**.  The kernel "
		+ "calibrates its TSC against the PIT (QEMU's CPUID has no TSC frequency), "
		+ "in virtual time: \(if ($d.info.tsc // "") != "" then "\"\($d.info.tsc)\"" else "(calibration line not found)" end), "
		+ "i.e. about 1 tick per virtual ns.  So "
		+ "`cycles_per_op` (RDTSC deltas) below is **instructions per operation**, "
		+ "exact and repeatable; `ns_per_op` (sys_clock) is the same count scaled "
		+ "by the calibration and meaningless as time.  `quantum=1000` keeps timer "
		+ "interrupts out of the measured loops.  VM exits do not exist under "
		+ "QEMU: n/a.\n\n"
		+ (if $tick | has("tsc_read_cycles") then
			"Check of the tick: two back-to-back TSC reads (`lfence; rdtsc; lfence`, "
			+ "bench/tasks/bench.h) differ by \($tick | med("tsc_read_cycles") | int) ticks, the number of instructions from "
			+ "one RDTSC to the next in the compiled code (bench/METHODS.md).\n\n" else "" end)
		+ "## Targets\n\n" + md_targets($targets)
		+ "\n## Instructions and privileged events per operation\n\n"
		+ "| benchmark | mode | variant | instructions/op | run 2 | task switches | CR3 writes | WRPKRU "
		+ "| TLB flushes | syscalls | timer ticks | VM exits |\n"
		+ "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
		+ workload_rows($d)
		+ "\nBoot (bench_boot as the only task): "
		+ (if $boot | has("tsc_at_main") then
			"\($boot | med("tsc_at_main") | num) instructions from reset to the task's main() in process mode, "
			+ "firmware and clock calibration included.  The kernel's own boot, from its first instruction "
			+ "(boot.S reads the TSC) to the task's main(), less the PIT and local APIC calibration windows "
			+ "(QEMU's CPUID gives neither frequency; shoji's gives both, and the kernel then calibrates nothing): "
			+ (if ($kboot | length) > 0 then
				([$kboot[] | "\(.m) \(med("boot_ticks") | int) (and \(med("calibration_ticks") | int) calibrating)"] | join(", "))
				+ " instructions.\n\n"
			   else "not measured.\n\n" end)
		   else "not measured.\n\n" end)
		+ cost_md($d)
		+ $kmem.md
		+ $linux.md
		+ smp_section($d; true)
		+ $tlb.md
		+ "## Determinism\n\n"
		+ (if $det.nd == 0 then "No workload ran twice.\n\n"
		   elif $det.ndiff == 0 then "Every one of the \($det.nd) workloads ran twice with identical instructions per operation.\n\n"
		   else "\($det.ndiff) of \($det.nd) workloads differed between their two runs; the largest difference was \($det.worst * 100 | fixed(3))%.\n\n" end)
		+ "## Against bench/icount-baseline.json\n\n" + $check.md
		+ "## Skipped\n\n"
		+ (if ($d.skips | length) == 0 then "Nothing.\n" else "" end)
		+ ([$d.skips[] | "- \(.benchmark) \(.mode) \(.variant): \(.reason)\n"] | add // "")
		+ "\n## Plot\n\n- [icount.svg](plots/icount.svg): instructions per operation\n"
		+ (if $linux.dat != "" then "- [icount-linux.svg](plots/icount-linux.svg): Linux / shoji, instructions per operation\n" else "" end)),
	"icount.json": ("{\n  \"generated_by\": \"make bench-icount (bench/run --icount)\",\n"
		+ json_info($d) + json_results($d) + $tlb.json + json_targets($targets) + "}\n"),
	"icount-check.txt": ($check.check
		+ (if $det.ndiff > 0 then "icount: \($det.ndiff) workload(s) differed between two runs (largest \($det.worst * 100 | fixed(3))%)\n"
		   elif $det.nd > 0 then "icount: deterministic: \($det.nd) workloads ran twice with identical counts\n" else "" end)
		+ $linux.check + smp_check($d)),
	"icount-baseline.json": new_baseline($d),
	"plots/icount.dat": plot_data($d),
	"plots/icount-linux.dat": $linux.dat,
	"plots/kmem.dat": $kmem.dat}};

($records | [parse_records]) as $r | aggregate($r; $r) as $d
| report($d; $r; $targets[0]; ($baseline[0].workloads // []); $write_baseline == 1)
