# bench.jq: make bench's report: the targets, each guest mechanism beside its Linux baseline, report.md, results.json and the plot data.
#
# usage (bench/report/report runs it):
#   jq -n -r -L bench/report --rawfile records RECORDS --rawfile icount ICOUNT_RECORDS \
#       --slurpfile targets bench/targets.json -f bench/report/bench.jq
# Gives {files: {NAME: TEXT}, status: 0}.

include "format";
include "lib";
include "targets";
include "linux";
include "pmu";
include "smp";

# "median (min–max)" cycles and ns of a timed group.
def cyc_ns: "\(mmm("cycles_per_op")) cyc, \(mmm("ns_per_op")) ns";

# side_row($d; what; m; v; lk; llabel): a guest mechanism (platform kvm;
# its events from tcg where kvm has none) beside the Linux group lk.
def side_row($d; what; m; v; lk; llabel):
	group($d; "kvm"; what; m; v) as $gk
	| (if $gk | has("task_switches") then $gk else group($d; "tcg"; what; m; v) end) as $ck
	| (if $gk | has("ns_per_op") then $gk | cyc_ns
	   else skip_reason($d; "kvm"; what; m; v) as $r0
		| skip_reason($d; "tcg"; what; m; v) as $rt
		| (if $r0 | test("hardware KVM") then "no hardware KVM" + (if $rt != "" then "; and under TCG: " + $rt else "" end)
		   else $r0 end) as $r
		| "skipped" + (if $r != "" then " (\($r))" else "" end)
	   end) as $gt
	| (if lk | has("ns_per_op") then lk | cyc_ns else "—" end) as $lt
	| (if ($gk | has("ns_per_op")) and (lk | has("ns_per_op")) and ($gk | med("ns_per_op")) > 0
	   then "\((lk | med("ns_per_op")) / ($gk | med("ns_per_op")) | fixed(2))x" else "—" end) as $ratio
	| (if $ck | has("task_switches") then
		[$ck | med("task_switches"), med("cr3_writes"), med("wrpkru"), med("tlb_flushes"), med("syscalls") | num] | join(" / ")
	   else "—" end) as $ev
	| "| \(what) | \(m) \(v) | \($gt) | \(llabel) | \($lt) | \($ratio) | \($ev) |\n";

# The TLB shapes the Linux baselines ran, in order.
def tlb_shapes($d): [groups($d) | select(.b == "tlb_reads" and .p == "linux") | .v] | reduce .[] as $v ([]; if index([$v]) then . else . + [$v] end);

def side_table($d):
	group($d; "linux"; "ipc_roundtrip"; "linux-process"; "pipe") as $pipe
	| group($d; "linux"; "ipc_roundtrip"; "linux-thread"; "futex") as $futex
	| group($d; "linux"; "null_syscall"; "linux-process"; "getppid") as $getppid
	| group($d; "linux"; "yield_pingpong"; "linux-process"; "sched_yield") as $yield
	| group($d; "linux"; "pkey_switch"; "linux-process"; "wrpkru") as $pkey
	| ([(["process", "pcid-off"], ["process", "pcid-on"], ["shared", "same-group"], ["shared", "cross-group"],
		["kernel", "same-group"], ["kernel", "cross-group"], ["process", "pcid-off-word"],
		["shared", "same-group-word"], ["kernel", "same-group-word"]) as [$m, $v]
		| side_row($d; "ipc_roundtrip"; $m; $v; $pipe; "pipe, 2 processes")]
	+ [side_row($d; "ipc_roundtrip"; "shared"; "same-group"; $futex; "futex, 2 threads")]
	+ [(["process", "pcid-off"], ["shared", "same-group"], ["kernel", "same-group"], ["shared", "same-group-word"]) as [$m, $v]
		| side_row($d; "ipc_call_to_peer"; $m; $v; null; "(no Linux equivalent measured)")]
	+ [("process", "shared", "kernel") as $m | side_row($d; "null_syscall"; $m; "getpid"; $getppid; "getppid via SYSCALL")]
	+ [(["process", "pcid-off"], ["process", "pcid-on"], ["shared", "same-group"], ["kernel", "same-group"]) as [$m, $v]
		| side_row($d; "yield_pingpong"; $m; $v; $yield; "sched_yield, 2 processes")]
	+ [tlb_shapes($d)[] as $s
		| group($d; "linux"; "tlb_reads"; "linux-process"; $s) as $lp
		| group($d; "linux"; "tlb_reads"; "linux-thread"; $s) as $lt
		| side_row($d; "tlb_reads"; "process"; "\($s)-pcid-off"; $lp; "processes \($s)"),
		  side_row($d; "tlb_reads"; "process"; "\($s)-pcid-on"; $lp; "processes \($s)"),
		  side_row($d; "tlb_reads"; "shared"; "\($s)-same-group"; $lt; "threads \($s)"),
		  side_row($d; "tlb_reads"; "kernel"; "\($s)-same-group"; $lt; "threads \($s)")]
	+ ["| pkey_switch | (tasks cannot write PKRU; the kernel's WRPKRU per "
		+ "shared switch is in the events column) | — | WRPKRU A->B->A in one process | "
		+ (if $pkey | has("ns_per_op") then $pkey | cyc_ns
		   else "skipped: " + skip_reason($d; "linux"; "pkey_switch"; "linux-process"; "") end)
		+ " | — | — |\n"])
	| add;

