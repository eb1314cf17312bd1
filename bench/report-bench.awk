# report-bench.awk: bench/report.awk's mode=bench part: the side-by-side table, the targets on
# hardware, report.md, results.json and the plot data of make bench.

# --- mode=bench --------------------------------------------------------------------
# A side-by-side row: guest KEY (platform kvm) beside Linux key LKEY.
function side_row(fd, what, m, v, lkey, llabel,    gk, ck, gt, lt, ratio, ev, r) {
	gk = keyof("kvm", what, m, v)
	ck = has(gk, "task_switches") ? gk : keyof("tcg", what, m, v)
	if (has(gk, "ns_per_op"))
		gt = mmm(gk, "cycles_per_op") " cyc, " mmm(gk, "ns_per_op") " ns"
	else {
		r = skip_reason("kvm", what, m, v)
		if (r ~ /hardware KVM/) {
			r = "no hardware KVM"
			if (skip_reason("tcg", what, m, v) != "")
				r = r "; and under TCG: " skip_reason("tcg", what, m, v)
		}
		gt = "skipped" (r != "" ? " (" r ")" : "")
	}
	lt = has(lkey, "ns_per_op") ? mmm(lkey, "cycles_per_op") " cyc, " mmm(lkey, "ns_per_op") " ns" : "—"
	ratio = "—"
	if (has(gk, "ns_per_op") && has(lkey, "ns_per_op") && vmed(gk, "ns_per_op") > 0)
		ratio = sprintf("%.2fx", vmed(lkey, "ns_per_op") / vmed(gk, "ns_per_op"))
	ev = "—"
	if (has(ck, "task_switches"))
		ev = sprintf("%s / %s / %s / %s / %s", num(vmed(ck, "task_switches")), num(vmed(ck, "cr3_writes")), \
			num(vmed(ck, "wrpkru")), num(vmed(ck, "tlb_flushes")), num(vmed(ck, "syscalls")))
	printf "| %s | %s %s | %s | %s | %s | %s | %s |\n", what, m, v, gt, llabel, lt, ratio, ev > fd
}

