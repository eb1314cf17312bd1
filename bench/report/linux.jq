# linux.jq: make bench-icount's side-by-side part: each shoji operation beside its nearest Linux equivalent, both in instructions under the same QEMU -icount settings.
#
# Included by icount.jq.  The Linux records come from bench/steps/linux-icount:
# platform icount-linux (the kernel's default mitigations) and
# icount-linux-nomit (mitigations=off).  The pairs and what each side's
# operation includes are data (linux_pairs); bench/METHODS.md says the same
# in prose.

include "format";
include "lib";

# The two runs of a Linux measurement must agree within this fraction.
def linux_agree: 0.001;

# The Linux boot of several CPUs (bench/steps/linux-icount, -smp 4): its
# runs are not repeatable (bench/METHODS.md, "Several CPUs"), so its counts
# are neither held to linux_agree nor put in the baseline; smp.jq reports
# them with their spread.
def linux_smp_platform: "icount-linux-smp4";

# The Linux platforms: [platform, how the kernel was booted].
def linux_platforms: [["icount-linux", "default mitigations"], ["icount-linux-nomit", "mitigations=off"]];

# What each shoji side includes (bench/METHODS.md, "The workloads").
def shoji_buffer: "sys_call + sys_reply_recv: 2 system calls, 2 task switches, 8 bytes copied each way through the buffers (2 copies)";
def shoji_word: "sys_call_w + sys_reply_recv_w: 2 system calls, 2 task switches, 8 bytes each way in registers (nothing copied)";
def shoji_null: "sys_getpid: the wrapper's call, the trampoline, SYSCALL/SYSRET (the gate in kernel mode), the loop";
def shoji_yield: "one sys_yield of each task: 2 system calls, 2 task switches";
def linux_pipe: "write + read on each side over two pipes: 4 system calls, 2 context switches, 4 copies of 8 bytes (into and out of each pipe)";
def linux_unix: "write + read on each side over one socketpair: 4 system calls, 2 context switches, 4 copies of 8 bytes (an skb each way)";
def linux_futex: "a turn word stored, FUTEX_WAKE and FUTEX_WAIT on each side: about 4 system calls, 2 context switches, nothing copied";
def linux_null: "getppid by an inline SYSCALL: the kernel entry and exit, the loop (no wrapper, no vDSO)";
def linux_yield: "one sched_yield of each task (fair scheduler): 2 system calls, up to 2 context switches";
def linux_fifo: "one sched_yield of each task (SCHED_FIFO, priority 1): 2 system calls, 2 context switches";

# [shoji benchmark, mode, variant], [Linux benchmark, mode, variant], what each includes.
def linux_pairs: [
	[["ipc_roundtrip", "process", "pcid-off"], ["ipc_roundtrip", "linux-process", "pipe"], shoji_buffer, linux_pipe],
	[["ipc_roundtrip", "process", "pcid-off"], ["ipc_roundtrip", "linux-process", "unix"], shoji_buffer, linux_unix],
	[["ipc_roundtrip", "shared", "same-group"], ["ipc_roundtrip", "linux-thread", "pipe"], shoji_buffer, linux_pipe],
	[["ipc_roundtrip", "shared", "same-group"], ["ipc_roundtrip", "linux-thread", "unix"], shoji_buffer, linux_unix],
	[["ipc_roundtrip", "kernel", "same-group"], ["ipc_roundtrip", "linux-thread", "pipe"], shoji_buffer, linux_pipe],
	[["ipc_roundtrip", "process", "pcid-off-word"], ["ipc_roundtrip", "linux-process", "futex"], shoji_word, linux_futex],
	[["ipc_roundtrip", "shared", "same-group-word"], ["ipc_roundtrip", "linux-thread", "futex"], shoji_word, linux_futex],
	[["ipc_roundtrip", "kernel", "same-group-word"], ["ipc_roundtrip", "linux-thread", "futex"], shoji_word, linux_futex],
	[["null_syscall", "process", "getpid"], ["null_syscall", "linux-process", "getppid"], shoji_null, linux_null],
	[["null_syscall", "shared", "getpid"], ["null_syscall", "linux-process", "getppid"], shoji_null, linux_null],
	[["null_syscall", "kernel", "getpid"], ["null_syscall", "linux-process", "getppid"], shoji_null, linux_null],
	[["yield_pingpong", "process", "pcid-off"], ["yield_pingpong", "linux-process", "sched_yield"], shoji_yield, linux_yield],
	[["yield_pingpong", "process", "pcid-off"], ["yield_pingpong", "linux-process", "sched_yield-fifo"], shoji_yield, linux_fifo],
	[["yield_pingpong", "shared", "same-group"], ["yield_pingpong", "linux-thread", "sched_yield"], shoji_yield, linux_yield],
	[["yield_pingpong", "shared", "same-group"], ["yield_pingpong", "linux-thread", "sched_yield-fifo"], shoji_yield, linux_fifo],
	[["yield_pingpong", "kernel", "same-group"], ["yield_pingpong", "linux-thread", "sched_yield-fifo"], shoji_yield, linux_fifo]
];

# The pairs measured in $d: [{s, l, sn, ln, lo, label, si, li}], sn/ln/lo the
# instructions per operation (run 1) of shoji, Linux, Linux mitigations=off.
def linux_rows($d):
	[linux_pairs[] | . as [$s, $l, $si, $li]
		| group($d; "icount"; $s[0]; $s[1]; $s[2]) as $gs
		| group($d; "icount-linux"; $l[0]; $l[1]; $l[2]) as $gl
		| group($d; "icount-linux-nomit"; $l[0]; $l[1]; $l[2]) as $go
		| select(($gs | has("cycles_per_op")) and (($gl | has("cycles_per_op")) or ($go | has("cycles_per_op"))))
		| {s: $s, l: $l, si: $si, li: $li, sn: ($gs | run("cycles_per_op"; 1)),
		   ln: ($gl | run("cycles_per_op"; 1)), lo: ($go | run("cycles_per_op"; 1)),
		   label: "\($s[1]) \($s[2]) / \($l[1] | ltrimstr("linux-")) \($l[2])"}];

