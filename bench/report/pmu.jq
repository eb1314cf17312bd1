# pmu.jq: make bench's performance-counter section: per operation, the guest's SYS_PMU counts (shoji on hardware KVM) and the Linux baselines' perf_event_open counts, or why there are none.

include "format";
include "lib";

# The columns, in order, and their headings.
def pmu_columns: [["instructions", "instructions"], ["cycles", "cycles"],
	["dtlb_load_walks", "dTLB load walks"], ["dtlb_store_walks", "dTLB store walks"],
	["dtlb_walks", "dTLB walks"], ["itlb_walks", "iTLB walks"], ["stlb_hits", "STLB hits"],
	["dtlb_read_misses", "dTLB read misses (perf)"], ["dtlb_write_misses", "dTLB write misses (perf)"],
	["itlb_read_misses", "iTLB read misses (perf)"]];

def pmu_any: . as $g | any(pmu_events[]; . as $e | $g | has("pmu_" + $e));

# One row per group with counters on platform p.
def pmu_rows($d; p):
	[groups($d) | select(.p == p and pmu_any) | . as $g
		| "| \(.b) | \(.m) | \(.v) | "
		+ ([pmu_columns[] | .[0] as $e | $g | if has("pmu_" + $e) then med("pmu_" + $e) | num else "—" end] | join(" | "))
		+ " |\n"] | add // "";

# Why a platform has no counters: the first pmu_skip its groups carry.
def pmu_skip($d; p): [groups($d) | select(.p == p) | .pmu_skip // empty][0] // "";

def pmu_scope($d; p): [groups($d) | select(.p == p) | .pmu_scope // empty][0] // "";

def pmu_platform($d; p; title):
	pmu_rows($d; p) as $rows
	| "### \(title)\n\n"
	+ (if $rows != "" then
		(if p == "linux" then "Counted with perf_event_open for \(pmu_scope($d; p)) (`bench/linux/perf.h`).\n\n" else "" end)
		+ "| benchmark | mode | variant | " + ([pmu_columns[] | .[1]] | join(" | ")) + " |\n"
		+ "|---|---|---|" + ([pmu_columns[] | "---"] | join("|")) + "|\n" + $rows + "\n"
	   elif pmu_skip($d; p) != "" then "No counters: \(pmu_skip($d; p)).\n\n"
	   elif p == "kvm" and platform_seen($d; p) then "No counters: the kernel's `pmu:` line and `shoji info` say why (no PMU in the guest).\n\n"
	   elif platform_seen($d; p) then "No counters recorded.\n\n"
	   else "Not run.\n\n" end);

# The section: per operation, medians over the runs; "—" for an event this CPU or platform has not.
def pmu_section($d):
	"## Performance counters per operation\n\n"
	+ "Medians over the runs, per operation, of the counters around each measured loop (bench/METHODS.md, "
	+ "\"Performance counters\"). The guest's are the vCPU's (every ring, every task, and the two SYS_PMU "
	+ "calls' own kernel paths); the Linux baselines' the whole pinned CPU where Linux allows it, else the "
	+ "measuring thread. TLB walk events are the ones the CPU's table names (guest/arch/x86_64/pmu_events.c); "
	+ "the perf columns are Linux's generic events, whatever it maps them to.\n\n"
	+ pmu_platform($d; "kvm"; "Guest (shoji on hardware KVM)")
	+ pmu_platform($d; "linux"; "Linux baselines (this host)");