function bench_report(    fd, jf, i, key, m, v, shape, n, c, k, lk, tm, note, ks, kl, g, x, pd, msgs) {
	fd = out "/report.md"
	jf = out "/results.json"
	pd = out "/plots"

	# targets first (they use everything); the IPC ones with word
	# messages where they were measured (a task's IPC either way)
	ks = keyof("kvm", "ipc_roundtrip", "shared", "same-group-word")
	if (!has(ks, "ns_per_op"))
		ks = keyof("kvm", "ipc_roundtrip", "shared", "same-group")
	msgs = ks ~ /word/ ? "word messages" : "buffer messages"
	kl = keyof("linux", "ipc_roundtrip", "linux-process", "pipe")
	if (has(ks, "ns_per_op") && has(kl, "ns_per_op")) {
		x = vmed(kl, "ns_per_op") / vmed(ks, "ns_per_op")
		target("shared switch (IPC round trip) at least 20x faster than a Linux pipe " \
			"ping-pong between two processes", \
			sprintf("%.1fx (shared %s, %s ns; Linux pipe %s ns)", x, msgs, num(vmed(ks, "ns_per_op")), num(vmed(kl, "ns_per_op"))), \
			x >= 20 ? "met" : "not met", "")
	} else
		target("shared switch (IPC round trip) at least 20x faster than a Linux pipe " \
			"ping-pong between two processes", \
			"Linux pipe, processes: " (has(kl, "ns_per_op") ? num(vmed(kl, "ns_per_op")) " ns, " num(vmed(kl, "cycles_per_op")) " cycles (this host)" : "—") "; shared: not measured", \
			"not measured here", "guest timings need hardware KVM (see \"Where it ran\")")
	if (has(ks, "cycles_per_op")) {
		x = vmed(ks, "cycles_per_op")
		target("shared switch (IPC round trip) at most 150 cycles", num(x) " cycles (" msgs ")", \
			x <= 150 ? "met" : "not met", "")
	} else
		target("shared switch (IPC round trip) at most 150 cycles", "—", "not measured here", "guest timings need hardware KVM")
	k = keyof("kvm", "null_syscall", "kernel", "getpid")
	lk = keyof("kvm", "null_syscall", "shared", "getpid")
	if (has(k, "cycles_per_op") && has(lk, "cycles_per_op")) {
		x = vmed(k, "cycles_per_op") / vmed(lk, "cycles_per_op")
		target("kernel-mode null system call at most half a SYSCALL/SYSRET round trip " \
			"(same guest, isolation on)", \
			sprintf("gate %s cycles, shared SYSCALL %s cycles: ratio %.2f", num(vmed(k, "cycles_per_op")), num(vmed(lk, "cycles_per_op")), x), \
			x <= 0.5 ? "met" : "not met", "")
	} else
		target("kernel-mode null system call at most half a SYSCALL/SYSRET round trip", "—", "not measured here", "guest timings need hardware KVM")
	kmem_target(has(keyof("kvm", "kmem_per_task", "shared", "15 tasks, task 1"), "bytes") ? "kvm" : "tcg", \
		"kernel memory per shared task at most 1 KiB", \
		has(keyof("kvm", "kmem_per_task", "shared", "15 tasks, task 1"), "bytes") ? "" : "; accounting, the same under QEMU TCG")
	k = keyof("host", "shoji_start", "host", "shoji run start to the first KVM_RUN (shoji's clock)")
	lk = keyof("host", "shoji_start", "host", "exec to the first console byte")
	if (has(k, "us")) {
		x = vmed(k, "us")
		target("shoji start to first guest instruction under 1 ms", \
			sprintf("%s us to the first KVM_RUN (shoji's clock)%s", num(x), has(lk, "us") ? "; exec to the first console byte " mmm(lk, "us") " us" : ""), \
			x < 1000 ? "met" : "not met", "")
	} else {
		k = keyof("rig", "shoji_start", "rig", "shoji run start to the first KVM_RUN (shoji's clock)")
		lk = keyof("rig", "shoji_start", "rig", "exec to the first console byte")
		target("shoji start to first guest instruction under 1 ms", \
			has(k, "us") ? sprintf("in the emulated-KVM rig (nested emulation, not performance): %s us to " \
				"the first KVM_RUN, exec to first console byte %s us", num(vmed(k, "us")), mmm(lk, "us")) : "—", \
			"not measured here", "needs hardware KVM")
	}
	k = keyof("host", "shoji_rss", "host", "resident memory apart from guest RAM")
	if (!has(k, "kib"))
		k = keyof("rig", "shoji_rss", "rig", "resident memory apart from guest RAM")
	if (has(k, "kib")) {
		x = vmed(k, "kib")
		target("VMM resident memory under 2 MiB", sprintf("%d KiB apart from guest RAM (shoji --trace-exits%s)", x, \
			kp[k] == "rig" ? ", build/shoji-static inside the emulated-KVM rig: memory, not time, so " \
				"it counts" : ""), \
			x < 2048 ? "met" : "not met", "")
	} else
		target("VMM resident memory under 2 MiB", "—", "not measured here", skip_reason("rig", "shoji_start", "rig"))
	icount_targets(icount_seen ? "; from make bench-icount" : "")

	printf "# shoji benchmarks\n\n" > fd
	printf "Generated by `make bench` (bench/run) on %s, commit %s.  Each " \
		"measurement was repeated %s times: \"median (min–max)\" over the runs.  " \
		"bench/METHODS.md says what every number includes.\n\n", \
		info["date"], info["git"], info["runs"] > fd
	printf "## Where it ran\n\n" > fd
	printf "- **Host** (Linux baselines; real measurements of this machine): %s.\n", info["host"] > fd
	printf "- **KVM**: %s.\n", info["kvm"] > fd
	printf "- **Guest**: %s.\n", info["platform"] > fd
	if ("rig" in info)
		printf "- **Emulated-KVM rig** (shoji's own cost only): QEMU TCG -> Linux KVM " \
			"-> shoji; guest CPU %s.  Times there are of emulation, never " \
			"performance.\n", info["rig"] > fd
	printf "- QEMU: %s.\n\n", info["qemu"] > fd

	printf "## Targets\n\n" > fd
	md_targets(fd)
	printf "\n" > fd

	printf "## Guest mechanisms beside Linux baselines\n\n" > fd
	printf "Guest and Linux numbers of one row come from the same `make bench` run. " \
		" Ratio: Linux time / guest time (above 1: the guest mechanism is " \
		"faster).  Guest events per operation (task switches / CR3 writes / " \
		"WRPKRU / TLB flushes / system calls) are from SYS_STATS deltas%s.\n\n", \
		has_tcg ? "; with no hardware KVM they come from one QEMU TCG run, whose timings " \
			"are discarded (the counts do not depend on the accelerator)" : "" > fd
	print "| operation | guest mode, variant | guest | Linux baseline | Linux " \
		"(this host) | ratio | guest events/op |" > fd
	print "|---|---|---|---|---|---|---|" > fd
	lk = keyof("linux", "ipc_roundtrip", "linux-process", "pipe")
	side_row(fd, "ipc_roundtrip", "process", "pcid-off", lk, "pipe, 2 processes")
	side_row(fd, "ipc_roundtrip", "process", "pcid-on", lk, "pipe, 2 processes")
	side_row(fd, "ipc_roundtrip", "shared", "same-group", lk, "pipe, 2 processes")
	side_row(fd, "ipc_roundtrip", "shared", "cross-group", lk, "pipe, 2 processes")
	side_row(fd, "ipc_roundtrip", "kernel", "same-group", lk, "pipe, 2 processes")
	side_row(fd, "ipc_roundtrip", "kernel", "cross-group", lk, "pipe, 2 processes")
	side_row(fd, "ipc_roundtrip", "process", "pcid-off-word", lk, "pipe, 2 processes")
	side_row(fd, "ipc_roundtrip", "shared", "same-group-word", lk, "pipe, 2 processes")
	side_row(fd, "ipc_roundtrip", "kernel", "same-group-word", lk, "pipe, 2 processes")
	lk = keyof("linux", "ipc_roundtrip", "linux-thread", "futex")
	side_row(fd, "ipc_roundtrip", "shared", "same-group", lk, "futex, 2 threads")
	side_row(fd, "ipc_call_to_peer", "process", "pcid-off", "", "(no Linux equivalent measured)")
	side_row(fd, "ipc_call_to_peer", "shared", "same-group", "", "(no Linux equivalent measured)")
	side_row(fd, "ipc_call_to_peer", "kernel", "same-group", "", "(no Linux equivalent measured)")
	side_row(fd, "ipc_call_to_peer", "shared", "same-group-word", "", "(no Linux equivalent measured)")
	lk = keyof("linux", "null_syscall", "linux-process", "getppid")
	side_row(fd, "null_syscall", "process", "getpid", lk, "getppid via SYSCALL")
	side_row(fd, "null_syscall", "shared", "getpid", lk, "getppid via SYSCALL")
	side_row(fd, "null_syscall", "kernel", "getpid", lk, "getppid via SYSCALL")
	lk = keyof("linux", "yield_pingpong", "linux-process", "sched_yield")
	side_row(fd, "yield_pingpong", "process", "pcid-off", lk, "sched_yield, 2 processes")
	side_row(fd, "yield_pingpong", "process", "pcid-on", lk, "sched_yield, 2 processes")
	side_row(fd, "yield_pingpong", "shared", "same-group", lk, "sched_yield, 2 processes")
	side_row(fd, "yield_pingpong", "kernel", "same-group", lk, "sched_yield, 2 processes")
	n = split(tlb_shapes(), SH, " ")
	for (i = 1; i <= n; i++) {
		shape = SH[i]
		lk = keyof("linux", "tlb_reads", "linux-process", shape)
		side_row(fd, "tlb_reads", "process", shape "-pcid-off", lk, "processes " shape)
		side_row(fd, "tlb_reads", "process", shape "-pcid-on", lk, "processes " shape)
		lk = keyof("linux", "tlb_reads", "linux-thread", shape)
		side_row(fd, "tlb_reads", "shared", shape "-same-group", lk, "threads " shape)
		side_row(fd, "tlb_reads", "kernel", shape "-same-group", lk, "threads " shape)
	}
	lk = keyof("linux", "pkey_switch", "linux-process", "wrpkru")
	printf "| pkey_switch | (tasks cannot write PKRU; the kernel's WRPKRU per " \
		"shared switch is in the events column) | — | WRPKRU A->B->A in one " \
		"process | %s | — | — |\n", \
		has(lk, "ns_per_op") ? mmm(lk, "cycles_per_op") " cyc, " mmm(lk, "ns_per_op") " ns" : "skipped: " skip_reason("linux", "pkey_switch", "linux-process") > fd
	printf "\n" > fd

	printf "## Linux baselines (this host: %s)\n\n", info["host"] > fd
	print "| benchmark | mode | variant | cycles/op | ns/op | context switches/op " \
		"| syscalls/op | extra |" > fd
	print "|---|---|---|---|---|---|---|---|" > fd
	for (i = 1; i <= nk; i++) {
		key = order[i]
		if (kp[key] != "linux")
			continue
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", kb[key], km[key], kv[key], mmm(key, "cycles_per_op"), \
			mmm(key, "ns_per_op"), num(vmed(key, "task_switches")), num(vmed(key, "syscalls")), \
			has(key, "cycles_per_op_with_switches") ? "with switches " mmm(key, "cycles_per_op_with_switches") " cyc/read" : "" > fd
	}
	printf "\n" > fd

	if (has_kvm) {
		printf "## Guest results (shoji on hardware KVM)\n\n" > fd
		print "| benchmark | mode | variant | cycles/op | ns/op | switches | CR3 | " \
			"WRPKRU | TLB flushes | syscalls | timer ticks |" > fd
		print "|---|---|---|---|---|---|---|---|---|---|---|" > fd
		guest_rows(fd, "kvm")
		printf "\n" > fd
	}
	if (has_tcg) {
		printf "## Guest event counters per operation (QEMU TCG, one run; timings " \
			"discarded)\n\n" > fd
		print "| benchmark | mode | variant | cycles/op | ns/op | switches | CR3 | " \
			"WRPKRU | TLB flushes | syscalls | timer ticks |" > fd
		print "|---|---|---|---|---|---|---|---|---|---|---|" > fd
		guest_rows(fd, "tcg")
		printf "\n" > fd
	}

	kmem_section(fd, has_kvm ? "kvm" : "tcg", pd)
	shoji_section(fd)
	if (icount_seen)
		printf "## Path lengths\n\nInstructions per operation under QEMU -icount are in " \
			"icount-report.md (`make bench-icount`); its targets are in the table " \
			"above.\n\n" > fd
	else
		printf "## Path lengths\n\nNot run: `make bench-icount` measures instructions " \
			"per operation under QEMU -icount (icount-report.md).\n\n" > fd

	printf "## Skipped\n\n" > fd
	if (!nskip)
		print "Nothing." > fd
	for (i = 1; i <= nskip; i++)
		printf "- %s%s %s %s: %s\n", skp_plat[i] == "icount" ? "(make bench-icount) " : skp_plat[i] " ", skp_b[i], skp_m[i], skp_v[i], skp_r[i] > fd
	printf "\n## Plots\n\n- [ops.svg](plots/ops.svg): time per operation, Linux " \
		"baselines%s (median, bars min–max)\n- [kmem.svg](plots/kmem.svg): " \
		"kernel memory per task against the number of tasks\n", has_kvm ? " and guest" : "" > fd
	if (icount_seen)
		printf "- [icount.svg](plots/icount.svg): instructions per operation under " \
			"-icount\n" > fd

	# plot data
	printf "# label median min max kind(0 linux, 1 guest)\n" > (pd "/ops.dat")
	for (i = 1; i <= nk; i++) {
		key = order[i]
		if ((kp[key] != "linux" && kp[key] != "kvm") || !has(key, "ns_per_op") || kb[key] == "kmem_per_task")
			continue
		printf "\"%s %s %s\" %s %s %s %d\n", kb[key], km[key], kv[key], vmed(key, "ns_per_op"), vmin(key, "ns_per_op"), \
			vmax(key, "ns_per_op"), kp[key] == "kvm" > (pd "/ops.dat")
	}
	close(pd "/ops.dat")

	printf "{\n  \"generated_by\": \"make bench (bench/run)\",\n" > jf
	json_info(jf)
	json_results(jf)
	json_targets(jf)
	printf "}\n" > jf
	close(jf)
	close(fd)
}

