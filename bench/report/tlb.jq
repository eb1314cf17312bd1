# tlb.jq: make bench-icount's TLB model part: the model's misses per operation, the cost model's estimated cycles (bench/costmodel.json), the TLB sweep, and their JSON.
#
# Included by icount.jq.  Reads the records of kind TLB (bench/steps/record
# model: bench/steps/tlbjoin.jq's lines, one per measured region, counts per
# operation): platform tlbmodel (the guest workloads), tlbsweep (the TLB
# sweep) and tlbmodel-linux (the Linux baselines).  Everything here is a
# model (docs/tlb-model.md), never a measurement, and says so.

include "format";

# The model's lines of one platform, in run order.
def tlb_lines($r; p): [$r[] | select(.kind == "TLB" and .platform == p) | .payload];

# estimate($costs; $per_op): the cost model over one operation's counts:
# {low, mid, high, terms, widest: {label, share}}; each cost of
# bench/costmodel.json contributes count x cost, count its per_op field.
def estimate($costs; $per_op):
	[$costs[] | ($per_op[.count] // 0) as $n
		| {name: .name, label: .label, n: $n, low: ($n * .low), high: ($n * .high)}] as $terms
	| ($terms | map(.low) | add) as $lo | ($terms | map(.high) | add) as $hi
	| ($terms | max_by(.high - .low)) as $w
	| {low: $lo, mid: (($lo + $hi) / 2), high: $hi, terms: $terms,
	   widest: {name: $w.name, label: $w.label,
		share: (if $hi > $lo then ($w.high - $w.low) / ($hi - $lo) else 0 end)}};

# The numbers of a tlb_reads variant "M<M>-N<N>-K<K>-...".
def shape: .variant | capture("^M(?<m>[0-9]+)-N(?<n>[0-9]+)-K(?<k>[0-9]+)") | map_values(tonumber);

# pcid=model: a kernel without PCIDs whose switches the model keeps, as
# if each address space had a PCID: "process with PCID (model)".
def pcid_label: if .pcid == "hints" then "on (hints)" elif .pcid == "model" then "with PCID (model)" else .pcid end;

def tlb_misses_md($rows):
	"| benchmark | mode | variant | CPU | PCID | instructions/op | ITLB L1 misses | DTLB L1 misses "
	+ "| STLB misses (walks): fetch / load / store | CR3 writes (flushing) | SYSCALL | SYSRET | IRETQ | WRPKRU | INVLPG |\n"
	+ "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
	+ ([$rows[] | .per_op as $p
		| "| \(.benchmark) | \(.mode) | \(.variant) | \(.cpu) | \(pcid_label) | \($p.insns | num) | \($p.itlb_l1 | num) "
		+ "| \($p.dtlb_l1 | num) | \($p.walks_fetch | num) / \($p.walks_load | num) / \($p.walks_store | num) "
		+ "| \($p.cr3_writes | num) (\($p.cr3_flush | num)) | \($p.syscall | num) | \($p.sysret | num) | \($p.iretq | num) "
		+ "| \($p.wrpkru | num) | \($p.invlpg | num) |\n"] | add // "");

def tlb_cost_md($rows; $costs):
	"| benchmark | mode | variant | CPU | PCID | low | mid | high | widest cost (its share of high − low) |\n"
	+ "|---|---|---|---|---|---|---|---|---|\n"
	+ ([$rows[] | estimate($costs; .per_op) as $e
		| "| \(.benchmark) | \(.mode) | \(.variant) | \(.cpu) | \(pcid_label) | \($e.low | num) | \($e.mid | num) "
		+ "| \($e.high | num) | \($e.widest.label) (\($e.widest.share * 100 | fixed(0))%) |\n"] | add // "");

def tlb_sweep_md($rows; $costs):
	"| M | N | K | M × N | mode | PCID | DTLB L1 misses/read | STLB misses/read | ITLB L1 misses/read "
	+ "| CR3 writes/read | model estimate, cycles/read: low – mid – high |\n"
	+ "|---|---|---|---|---|---|---|---|---|---|---|\n"
	+ ([$rows | sort_by(shape | [.m, .n, .k]) | .[] | shape as $s | .per_op as $p | estimate($costs; $p) as $e
		| "| \($s.m) | \($s.n) | \($s.k) | \($s.m * $s.n) | \(.mode) | \(pcid_label) | \($p.dtlb_l1 | num) | \($p.walks | num) "
		+ "| \($p.itlb_l1 | num) | \($p.cr3_writes | num) | \($e.low | num) – \($e.mid | num) – \($e.high | num) |\n"] | add // "");

def cost_list_md($costs):
	([$costs[] | "- \(.label): \(.low | g)–\(.high | g) \(.unit)\(if .found then "" else " (**no published figure found**: a wide guess)" end). \(.source)\n"]
	| add // "");

# {md, json}: the report's section and icount.json's "tlb_model" member.
def tlb_section($r; $costs; $skips):
	tlb_lines($r; "tlbmodel") as $w | tlb_lines($r; "tlbsweep") as $s | tlb_lines($r; "tlbmodel-linux") as $l
	| [$skips[] | select(.platform | startswith("tlbmodel") or . == "tlbsweep")] as $sk
	| if ($w + $s + $l | length) == 0 then
		{md: ("## TLB model\n\nNot run"
			+ (if ($sk | length) > 0 then ": \($sk[0].reason)" else "" end) + ".\n\n"),
		 json: "  \"tlb_model\": null,\n"}
	  else
		{md: ("## Model TLB misses per operation (model, not a measurement; docs/tlb-model.md)\n\n"
			+ "Each workload ran once more under QEMU -icount with the TLB model plugin (build/bench/tlbmodel.so): "
			+ "a model TLB of the named CPU preset, fed every fetch, load and store of the region between the "
			+ "workload's markers (roi_begin/roi_end).  Runs with PCID on booted the kernel with tlbhints=on, "
			+ "which costs a few instructions more than the counts above.  PCID \"with PCID (model)\" is "
			+ "process mode with PCID as a model: the kernel without PCIDs (QEMU's TCG has none) tells the "
			+ "plugin each switch's address space (tlbhints=on) and the plugin gives each its own PCID and "
			+ "keeps its entries across switches (pcid=model, docs/tlb-model.md).  Counts are per operation, as "
			+ "instructions are (tlb_reads: per read of all M tasks).  Instructions/op is the region's, the model "
			+ "run's own count: for ipc_call_to_peer it includes the yield before each call and for tlb_reads "
			+ "every task's reads and the switches, which their cycles_per_op leaves out.  The model has 4 KiB pages only, true LRU, "
			+ "no paging-structure caches and no speculation (docs/tlb-model.md, \"Simplifications\"): compare "
			+ "modes with one another, not with a hardware counter.\n\n"
			+ tlb_misses_md($w)
			+ (if ($l | length) > 0 then
				"\nLinux (bench/steps/linux-icount), booted `mitigations=off nopcid`: no PTI, so its kernel's "
				+ "pages are global in every address space; no PCID, so every MOV to CR3 flushes the non-global "
				+ "entries, which the plugin models (pcid=off) without seeing CR3's value.  Processes against "
				+ "threads:\n\n" + tlb_misses_md($l)
			   else "" end)
			+ "\n## Estimated cycles per operation from a cost model (model estimate, never a measurement)\n\n"
			+ "cycles = instructions × CPI + Σ events × their cost + STLB hits × the STLB's latency + "
			+ "page walks × a walk's cost, from the model's counts above and the costs of bench/costmodel.json, "
			+ "each a range: low is every cost at its low end, high every cost at its high end, mid their mean.  "
			+ "The last column names the cost whose range moves the estimate most, and how much of high − low "
			+ "it is.  Where no published figure was found the range is a wide guess, and the estimate with it.\n\n"
			+ tlb_cost_md($w + $l; $costs)
			+ "\nThe costs:\n\n" + cost_list_md($costs)
			+ (if ($s | length) > 0 then
				"\n## The TLB sweep (model)\n\n"
				+ "bench_tlb (M tasks, N pages each, a yield every K reads) under the model, per read of all M "
				+ "tasks, yields and switches included (bench/METHODS.md, \"The TLB question\").\n\n"
				+ tlb_sweep_md($s; $costs)
			   else "" end)
			+ ([$sk | group_by(.reason | sub(" \\(console: .*"; "")) | .[]
				| "\nNot modelled (\(length) run(s): \(map("\(.variant) \(.mode)") | join(", "))): \(.[0].reason | sub(" \\(console: .*"; "")).\n"]
				| add // "")
			+ "\n"),
		 json: ("  \"tlb_model\": " + ({
			note: "TLB model (docs/tlb-model.md) and cost model (bench/costmodel.json): model estimates, never measurements",
			cost_model: $costs,
			workloads: [$w[] | . + {estimated_cycles_per_op: (estimate($costs; .per_op) | del(.terms))}],
			linux: [$l[] | . + {estimated_cycles_per_op: (estimate($costs; .per_op) | del(.terms))}],
			sweep: [$s[] | . + {estimated_cycles_per_op: (estimate($costs; .per_op) | del(.terms))}]} | tojson) + ",\n")}
	  end;
