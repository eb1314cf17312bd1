# smp.jq: the reports' section "Several CPUs": the IPC round trip across two CPUs and M ping-pong pairs on N CPUs, shoji's rows and Linux's in one table, keyed by benchmark; then the cost of a TLB shootdown.
#
# Included by icount.jq (make bench-icount: instructions) and bench.jq
# (make bench: time).  A row is any result of a benchmark in
# smp_benchmarks on one of the section's platforms, shoji's and Linux's
# alike, so a guest task that prints RESULT lines under these benchmark
# names joins the table without a change here.  Each such line carries
# "cpus" (the CPUs the benchmark uses, N) and "pairs" (the ping-pong
# pairs, M; 1 for the round trip across two CPUs), fields lib.jq keeps,
# and "cycles_per_op" and "ns_per_op" per round trip over all pairs: the
# inverse of the throughput.  bench/METHODS.md ("Several CPUs") says what
# each side measures.

include "format";
include "lib";

# [benchmark, what it is].
def smp_benchmarks: [
	["ipc_roundtrip_xcpu", "IPC round trip, the two sides on two CPUs"],
	["ipc_pairs", "M independent ping-pong pairs on N CPUs, each pair on one CPU, round trips of all pairs together"]
];

# The section's platforms: [platform, system, where].
def smp_platforms_icount: [["icount", "shoji", "QEMU -icount"], ["icount-linux-smp4", "Linux", "Debian's kernel under QEMU -icount -smp 4"]];
def smp_platforms_bench: [["kvm", "shoji", "shoji on hardware KVM"], ["linux", "Linux", "this host"]];

# The rows of $d on $platforms, in benchmark order, then by CPUs, pairs,
# system, mode and variant: [{b, sys, g}].
def smp_groups($d; $platforms):
	[smp_benchmarks[] as [$b, $what] | [groups($d) | select(.b == $b) | . as $g
		| ($platforms[] | select(.[0] == $g.p)) as [$p, $sys]
		| {b: $b, sys: $sys, g: $g, order: [($g | med("cpus")), ($g | med("pairs")), $sys, $g.m, $g.v]}]
		| sort_by(.order)[]];

# The skipped results of these benchmarks on $platforms, as list lines.
def smp_skips($d; $platforms):
	[$d.skips[] | . as $s | select(smp_benchmarks | any(.[0] == $s.benchmark))
		| ($platforms[] | select(.[0] == $s.platform)) as [$p, $sys]
		| "- \($sys) \($s.benchmark) \($s.mode) \($s.variant): skipped, \($s.reason)\n"] | add // "";