function tlb_shapes(    i, key, v, seen, list) {
	list = ""
	for (i = 1; i <= nk; i++) {
		key = order[i]
		if (kb[key] != "tlb_reads" || kp[key] != "linux")
			continue
		v = kv[key]
		if (!(v in seen)) {
			seen[v] = 1
			list = list (list == "" ? "" : " ") v
		}
	}
	return list
}

function guest_rows(fd, p,    i, key) {
	for (i = 1; i <= nk; i++) {
		key = order[i]
		if (kp[key] != p || !has(key, "task_switches") || kb[key] ~ /^kmem/)
			continue
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", kb[key], km[key], kv[key], \
			p == "tcg" ? "n/a" : mmm(key, "cycles_per_op"), p == "tcg" ? "n/a" : mmm(key, "ns_per_op"), \
			num(vmed(key, "task_switches")), num(vmed(key, "cr3_writes")), num(vmed(key, "wrpkru")), \
			num(vmed(key, "tlb_flushes")), num(vmed(key, "syscalls")), num(vmed(key, "timer_ticks")) > fd
	}
}

function shoji_section(fd,    i, key, any) {
	printf "## shoji's own cost\n\n" > fd
	printf "Instruction counts are callgrind's (valgrind --tool=callgrind " \
		"--dump-before=run_loop: the part up to the run loop's entry, just " \
		"before its first KVM_RUN; user-space instructions of shoji and its " \
		"libraries, not the kernel's).  *host*: this machine; when its KVM " \
		"cannot run shoji guests, shoji stops after its KVM assessment and probe guest (status " \
		"126) and the count ends there.  *rig*: build/shoji-static inside the " \
		"emulated-KVM rig, which gets to the run loop: its instruction count is " \
		"shoji's own work and does not depend on emulation (except the probe's " \
		"few exits), but its times are nested emulation, not performance.\n\n" > fd
	print "| where | what | value |" > fd
	print "|---|---|---|" > fd
	for (i = 1; i <= nk; i++) {
		key = order[i]
		if (kb[key] == "shoji_instructions")
			printf "| %s | instructions, %s | %s |\n", kp[key], kv[key], mmm(key, "instructions") > fd
		else if (kb[key] == "shoji_rss")
			printf "| %s | %s | %s KiB |\n", kp[key], kv[key], mmm(key, "kib") > fd
		else if (kb[key] == "shoji_start")
			printf "| %s | %s%s | %s us |\n", kp[key], kv[key], kp[key] == "rig" ? " (nested emulation)" : "", mmm(key, "us") > fd
		else if (kb[key] == "boot" && (kp[key] == "rig" || kp[key] == "host" || kp[key] == "kvm"))
			printf "| %s | guest TSC at the first task's main() (ticks since the vCPU's " \
				"creation); kernel clock then | %s ticks; %s ns |\n", \
				kp[key], mmm(key, "tsc_at_main"), mmm(key, "clock_ns_at_main") > fd
	}
	printf "\n" > fd
}