def linux_rows($d):
	[groups($d) | select(.p == "linux")
		| "| \(.b) | \(.m) | \(.v) | \(mmm("cycles_per_op")) | \(mmm("ns_per_op")) | \(med("task_switches") | num)"
		+ " | \(med("syscalls") | num) | "
		+ (if has("cycles_per_op_with_switches") then "with switches \(mmm("cycles_per_op_with_switches")) cyc/read" else "" end)
		+ " |\n"] | add // "";

def guest_rows($d; p):
	"| benchmark | mode | variant | cycles/op | ns/op | switches | CR3 | WRPKRU | TLB flushes | syscalls | timer ticks |\n"
	+ "|---|---|---|---|---|---|---|---|---|---|---|\n"
	+ ([groups($d) | select(.p == p and has("task_switches") and (.b | startswith("kmem") | not))
		| "| \(.b) | \(.m) | \(.v) | \(if p == "tcg" then "n/a" else mmm("cycles_per_op") end)"
		+ " | \(if p == "tcg" then "n/a" else mmm("ns_per_op") end)"
		+ " | \([med("task_switches"), med("cr3_writes"), med("wrpkru"), med("tlb_flushes"), med("syscalls"), med("timer_ticks") | num] | join(" | ")) |\n"]
		| add // "");

# Both kernels as guests of shoji on this host: each shoji operation
# (platform kvm) beside its nearest Linux one inside Debian's Linux under
# shoji (platform shoji-linux, bench/steps/linux-shoji), the pairs of
# linux.jq.
def shoji_linux_section($d):
	"## Both kernels under shoji\n\n"
	+ if platform_seen($d; "shoji-linux") | not then
		"Skipped: \(skip_reason($d; "shoji-linux"; "all"; "linux"; ""))\n\n"
	  else
		"shoji's kernel and Debian's Linux (\($d.info["shoji-linux kernel"] // "")), each a guest of "
		+ "build/shoji on this host's KVM in the same `make bench` run. Ratio: Linux time / shoji time "
		+ "(above 1, shoji's operation is faster). What each side includes is listed under the "
		+ "-icount comparison in bench/METHODS.md.\n\n"
		+ "| shoji | shoji guest | Linux | Linux guest | ratio |\n|---|---|---|---|---|\n"
		+ ([linux_pairs[] | . as [$s, $l]
			| group($d; "kvm"; $s[0]; $s[1]; $s[2]) as $gs
			| group($d; "shoji-linux"; $l[0]; $l[1]; $l[2]) as $gl
			| select(($gs | has("ns_per_op")) or ($gl | has("ns_per_op")))
			| "| \($s | join(" ")) | \(if $gs | has("ns_per_op") then $gs | cyc_ns else "—" end) "
			+ "| \($l | join(" ")) | \(if $gl | has("ns_per_op") then $gl | cyc_ns else "—" end) "
			+ "| \(ratio($gl | med("ns_per_op"); $gs | med("ns_per_op"))) |\n"] | add // "")
		+ "\n"
	  end;

def shoji_section($d):
	"## shoji's own cost\n\n"
	+ "Instruction counts are callgrind's (valgrind --tool=callgrind "
	+ "--dump-before=run_loop: the part up to the run loop's entry, just "
	+ "before its first KVM_RUN; user-space instructions of shoji and its "
	+ "libraries, not the kernel's).  *host*: this machine; when its KVM "
	+ "cannot run shoji guests, shoji stops after its KVM assessment and probe guest (status "
	+ "126) and the count ends there.  *rig*: build/shoji-static inside the "
	+ "emulated-KVM rig, which gets to the run loop: its instruction count is "
	+ "shoji's own work and does not depend on emulation (except the probe's "
	+ "few exits), but its times are nested emulation, not performance.\n\n"
	+ "| where | what | value |\n|---|---|---|\n"
	+ ([groups($d)
		| if .b == "shoji_instructions" then "| \(.p) | instructions, \(.v) | \(mmm("instructions")) |\n"
		  elif .b == "shoji_rss" then "| \(.p) | \(.v) | \(mmm("kib")) KiB |\n"
		  elif .b == "shoji_start" then "| \(.p) | \(.v)\(if .p == "rig" then " (nested emulation)" else "" end) | \(mmm("us")) us |\n"
		  elif .b == "boot" and (.p == "rig" or .p == "host" or .p == "kvm") then
			"| \(.p) | guest TSC at the first task's main() (ticks since the vCPU's "
			+ "creation); kernel clock then | \(mmm("tsc_at_main")) ticks; \(mmm("clock_ns_at_main")) ns |\n"
		  else empty end] | add // "")
	+ "\n";

def plot_ops($d):
	"# label median min max kind(0 linux, 1 guest)\n"
	+ ([groups($d) | select((.p == "linux" or .p == "kvm") and has("ns_per_op") and .b != "kmem_per_task")
		| "\"\(.b) \(.m) \(.v)\" \(med("ns_per_op") | g) \(vmin("ns_per_op") | g) \(vmax("ns_per_op") | g) \(if .p == "kvm" then 1 else 0 end)\n"]
		| add // "");

def report($d; $t):
	[bench_targets($t; $d)] as $targets
	| platform_seen($d; "kvm") as $has_kvm | platform_seen($d; "tcg") as $has_tcg
	| platform_seen($d; "icount") as $icount_seen
	| kmem_section($d; if $has_kvm then "kvm" else "tcg" end; target_def($t; "kmem_per_shared_task")) as $kmem
	| {status: 0, files: {
	"report.md": ("# shoji benchmarks\n\n"
		+ "Generated by `make bench` (bench/run) on \($d.info.date // ""), commit \($d.info.git // "").  Each "
		+ "measurement was repeated \($d.info.runs // "") times: \"median (min–max)\" over the runs.  "
		+ "bench/METHODS.md says what every number includes.\n\n"
		+ "## Where it ran\n\n"
		+ "- **Host** (Linux baselines; real measurements of this machine): \($d.info.host // "").\n"
		+ "- **KVM**: \($d.info.kvm // "").\n"
		+ "- **Guest**: \($d.info.platform // "").\n"
		+ (if $d.info.rig != null then "- **Emulated-KVM rig** (shoji's own cost only): QEMU TCG -> Linux KVM "
			+ "-> shoji; guest CPU \($d.info.rig).  Times there are of emulation, never performance.\n" else "" end)
		+ "- QEMU: \($d.info.qemu // "").\n\n"
		+ "## Targets\n\n" + md_targets($targets) + "\n"
		+ "## Guest mechanisms beside Linux baselines\n\n"
		+ "Guest and Linux numbers of one row come from the same `make bench` run. "
		+ " Ratio: Linux time / guest time (above 1: the guest mechanism is "
		+ "faster).  Guest events per operation (task switches / CR3 writes / "
		+ "WRPKRU / TLB flushes / system calls) are from SYS_STATS deltas"
		+ (if $has_tcg then "; with no hardware KVM they come from one QEMU TCG run, whose timings "
			+ "are discarded (the counts do not depend on the accelerator)" else "" end) + ".\n\n"
		+ "| operation | guest mode, variant | guest | Linux baseline | Linux (this host) | ratio | guest events/op |\n"
		+ "|---|---|---|---|---|---|---|\n"
		+ side_table($d) + "\n"
		+ "## Linux baselines (this host: \($d.info.host // ""))\n\n"
		+ "| benchmark | mode | variant | cycles/op | ns/op | context switches/op | syscalls/op | extra |\n"
		+ "|---|---|---|---|---|---|---|---|\n"
		+ linux_rows($d) + "\n"
		+ (if $has_kvm then "## Guest results (shoji on hardware KVM)\n\n" + guest_rows($d; "kvm") + "\n" else "" end)
		+ pmu_section($d)
		+ (if $has_tcg then "## Guest event counters per operation (QEMU TCG, one run; timings discarded)\n\n"
			+ guest_rows($d; "tcg") + "\n" else "" end)
		+ shoji_linux_section($d)
		+ smp_section($d; false)
		+ $kmem.md
		+ shoji_section($d)
		+ (if $icount_seen then "## Path lengths\n\nInstructions per operation under QEMU -icount are in "
			+ "icount-report.md (`make bench-icount`); its targets are in the table above.\n\n"
		   else "## Path lengths\n\nNot run: `make bench-icount` measures instructions "
			+ "per operation under QEMU -icount (icount-report.md).\n\n" end)
		+ "## Skipped\n\n"
		+ (if ($d.skips | length) == 0 then "Nothing.\n" else "" end)
		+ ([$d.skips[] | "- \(if .platform == "icount" then "(make bench-icount) " else .platform + " " end)"
			+ "\(.benchmark) \(.mode) \(.variant): \(.reason)\n"] | add // "")
		+ "\n## Plots\n\n- [ops.svg](plots/ops.svg): time per operation, Linux "
		+ "baselines\(if $has_kvm then " and guest" else "" end) (median, bars min–max)\n- [kmem.svg](plots/kmem.svg): "
		+ "kernel memory per task against the number of tasks\n"
		+ (if $icount_seen then "- [icount.svg](plots/icount.svg): instructions per operation under -icount\n" else "" end)),
	"results.json": ("{\n  \"generated_by\": \"make bench (bench/run)\",\n"
		+ json_info($d) + json_results($d) + json_targets($targets) + "}\n"),
	"plots/ops.dat": plot_ops($d),
	"plots/kmem.dat": $kmem.dat}};

([$records | parse_records]) as $bench | ([$icount | parse_records]) as $ic
| aggregate($bench; $bench + $ic) as $d
| report($d; $targets[0])