# The Linux runs of several CPUs under -icount, which are not repeatable:
# {n, worst} over the groups that ran more than once, worst the largest
# (max - min) / min.
def smp_spread($d):
	[groups($d) | select(.p == "icount-linux-smp4" and .b != "tsc_loop" and has("cycles_per_op")
		and count("cycles_per_op") >= 2)
		| (vmax("cycles_per_op") - vmin("cycles_per_op")) / vmin("cycles_per_op")]
	| {n: length, worst: (max // 0)};

# make bench-icount's check line for them: not a verdict, the spread.
def smp_check($d):
	smp_spread($d) as $s
	| if $s.n == 0 then ""
	  else "icount: Linux on several CPUs: \($s.n) measurements ran more than once, largest spread "
		+ "\($s.worst * 100 | fixed(3))% (not checked: bench/METHODS.md, \"Several CPUs\")\n" end;

# One table row: per round trip (median (min–max) over the runs) and the
# throughput at the median, by $icount (instructions) or time.
def smp_row($icount):
	.g as $g
	| (if $icount then "cycles_per_op" else "ns_per_op" end) as $f
	| ($g | med($f)) as $per
	| "| \(.b) | \(.sys) | \($g.m) | \($g.v) | \($g | med("cpus") // 0 | int) | \($g | med("pairs") // 0 | int) | "
	+ "\($g | mmm($f))\(if $icount then "" else " ns" end) | "
	+ (if $per == null or $per <= 0 then "—"
	   elif $icount then 1000000 / $per | fixed(1)
	   else 1000000000 / $per | int end) + " |\n";

# --- the cost of a TLB shootdown ----------------------------------------
# tlb_shootdown (bench/tasks/bench_shootdown.c): a page mapped, written
# and unmapped with a group-mate on another CPU (variant remote: one
# shootdown per unmap) and on the same CPU (local: none); any platform's
# results of that name and those two variants, a row per system and mode.

def shootdown_benchmark: "tlb_shootdown";

# [{sys, m, local, remote}] on $platforms, in platform then mode order.
def shootdown_groups($d; $platforms):
	[$platforms[] as [$p, $sys]
		| ([groups($d) | select(.p == $p and .b == shootdown_benchmark) | .m] | unique
			| sort_by(. as $m | ["shared", "kernel"] | index($m) // 2))[] as $m
		| {sys: $sys, m: $m, local: group($d; $p; shootdown_benchmark; $m; "local"),
		   remote: group($d; $p; shootdown_benchmark; $m; "remote")}];

# One row: local, remote, their difference at the medians and each
# side's shootdowns served per operation (the other CPUs' flushes: for
# shoji the same as sent, which bench_shootdown checks; for Linux the TLB
# interrupts of /proc/interrupts), in instructions ($icount) or cycles and
# ns.
def shootdown_row($icount):
	def cell($g): if $g | has("cycles_per_op") | not then "—"
		elif $icount then $g | mmm("cycles_per_op")
		else "\($g | mmm("cycles_per_op")) cyc, \($g | med("ns_per_op") | num) ns" end;
	. as $r
	| (if ($r.local | has("cycles_per_op")) and ($r.remote | has("cycles_per_op")) then
		(($r.remote | med("cycles_per_op")) - ($r.local | med("cycles_per_op"))) as $c
		| if $icount then $c | num
		  else "\($c | num) cyc, \(($r.remote | med("ns_per_op")) - ($r.local | med("ns_per_op")) | num) ns" end
	   else "—" end) as $diff
	| "| \($r.sys) | \($r.m) | \(cell($r.local)) | \(cell($r.remote)) | \($diff) | "
	+ "\($r.remote | med("shootdowns_received") | num) | \($r.local | med("shootdowns_received") | num) |\n";

# The subsection; "" when neither a result nor a skip of it is there.
def shootdown_section($d; $platforms; $icount):
	shootdown_groups($d; $platforms) as $rows
	| ([$d.skips[] | . as $s | select($s.benchmark == shootdown_benchmark)
		| ($platforms[] | select(.[0] == $s.platform)) as [$p, $sys]
		| "- \($sys) \($s.benchmark) \($s.mode) \($s.variant): skipped, \($s.reason)\n"] | add // "") as $skips
	| if ($rows | length) == 0 and $skips == "" then ""
	  else "### The cost of a TLB shootdown\n\n"
		+ "`\(shootdown_benchmark)`: one page mapped, written and unmapped (`sys_map`, a store, `sys_unmap`) "
		+ "by a task of a `shared` or `kernel` group on CPU 0, on a machine of two CPUs, with a group-mate "
		+ "that ran once and waits in a receive: on CPU 1 (remote: that CPU keeps the group installed, so "
		+ "every unmap shoots its TLB down, one request per operation) or on CPU 0 (local: none).  "
		+ "**remote − local is the cost of one shootdown**: the request, the IPI, the other CPU's "
		+ "interrupt, flush and end of interrupt, and the sender's wait for it "
		+ "(bench/METHODS.md, \"Several CPUs\").  "
		+ (if $icount then
			"In instructions of both CPUs together, deterministic: QEMU runs the vCPUs round-robin, so "
			+ "the wait is as long as QEMU takes to run the other vCPU (the sender's spin until it does "
			+ "is counted), not as long as hardware would take.\n\n"
			+ "| system | mode | local, instructions per op | remote | one shootdown (remote − local) | shootdowns served per op, remote | local |\n"
		   else
			"TSC cycles and ns per operation, median (min–max) over the runs; the difference is "
			+ "of the medians.\n\n"
			+ "| system | mode | local, per op | remote | one shootdown (remote − local) | shootdowns served per op, remote | local |\n"
		   end)
		+ "|---|---|---|---|---|---|---|\n"
		+ ([$rows[] | shootdown_row($icount)] | add // "")
		+ (if $skips != "" then "\n" + $skips else "" end) + "\n"
	  end;

# smp_section($d; $icount): the markdown section; $icount: make bench-icount's platforms and units.
def smp_section($d; $icount):
	(if $icount then smp_platforms_icount else smp_platforms_bench end) as $platforms
	| smp_groups($d; $platforms) as $rows
	| smp_skips($d; $platforms) as $skips
	| shootdown_section($d; $platforms; $icount) as $shootdown
	| "## Several CPUs\n\n"
	+ if ($rows | length) == 0 and $skips == "" then "Not measured.\n\n" + $shootdown
	  else
		([smp_benchmarks[] | "- `\(.[0])`: \(.[1]).\n"] | add)
		+ "\nSystems: " + ([$platforms[] | "\(.[1]) (\(.[2]))"] | join(", ")) + ". "
		+ (if $icount then
			"QEMU runs the vCPUs round-robin in one thread and the guest TSC counts the instructions "
			+ "of all of them, so the instructions per round trip are the whole machine's, every CPU "
			+ "together (a halted CPU counts nothing), and round trips per million instructions cannot "
			+ "grow with N as a wall-clock throughput would: they show what several CPUs add to each "
			+ "round trip (bench/METHODS.md, \"Several CPUs\").  Each row is the median (min–max) over "
			+ "the runs: with several CPUs busy, Linux's runs here are not repeatable (every CPU's clock "
			+ "advances with all CPUs' instructions, and Linux's time-driven scheduling decisions change "
			+ "with QEMU's interleaving; the largest spread of this run is "
			+ "\(smp_spread($d).worst * 100 | fixed(1))%), so these counts are not in the baseline.\n\n"
			+ "| benchmark | system | mode | variant | CPUs | pairs | instructions per round trip | round trips per million instructions |\n"
		   else
			"Time per round trip over all pairs (median (min–max) over the runs) and the throughput "
			+ "at the median.\n\n"
			+ "| benchmark | system | mode | variant | CPUs | pairs | time per round trip | round trips per second |\n"
		   end)
		+ "|---|---|---|---|---|---|---|---|\n"
		+ ([$rows[] | smp_row($icount)] | add // "")
		+ (if $skips != "" then "\n" + $skips else "" end) + "\n"
		+ $shootdown
	  end;