def ratio(a; b): if a == null or b == null or b == 0 then "—" else "\(a / b | fixed(2))x" end;

# The two runs of every Linux measurement on one CPU: {n, worst, bad: [names over linux_agree]}.
def linux_determinism($d):
	[groups($d) | select((.p | startswith("icount-linux")) and .p != linux_smp_platform
		and has("cycles_per_op") and count("cycles_per_op") >= 2)
		| run("cycles_per_op"; 1) as $r1 | run("cycles_per_op"; 2) as $r2
		| {name: "\(.p) \(.b) \(.m) \(.v)", diff: (if $r1 != 0 then (($r2 - $r1) / $r1 | fabs) else 0 end)}]
	| {n: length, worst: (map(.diff) | max // 0), bad: [.[] | select(.diff > linux_agree) | "\(.name) (\(.diff * 100 | fixed(3))%)"]};

# The harness check: tsc_loop's ticks per instruction in every boot.
def linux_tick_check($d):
	[groups($d) | select((.p | startswith("icount-linux")) and .b == "tsc_loop") | .p as $p | .vals.ticks_per_instruction[]? | {p: $p, t: .}];

# {md, check, dat, status}: the section, the check lines, plots/icount-linux.dat.
def linux_section($d):
	linux_rows($d) as $rows
	| linux_determinism($d) as $det
	| linux_tick_check($d) as $ticks
	| ($ticks | map(select(.t != 1)) | length) as $badticks
	| if ($rows | length) == 0 and ($det.n == 0) then
		{md: "## Linux under the same -icount\n\nNot measured (see Skipped).\n\n", check: "", dat: "", status: 0}
	  else
		{md: ("## Linux under the same -icount\n\n"
			+ "Debian's own kernel booted under the same QEMU "
			+ "settings (`-accel tcg -cpu max -smp 1 -icount shift=0,sleep=off`, bench/steps/linux-icount) runs the "
			+ "Linux baselines (bench/linux), statically linked, from a busybox initramfs: its TSC counts instructions "
			+ "too, so both columns are instructions per operation, kernel and user together. The Linux counts include "
			+ "its timer interrupts (HZ 250, one every 4 M instructions) and are repeatable to \(linux_agree * 100 | fixed(1))%, "
			+ "not exactly. Ratio: Linux / shoji (above 1, shoji's path is shorter).\n\n"
			+ "Check of the harness (tsc_loop, a DEC/JNZ loop of 2N instructions against one of N): "
			+ (if ($ticks | length) == 0 then "not run.\n\n"
			   elif $badticks == 0 then "exactly 1 TSC tick per instruction in every boot (\($ticks | length)).\n\n"
			   else "**\($badticks) of \($ticks | length) boots did not count 1 tick per instruction** (\($ticks | map(.t | g) | join(", "))).\n\n" end)
			+ "| shoji | Linux | shoji instructions | Linux (default mitigations) | ratio | Linux (mitigations=off) | ratio |\n"
			+ "|---|---|---|---|---|---|---|\n"
			+ ([$rows[] | "| \(.s[0]) \(.s[1]) \(.s[2]) | \(.l[0]) \(.l[1]) \(.l[2]) | \(.sn | num) | \(.ln | num) | "
				+ "\(ratio(.ln; .sn)) | \(.lo | num) | \(ratio(.lo; .sn)) |\n"] | add // "")
			+ "\nWhat each side's operation includes:\n\n"
			+ ([$rows[] | "- \(.label): shoji \(.si); Linux \(.li).\n"] | add // "")
			+ "\nEach kernel, and the CPU as it saw it (/sys/devices/system/cpu/vulnerabilities):\n\n"
			+ ([linux_platforms[] | . as [$p, $how] | $d.info["\($p) vulnerabilities"] // empty
				| "- \($how) (\($d.info["\($p) kernel"] // "")): \(.)\n"] | add // "")
			+ "\nDeterminism: \($det.n) Linux measurements ran twice; the largest difference was "
			+ "\($det.worst * 100 | fixed(3))%\(if ($det.bad | length) > 0 then ", over \(linux_agree * 100 | fixed(1))% for: \($det.bad | join(", "))" else "" end).\n\n"),
		 check: ((if ($det.bad | length) > 0 then "icount: Linux runs differ by more than \(linux_agree * 100 | fixed(1))%: \($det.bad | join(", "))\n"
			  elif $det.n > 0 then "icount: Linux: \($det.n) measurements ran twice, within \(linux_agree * 100 | fixed(1))% (largest \($det.worst * 100 | fixed(3))%)\n" else "" end)
			+ (if $badticks > 0 then "icount: Linux: the TSC did not count one tick per instruction in \($badticks) boot(s)\n" else "" end)),
		 dat: ("# label shoji linux linux_nomit ratio ratio_nomit\n"
			+ ([$rows[] | "\"\(.label)\" \(.sn | g) \(.ln // 0 | g) \(.lo // 0 | g) "
				+ "\(if .ln == null then 0 else .ln / .sn | g end) \(if .lo == null then 0 else .lo / .sn | g end)\n"] | add // "")),
		 status: (if ($det.bad | length) > 0 or $badticks > 0 then 1 else 0 end)}
	  end;
