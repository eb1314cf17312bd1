# tlbjoin.jq: joins the TLB model plugin's per-region counts (docs/tlb-model.md) to the RESULT lines of the same run, checks the join, and prints the model's counts per operation.
#
# usage: jq -n -r --rawfile model PLUGIN_OUT --rawfile console CONSOLE --arg config ID -f bench/steps/tlbjoin.jq
#
# Region K of the plugin's file (roi_begin/roi_end, or the Linux
# baselines' mark_begin/mark_end) is the K-th RESULT line of the console.
# The join holds when: the file has its header and total lines; no marker
# was unpaired and no hint was refused; with pcid=hints or pcid=model the kernel's hints
# were seen; there are as many regions as RESULT lines, numbered in order;
# and each region's instructions are its RESULT's TSC ticks (under -icount
# shift=0 one tick is one instruction) within join_allowance.  Anything
# else stops with an error naming the config (jq exits 5).
#
# Prints one JSON object a line per region: the RESULT's benchmark, mode
# and variant, the plugin's settings, and per_op: every count divided by
# the region's operations (ops_divisor).

# Instructions a region may differ from its RESULT's ticks: the marker
# NOPs and the TSC reads sit a few instructions apart in one asm statement
# (guest/user/lib/roi.h, bench/method.h: 5; 64 is generous), plus the
# RESULT's rounding (three decimals per operation: at most 0.0005 per
# operation, doubled).  Linux's regions (modes linux-*) take its timer
# interrupts (HZ 250), and one that lands between a marker and its RDTSC is
# in one count and not the other (285 instructions seen in a tlb_reads
# thread region): 20000 more for each end.  shoji's quantum=1000 keeps
# interrupts out of its regions.
def join_allowance($x; $ops): 64 + 0.001 * $ops + (if $x.mode | startswith("linux-") then 40000 else 0 end);

# The M of a tlb_reads variant "M<M>-N<N>-K<K>...".
def tasks_of: (.variant // "" | capture("^M(?<m>[0-9]+)-") | .m | tonumber) // 1;

# Operations in a region, and the TSC ticks its RESULT says the region took
# (null: the RESULT times only part of the region, then its ticks are a
# lower bound).  tlb_reads: cycles_per_op counts the reporter's read slices
# only; cycles_per_op_with_switches is the whole region over M x OPS reads.
# ipc_call_to_peer: cycles_per_op sums the calls alone.
def ops_divisor: if .benchmark == "tlb_reads" then .iterations * tasks_of else .iterations end;
def region_ticks:
	if .benchmark == "tlb_reads" then .cycles_per_op_with_switches * ops_divisor
	elif .benchmark == "ipc_call_to_peer" then null
	else .cycles_per_op * .iterations end;
def lower_ticks: .cycles_per_op * .iterations;

def fail($msg): error("config \($config): \($msg)");

# The counts of one region, per operation.
def per_op($r; $d):
	def k($kind): $r[$kind] // {};
	def n($x): ($x // 0) / $d;
	{insns: n($r.insns),
	 itlb_l1: n(k("fetch").l1_misses),
	 dtlb_l1: n((k("load").l1_misses // 0) + (k("store").l1_misses // 0)),
	 stlb_hits: n([("fetch", "load", "store") as $x | (k($x).l1_misses // 0) - (k($x).l2_misses // 0)] | add),
	 walks_fetch: n(k("fetch").walks), walks_load: n(k("load").walks), walks_store: n(k("store").walks),
	 walks: n([("fetch", "load", "store") as $x | k($x).walks // 0] | add),
	 cr3_writes: n($r.cr3_writes), cr3_noflush: n($r.cr3_noflush),
	 cr3_flush: n(($r.cr3_writes // 0) - ($r.cr3_noflush // 0)),
	 dropped_entries: n($r.dropped)}
	+ ($r.events // {} | with_entries(.value = n(.value)))
	+ ($r.flushes // {} | with_entries(.key = "flush_\(.key)" | .value = n(.value)));

($model | split("\n") | map(select(length > 0) | try fromjson catch {bad: .})) as $lines
| ([$lines[] | select(has("bad"))][0]) as $bad
| (if $bad != null then fail("plugin output: not JSON: \($bad.bad[0:80])") else . end)
| ($lines[0].tlbmodel // fail("plugin output has no header line (is build/bench/tlbmodel.so the plugin?)")) as $hdr
| ([$lines[] | select(has("total"))][0] // fail("plugin output has no total line: QEMU ended before the plugin wrote it")) as $tot
| [$lines[] | select(has("region"))] as $regions
| [$console | split("\n")[] | select(startswith("RESULT ")) | ltrimstr("RESULT ") | try fromjson catch null
	| select(type == "object")] as $results
| if ($tot.unpaired // 0) != 0 then fail("\($tot.unpaired) region marker(s) unpaired")
  elif ([$regions[].hint_errors // 0] | add // 0) + ($tot.total.hint_errors // 0) != 0 then
	fail("the plugin refused \([$regions[].hint_errors // 0] | add // 0) kernel hint(s)")
  elif ($hdr.pcid == "hints" or $hdr.pcid == "model") and ($tot.hints_seen | not) then
	fail("pcid=\($hdr.pcid), but the kernel sent no hint (booted without tlbhints=on?)")
  elif ($regions | length) != ($results | length) then
	fail("\($regions | length) model regions but \($results | length) RESULT lines")
  elif ($tot.regions // ($regions | length)) != ($regions | length) then
	fail("the total line counts \($tot.regions) regions, the file has \($regions | length)")
  else . end
| range($regions | length) as $i
| $regions[$i] as $r | $results[$i] as $x
| (if $r.region != $regions[0].region + $i then fail("region \($r.region) out of order at position \($i)") else . end)
| ($x | ops_divisor) as $d
| (if ($d // 0) <= 0 then fail("RESULT \($i + 1) (\($x.benchmark)): no iterations") else . end)
| ($x | region_ticks) as $ticks
| join_allowance($x; $d) as $allow
| (if $ticks != null and (($r.insns - $ticks) | fabs) > $allow then
	fail("region \($r.region): \($r.insns) instructions, but RESULT \($i + 1) (\($x.benchmark) \($x.mode) \($x.variant)) took \($ticks) ticks (allowance \($allow))")
   elif $ticks == null and $r.insns < ($x | lower_ticks) - $allow then
	fail("region \($r.region): \($r.insns) instructions, fewer than the \($x | lower_ticks) ticks RESULT \($i + 1) (\($x.benchmark)) timed inside it")
   else . end)
| {config: $config, cpu: $hdr.cpu, source: $hdr.source, pcid: $hdr.pcid, global: $hdr.global,
   benchmark: $x.benchmark, mode: $x.mode, variant: $x.variant, iterations: $x.iterations, ops: $d,
   region: $r.region, insns: $r.insns, ticks: $ticks, per_op: per_op($r; $d)}
| tojson
