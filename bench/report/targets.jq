# targets.jq: measurements graded against bench/targets.json, the one place the targets and their thresholds live.
#
# Every function takes $t, bench/targets.json's content, and $d, the data
# of lib.jq's aggregate, and gives target rows {target, measured, verdict,
# note}; the target's text, comparison and threshold come from $t only.

include "format";
include "lib";

# target_def($t; id): the target with that id; an error when there is none.
def target_def($t; id):
	([$t.targets[]? | select(.id == id)][0]
		// error("bench/targets.json: no target \(id)"));

# meets(tg; x): whether x compares to the threshold as the target says.
def meets(tg; x):
	{"<=": (x <= tg.threshold), "<": (x < tg.threshold), ">=": (x >= tg.threshold),
	 ">": (x > tg.threshold)}
	| .[tg.compare] as $v
	| if $v == null then error("bench/targets.json: target \(tg.id): unknown comparison \(tg.compare)") else $v end;

# verdict(tg; x): "met" or "not met".
def verdict(tg; x): if meets(tg; x) then "met" else "not met" end;

# times(tg; x): "2.3x the target", how far x is from the threshold.
def times(tg; x): "\(x / tg.threshold | fixed(1))x the target";

def row(tg; measured; verdict; note): {target: tg.target, measured: measured, verdict: verdict, note: note};

# --- the path-length targets (platform icount) ----------------------------------
# Both kinds of message; the verdict is the word call's (a task's IPC call
# either way), the buffer call's number beside it.
def icount_call_target($t; $d; suffix):
	target_def($t; "icount_call_to_peer") as $tg
	| group($d; "icount"; "ipc_call_to_peer"; "shared"; "same-group") as $k1
	| group($d; "icount"; "ipc_call_to_peer"; "shared"; "same-group-word") as $k2
	| if $k2 | has("cycles_per_op") then
		($k2 | med("cycles_per_op")) as $c2
		| (if $k1 | has("cycles_per_op") then $k1 | med("cycles_per_op") else 0 end) as $c1
		| row($tg;
			"\($c2 | num) instructions with word messages (sys_call_w; ipc_call_to_peer, shared, same-group-word\(suffix))"
			+ (if $c1 != 0 then "; \($c1 | num) with buffer messages (sys_call)" else "" end);
			verdict($tg; $c2);
			(if meets($tg; $c2) then "with word messages" else times($tg; $c2) end)
			+ (if $c1 != 0 and (meets($tg; $c1) | not) then "; buffer messages \($c1 / $tg.threshold | fixed(1))x" else "" end))
	elif $k1 | has("cycles_per_op") then
		($k1 | med("cycles_per_op")) as $c1
		| row($tg; "\($c1 | num) instructions (ipc_call_to_peer, shared, same group\(suffix))"; verdict($tg; $c1);
			if meets($tg; $c1) then "" else times($tg; $c1) end)
	else row($tg; "—"; "not measured"; "run make bench-icount") end;

# No verdict under -icount (targets.json says compare "none"): SYSCALL,
# SYSRET and WRPKRU each count as one instruction there, so the gate is
# graded in cycles on hardware (kernel_syscall_ratio) and shown here.
def icount_syscall_target($t; $d; suffix):
	target_def($t; "icount_kernel_syscall_ratio") as $tg
	| group($d; "icount"; "null_syscall"; "kernel"; "getpid") as $k2
	| group($d; "icount"; "null_syscall"; "shared"; "getpid") as $k3
	| group($d; "icount"; "null_syscall"; "process"; "getpid") as $k1
	| if ($k2 | has("cycles_per_op")) and ($k3 | has("cycles_per_op")) then
		($k2 | med("cycles_per_op")) as $c2 | ($k3 | med("cycles_per_op")) as $c3 | ($c2 / $c3) as $r
		| row($tg;
			"kernel gate \($c2 | num), shared SYSCALL \($c3 | num)"
			+ (if $k1 | has("cycles_per_op") then ", process SYSCALL \($k1 | med("cycles_per_op") | num)" else "" end)
			+ " instructions: ratio \($r | fixed(2))\(suffix)";
			"no verdict"; "graded in cycles on hardware KVM (kernel_syscall_ratio)")
	else row($tg; "—"; "not measured"; "run make bench-icount") end;

# One IPC round trip, shared, same group: buffer or word messages.
def icount_roundtrip_target($t; $d; id; variant; what; suffix):
	target_def($t; id) as $tg
	| group($d; "icount"; "ipc_roundtrip"; "shared"; variant) as $k
	| if $k | has("cycles_per_op") then
		($k | med("cycles_per_op")) as $c
		| row($tg; "\($c | num) instructions (\(what); ipc_roundtrip, shared, \(variant)\(suffix))";
			verdict($tg; $c); if meets($tg; $c) then "" else times($tg; $c) end)
	  else row($tg; "—"; "not measured"; "run make bench-icount") end;

# The kernel's boot without calibration (bench/steps/guest), graded on the
# modes without the verifier; kernel mode beside them, its verifier named.
def icount_boot_target($t; $d; suffix):
	target_def($t; "icount_kernel_boot") as $tg
	| [("process", "shared", "kernel") as $m
		| group($d; "icount"; "boot"; $m; "kernel entry to main()")
		| select(. != null and has("boot_ticks")) | {m: .m, n: med("boot_ticks")}] as $b
	| [$b[] | select(.m != "kernel") | .n] as $graded
	| if ($graded | length) == 0 then row($tg; "—"; "not measured"; "run make bench-icount")
	  else ($graded | max) as $x
		| row($tg; ([$b[] | "\(.m) \(.n | num)"] | join(", ")) + " instructions\(suffix)";
			verdict($tg; $x);
			[(if meets($tg; $x) then empty else times($tg; $x) end),
			 ($b[] | select(.m == "kernel" and (meets($tg; .n) | not))
				| "kernel mode, ungraded, adds the verifier's pass over the task's code (isolation/verify.c)")]
			| join("; "))
	  end;

# Kernel memory per shared task: sys_kmem of the first task of a full
# group (15 tasks), with 1 and 1024 beside it.
def kmem_target($t; $d; id; p; suffix):
	target_def($t; id) as $tg
	| group($d; p; "kmem_per_task"; "shared"; "15 tasks, task 1") as $k15
	| group($d; p; "kmem_per_task"; "shared"; "1 tasks, task 1") as $k1
	| group($d; p; "kmem_per_task"; "shared"; "1024 tasks, task 1") as $kn
	| if $k15 | has("bytes") | not then row($tg; "—"; "not measured"; "no kmem result")
	  else ($k15 | med("bytes")) as $b
		| row($tg;
			"\($b | int) bytes per task in a full group of 15 (sys_kmem)"
			+ (if $k1 | has("bytes") then "; \($k1 | med("bytes") | int) B alone" else "" end)
			+ (if $kn | has("bytes") then "; \($kn | med("bytes") | int) B with 1024 tasks" else "" end)
			+ suffix;
			verdict($tg; $b); if meets($tg; $b) then "" else times($tg; $b) end)
	  end;

# icount_targets($t; $d; suffix): the targets make bench-icount grades.
def icount_targets($t; $d; suffix):
	icount_call_target($t; $d; suffix),
	icount_roundtrip_target($t; $d; "icount_ipc_roundtrip_buffer"; "same-group"; "buffer messages"; suffix),
	icount_roundtrip_target($t; $d; "icount_ipc_roundtrip_word"; "same-group-word"; "word messages"; suffix),
	icount_syscall_target($t; $d; suffix),
	kmem_target($t; $d; "icount_kmem_per_shared_task"; "icount"; suffix),
	icount_boot_target($t; $d; suffix);

# --- the timed targets (make bench, hardware KVM) -----------------------------------
# The IPC ones with word messages where they were measured (a task's IPC
# either way).
def ipc_targets($t; $d):
	(group($d; "kvm"; "ipc_roundtrip"; "shared"; "same-group-word")
		| if has("ns_per_op") then . else group($d; "kvm"; "ipc_roundtrip"; "shared"; "same-group") end) as $ks
	| (if $ks.v == "same-group-word" then "word messages" else "buffer messages" end) as $msgs
	| group($d; "linux"; "ipc_roundtrip"; "linux-process"; "pipe") as $kl
	| target_def($t; "ipc_vs_linux_pipe") as $tg
	| (if ($ks | has("ns_per_op")) and ($kl | has("ns_per_op")) then
		(($kl | med("ns_per_op")) / ($ks | med("ns_per_op"))) as $x
		| row($tg; "\($x | fixed(1))x (shared \($msgs), \($ks | med("ns_per_op") | num) ns; Linux pipe \($kl | med("ns_per_op") | num) ns)";
			verdict($tg; $x); "")
	   else row($tg;
		"Linux pipe, processes: "
		+ (if $kl | has("ns_per_op") then "\($kl | med("ns_per_op") | num) ns, \($kl | med("cycles_per_op") | num) cycles (this host)" else "—" end)
		+ "; shared: not measured";
		"not measured here"; "guest timings need hardware KVM (see \"Where it ran\")") end),
	(target_def($t; "ipc_roundtrip_cycles") as $tg
	| if $ks | has("cycles_per_op") then
		($ks | med("cycles_per_op")) as $x | row($tg; "\($x | num) cycles (\($msgs))"; verdict($tg; $x); "")
	  else row($tg; "—"; "not measured here"; "guest timings need hardware KVM") end);

def syscall_target($t; $d):
	target_def($t; "kernel_syscall_ratio") as $tg
	| group($d; "kvm"; "null_syscall"; "kernel"; "getpid") as $k
	| group($d; "kvm"; "null_syscall"; "shared"; "getpid") as $lk
	| if ($k | has("cycles_per_op")) and ($lk | has("cycles_per_op")) then
		(($k | med("cycles_per_op")) / ($lk | med("cycles_per_op"))) as $x
		| row($tg; "gate \($k | med("cycles_per_op") | num) cycles, shared SYSCALL \($lk | med("cycles_per_op") | num) cycles: ratio \($x | fixed(2))";
			verdict($tg; $x); "")
	  else row($tg; "—"; "not measured here"; "guest timings need hardware KVM") end;

def start_target($t; $d):
	target_def($t; "start_to_first_instruction") as $tg
	| group($d; "host"; "shoji_start"; "host"; "shoji run start to the first KVM_RUN (shoji's clock)") as $k
	| group($d; "host"; "shoji_start"; "host"; "exec to the first console byte") as $lk
	| if $k | has("us") then
		($k | med("us")) as $x
		| row($tg; "\($x | num) us to the first KVM_RUN (shoji's clock)"
			+ (if $lk | has("us") then "; exec to the first console byte \($lk | mmm("us")) us" else "" end);
			verdict($tg; $x); "")
	  else
		group($d; "rig"; "shoji_start"; "rig"; "shoji run start to the first KVM_RUN (shoji's clock)") as $k
		| group($d; "rig"; "shoji_start"; "rig"; "exec to the first console byte") as $lk
		| row($tg;
			if $k | has("us") then "in the emulated-KVM rig (nested emulation, not performance): \($k | med("us") | num) us to "
				+ "the first KVM_RUN, exec to first console byte \($lk | mmm("us")) us" else "—" end;
			"not measured here"; "needs hardware KVM")
	  end;

# shoji's own cost (bench/steps/shoji-cost): counted, not timed, so the
# emulated-KVM rig's figure counts where this host's KVM cannot run shoji.
# host_or_rig($d; b; v; f): the host's group when it has field f, else the rig's.
def host_or_rig($d; b; v; f):
	group($d; "host"; b; "host"; v) | if . != null and has(f) then . else group($d; "rig"; b; "rig"; v) end;

def where_measured($k):
	if $k.p == "rig" then "build/shoji-static inside the emulated-KVM rig" else "this host" end;

# cost_target($t; $d; id; b; v; f; words; how): one of shoji's own counts
# (benchmark b, variant v, field f), the host's or else the rig's,
# graded against target id; words turns the count into words, how says
# what counted it.  Missing: the skip's reason, its own or the step's.
def cost_target($t; $d; id; b; v; f; words; how):
	target_def($t; id) as $tg
	| host_or_rig($d; b; v; f) as $k
	| if $k != null and ($k | has(f)) then
		($k | med(f)) as $x
		| row($tg; "\($x | words) (\(how), \(where_measured($k)))";
			verdict($tg; $x); if meets($tg; $x) then "" else times($tg; $x) end)
	  else row($tg; "—"; "not measured here";
		[skip_reason($d; "rig"; b; "rig"; ""), skip_reason($d; "rig"; "shoji_start"; "rig"; ""),
		 "no count (bench/steps/shoji-cost)"] | map(select(. != "")) | first)
	  end;

# cost_targets($t; $d): shoji's own cost, in both reports.
def cost_targets($t; $d):
	cost_target($t; $d; "shoji_start_instructions"; "shoji_instructions";
		"exec to the run loop's first KVM_RUN"; "instructions"; "\(num) instructions"; "callgrind"),
	cost_target($t; $d; "boot_vm_exits"; "shoji_exits"; "exec to the first task instruction"; "exits";
		"\(int) VM exits"; "shoji --trace-exits"),
	cost_target($t; $d; "vmm_resident_memory"; "shoji_rss"; "resident memory apart from guest RAM";
		"kib"; "\(int) KiB apart from guest RAM"; "shoji --trace-exits");

# bench_targets($t; $d): every target, in the order make bench's report lists them.
def bench_targets($t; $d):
	(group($d; "kvm"; "kmem_per_task"; "shared"; "15 tasks, task 1") | has("bytes")) as $kvm_kmem
	| ipc_targets($t; $d), syscall_target($t; $d),
	kmem_target($t; $d; "kmem_per_shared_task"; if $kvm_kmem then "kvm" else "tcg" end;
		if $kvm_kmem then "" else "; accounting, the same under QEMU TCG" end),
	start_target($t; $d), cost_targets($t; $d),
	icount_targets($t; $d; if platform_seen($d; "icount") then "; from make bench-icount" else "" end);

# --- the targets as JSON and as a markdown table ------------------------------------
def json_targets(rows):
	"  \"targets\": [\n" + ([rows[] | "    " + tojson] | join(",\n"))
	+ (if (rows | length) > 0 then "\n" else "" end) + "  ]\n";

def md_targets(rows):
	"| target (docs/architecture.md) | measured | verdict |\n|---|---|---|\n"
	+ ([rows[] | "| \(.target) | \(.measured) | **\(.verdict)**\(if .note != "" then ": " + .note else "" end) |\n"] | add // "");
