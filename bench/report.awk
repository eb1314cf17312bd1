# report.awk: bench/run's records -> statistics, targets, results JSON, reports, plot data (common part).
#
# usage (from bench/run; the three files are one program):
#   awk -F'\t' -v mode=bench -v out=DIR -f bench/report.awk -f bench/report-bench.awk \
#       -f bench/report-icount.awk RECORDS [ICOUNT_RECORDS]
#   awk -F'\t' -v mode=icount -v out=DIR [-v write_baseline=1] -f bench/report.awk \
#       -f bench/report-bench.awk -f bench/report-icount.awk BASELINE RECORDS
#
# RECORDS lines: KIND <tab> PLATFORM <tab> RUN <tab> PAYLOAD [<tab> VALUE]
#   RESULT  PAYLOAD is a RESULT line's JSON (bench/tasks/bench.h, bench/linux/common.h)
#   SKIP    PAYLOAD is {"benchmark","mode","variant","reason"}
#   INFO    PAYLOAD is a key, VALUE its text
# PLATFORM: linux (this host), kvm (shoji on hardware KVM), tcg (QEMU TCG,
# counters only), icount (QEMU -icount), host / rig (shoji's own cost).
#
# Every numeric field of the results that share platform, benchmark, mode
# and variant (and task, for kmem_per_task) becomes min, median and max
# over the runs.  mode=bench (report-bench.awk) writes DIR/results.json,
# DIR/report.md and DIR/plots/{ops,kmem}.dat; mode=icount
# (report-icount.awk) writes DIR/icount.json, DIR/icount-report.md,
# DIR/icount-check.txt, DIR/icount-baseline.json and DIR/plots/icount.dat,
# and exits 1 when a count grew by more than 2% over BASELINE or the two
# runs of a workload differ by more than that.  Plain POSIX awk (mawk on
# Debian): no python, no jq on a fresh Debian 12.

BEGIN {
	CONVFMT = "%.10g"
	OFMT = "%.10g"
	nf = split("cycles_per_op ns_per_op cycles_per_op_with_switches tsc_read_cycles " \
		"task_switches cr3_writes wrpkru tlb_flushes syscalls timer_ticks bytes " \
		"tsc_at_main clock_ns_at_main tasks groups total_bytes per_task_bytes " \
		"instructions kib us iterations warmup", FIELDS, " ")
	nk = 0
	nskip = 0
	nbase = 0
	GREW = 1.02
}

# --- JSON helpers: flat objects written by this project only ----------------
function jget(s, k,    i, r) {
	i = index(s, "\"" k "\":")
	if (!i)
		return ""
	r = substr(s, i + length(k) + 3)
	if (substr(r, 1, 1) == "\"") {
		r = substr(r, 2)
		return substr(r, 1, index(r, "\"") - 1)
	}
	match(r, /^[^,}]*/)
	return substr(r, 1, RLENGTH)
}

function isnum(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }

function jstr(s) { gsub(/["\\]/, "'", s); return "\"" s "\"" }

# --- aggregation ------------------------------------------------------------
function keyof(p, b, m, v) { return p SUBSEP b SUBSEP m SUBSEP v }

function add(key, f, v,    n) {
	n = ++cnt[key, f]
	val[key, f, n] = v + 0
}

function sortvals(key, f,    n, i, j, t) {
	n = cnt[key, f]
	for (i = 1; i <= n; i++)
		s[i] = val[key, f, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && s[j - 1] > s[j]; j--) {
			t = s[j]; s[j] = s[j - 1]; s[j - 1] = t
		}
	return n
}

function has(key, f) { return (key, f) in cnt }

function vmin(key, f,    n) { n = sortvals(key, f); return s[1] }
function vmax(key, f,    n) { n = sortvals(key, f); return s[n] }
function vmed(key, f,    n) {
	n = sortvals(key, f)
	return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
}
# The value of run r (1-based) as recorded, for determinism checks.
function vrun(key, f, r) { return val[key, f, r] }

function num(x) {
	if (x == "")
		return "—"
	if (x >= 1000)
		return sprintf("%.0f", x)
	if (x >= 100)
		return sprintf("%.1f", x)
	if (x >= 10)
		return sprintf("%.2f", x)
	return sprintf("%.3f", x)
}

# "median (min–max)" of a field, or "" when absent.
function mmm(key, f) {
	if (!has(key, f))
		return ""
	if (cnt[key, f] == 1)
		return num(vmed(key, f))
	return num(vmed(key, f)) " (" num(vmin(key, f)) "–" num(vmax(key, f)) ")"
}

# mode=icount: the first file is the committed baseline.
mode == "icount" && FILENAME == ARGV[1] {
	if ($0 ~ /"metric":/) {
		nbase++
		bkey[nbase] = keyof("icount", jget($0, "benchmark"), jget($0, "mode"), jget($0, "variant"))
		bmetric[nbase] = jget($0, "metric")
		bvalue[nbase] = jget($0, "value")
	}
	next
}

# INFO from the first file only (mode=bench reads the icount records second).
$1 == "INFO" { if (FILENAME == ARGV[1] || mode == "icount") info[$4] = $5; next }

$1 == "SKIP" {
	nskip++
	skp_plat[nskip] = $2
	skp_b[nskip] = jget($4, "benchmark")
	skp_m[nskip] = jget($4, "mode")
	skp_v[nskip] = jget($4, "variant")
	skp_r[nskip] = jget($4, "reason")
	next
}

$1 == "RESULT" {
	p = $2
	b = jget($4, "benchmark")
	m = jget($4, "mode")
	v = jget($4, "variant")
	t = jget($4, "task")
	if (b == "kmem_per_task" && t != "")
		v = v ", task " t
	key = keyof(p, b, m, v)
	if (!(key in known)) {
		known[key] = ++nk
		order[nk] = key
		kp[key] = p; kb[key] = b; km[key] = m; kv[key] = v
	}
	if (jget($4, "cpu") != "")
		cpu[key] = jget($4, "cpu")
	for (i = 1; i <= nf; i++) {
		x = jget($4, FIELDS[i])
		if (isnum(x))
			add(key, FIELDS[i], x)
	}
	next
}

# --- JSON output ----------------------------------------------------------------
function json_results(fd,    i, key, j, f, sep, first) {
	printf "  \"results\": [\n" > fd
	for (i = 1; i <= nk; i++) {
		key = order[i]
		printf "    {\"platform\":%s,\"benchmark\":%s,\"mode\":%s,\"variant\":%s", \
			jstr(kp[key]), jstr(kb[key]), jstr(km[key]), jstr(kv[key]) > fd
		if (key in cpu)
			printf ",\"cpu\":%s", jstr(cpu[key]) > fd
		if (kp[key] == "tcg")
			printf ",\"timings\":null,\"note\":\"QEMU TCG: event counters only, timings " \
				"discarded\"" > fd
		if (kp[key] == "icount")
			printf ",\"note\":\"QEMU -icount shift=0: cycles are guest instructions, ns " \
				"meaningless\"" > fd
		for (j = 1; j <= nf; j++) {
			f = FIELDS[j]
			if (!has(key, f) || f ~ /^(task_switches|cr3_writes|wrpkru|tlb_flushes|syscalls|timer_ticks)$/)
				continue
			printf ",\"%s\":{\"runs\":%d,\"min\":%s,\"median\":%s,\"max\":%s}", f, cnt[key, f], \
				vmin(key, f), vmed(key, f), vmax(key, f) > fd
		}
		printf ",\"counters_per_op\":{" > fd
		sep = ""
		for (j = 1; j <= nf; j++) {
			f = FIELDS[j]
			if (f !~ /^(task_switches|cr3_writes|wrpkru|tlb_flushes|syscalls|timer_ticks)$/)
				continue
			printf "%s\"%s\":%s", sep, f, has(key, f) ? vmed(key, f) : "null" > fd
			sep = ","
		}
		if (kp[key] == "icount")
			printf ",\"vm_exits\":null" > fd
		printf "}}%s\n", i < nk ? "," : "" > fd
	}
	printf "  ],\n" > fd
	printf "  \"skipped\": [\n" > fd
	for (i = 1; i <= nskip; i++)
		printf "    " \
			"{\"platform\":%s,\"benchmark\":%s,\"mode\":%s,\"variant\":%s,\"reason\":%s}%s\n", \
			jstr(skp_plat[i]), jstr(skp_b[i]), jstr(skp_m[i]), jstr(skp_v[i]), jstr(skp_r[i]), \
			i < nskip ? "," : "" > fd
	printf "  ],\n" > fd
}

function json_info(fd,    k) {
	printf "  \"environment\": {" > fd
	sep = ""
	for (k in info) {
		printf "%s\n    %s: %s", sep, jstr(k), jstr(info[k]) > fd
		sep = ","
	}
	printf "\n  },\n" > fd
}

# --- targets ------------------------------------------------------------------------
function target(name, measured, verdict, note) {
	ntg++
	tg_name[ntg] = name; tg_meas[ntg] = measured; tg_verdict[ntg] = verdict; tg_note[ntg] = note
}

function json_targets(fd,    i) {
	printf "  \"targets\": [\n" > fd
	for (i = 1; i <= ntg; i++)
		printf "    {\"target\":%s,\"measured\":%s,\"verdict\":%s,\"note\":%s}%s\n", jstr(tg_name[i]), \
			jstr(tg_meas[i]), jstr(tg_verdict[i]), jstr(tg_note[i]), i < ntg ? "," : "" > fd
	printf "  ]\n" > fd
}

function md_targets(fd,    i) {
	print "| target (docs/architecture.md) | measured | verdict |" > fd
	print "|---|---|---|" > fd
	for (i = 1; i <= ntg; i++)
		printf "| %s | %s | **%s**%s |\n", tg_name[i], tg_meas[i], tg_verdict[i], \
			tg_note[i] != "" ? ": " tg_note[i] : "" > fd
}

# The reason a result was skipped (the whole guest, or this benchmark, mode
# and variant; an empty m or v matches any), shortened for a table cell.
function skip_reason(p, b, m, v,    i, r) {
	for (i = 1; i <= nskip; i++) {
		if (skp_plat[i] != p)
			continue
		if (skp_b[i] == "guest" || (skp_b[i] == b && (m == "" || skp_m[i] == m) && (v == "" || skp_v[i] == v))) {
			r = skp_r[i]
			if (r ~ /cmdline: /) {
				sub(/.*cmdline: /, "", r)
				sub(/ \(console: .*/, "", r)
			}
			return r
		}
	}
	return ""
}

# The path-length targets, from platform icount.
function icount_targets(label,    k1, k2, k3, c1, c2, c3, r) {
	# Both kinds of message; the verdict is the word call's (a task's IPC
	# call either way), the buffer call's number beside it.
	k1 = keyof("icount", "ipc_call_to_peer", "shared", "same-group")
	k2 = keyof("icount", "ipc_call_to_peer", "shared", "same-group-word")
	if (has(k2, "cycles_per_op")) {
		c2 = vmed(k2, "cycles_per_op")
		c1 = has(k1, "cycles_per_op") ? vmed(k1, "cycles_per_op") : 0
		target("icount: shared switch inside a group: at most 150 instructions from a " \
			"task's IPC call to the peer's first instruction", \
			num(c2) " instructions with word messages (sys_call_w; ipc_call_to_peer, shared, " \
			"same-group-word" label ")" (c1 ? "; " num(c1) " with buffer messages (sys_call)" : ""), \
			c2 <= 150 ? "met" : "not met", \
			(c2 <= 150 ? "with word messages" : sprintf("%.1fx the target", c2 / 150)) \
			(c1 > 150 ? sprintf("; buffer messages %.1fx", c1 / 150) : ""))
	} else if (has(k1, "cycles_per_op")) {
		c1 = vmed(k1, "cycles_per_op")
		target("icount: shared switch inside a group: at most 150 instructions from a " \
			"task's IPC call to the peer's first instruction", \
			num(c1) " instructions (ipc_call_to_peer, shared, same group" label ")", c1 <= 150 ? "met" : "not met", \
			c1 <= 150 ? "" : sprintf("%.1fx the target", c1 / 150))
	} else
		target("icount: shared switch inside a group <= 150 instructions", "—", "not measured", "run make bench-icount")
	k2 = keyof("icount", "null_syscall", "kernel", "getpid")
	k3 = keyof("icount", "null_syscall", "shared", "getpid")
	k1 = keyof("icount", "null_syscall", "process", "getpid")
	if (has(k2, "cycles_per_op") && has(k3, "cycles_per_op")) {
		c2 = vmed(k2, "cycles_per_op"); c3 = vmed(k3, "cycles_per_op")
		r = c2 / c3
		target("icount: kernel-mode null system call at most half the instructions of a " \
			"SYSCALL null system call", \
			sprintf("kernel gate %s, shared SYSCALL %s%s instructions: ratio %.2f%s", num(c2), num(c3), \
				has(k1, "cycles_per_op") ? ", process SYSCALL " num(vmed(k1, "cycles_per_op")) : "", r, label), \
			r <= 0.5 ? "met" : "not met", "")
	} else
		target("icount: kernel null syscall <= half of SYSCALL", "—", "not measured", "run make bench-icount")
	kmem_target("icount", "icount: kernel memory per shared task at most 1 KiB", label)
}

# Kernel memory per shared task: sys_kmem of the first task of a full
# group (15 tasks), with 1 and 1024 beside it.
function kmem_target(p, name, label,    k15, k1, kn, b, more) {
	k15 = keyof(p, "kmem_per_task", "shared", "15 tasks, task 1")
	k1 = keyof(p, "kmem_per_task", "shared", "1 tasks, task 1")
	kn = keyof(p, "kmem_per_task", "shared", "1024 tasks, task 1")
	if (!has(k15, "bytes")) {
		target(name, "—", "not measured", "no kmem result")
		return
	}
	b = vmed(k15, "bytes")
	more = ""
	if (has(k1, "bytes"))
		more = more sprintf("; %d B alone", vmed(k1, "bytes"))
	if (has(kn, "bytes"))
		more = more sprintf("; %d B with 1024 tasks", vmed(kn, "bytes"))
	target(name, sprintf("%d bytes per task in a full group of 15 (sys_kmem)%s%s", b, more, label), \
		b <= 1024 ? "met" : "not met", b <= 1024 ? "" : sprintf("%.1fx the target", b / 1024))
}

function kmem_section(fd, p, pd,    i, m, c, k, kt, kl, line, nc, C, nm, MM) {
	printf "## Kernel memory per task\n\n" > fd
	printf "Bytes of kernel memory held for a task (`sys_kmem`: its task structure " \
		"and an equal share of its group's page tables and group structure), for " \
		"the first and the last of COUNT tasks started together, and the total " \
		"over all of them from the kernel's \"task N started: ... B bytes of " \
		"kernel memory\" lines.  Platform: %s (the accounting is the same on " \
		"every accelerator).  Target: at most 1024 bytes per shared task.\n\n", \
		p == "kvm" ? "shoji on KVM" : (p == "icount" ? "QEMU -icount" : "QEMU TCG") > fd
	print "| mode | tasks | groups | sys_kmem, first task | sys_kmem, last task | " \
		"total | total / tasks |" > fd
	print "|---|---|---|---|---|---|---|" > fd
	nc = split("1 15 16 256 1024", C, " ")
	nm = split("process shared kernel", MM, " ")
	printf "# tasks process shared kernel (bytes per task, sys_kmem of the first " \
		"task)\n" > (pd "/kmem.dat")
	for (c = 1; c <= nc; c++) {
		line = C[c]
		for (m = 1; m <= nm; m++) {
			k = keyof(p, "kmem_per_task", MM[m], C[c] " tasks, task 1")
			kl = keyof(p, "kmem_per_task", MM[m], C[c] " tasks, task " C[c])
			kt = keyof(p, "kmem_total", MM[m], C[c] " tasks")
			line = line " " (has(k, "bytes") ? vmed(k, "bytes") : "NaN")
			if (!has(k, "bytes") && !has(kt, "total_bytes"))
				continue
			printf "| %s | %s | %s | %s | %s | %s | %s |\n", MM[m], C[c], has(kt, "groups") ? vmed(kt, "groups") : "—", \
				has(k, "bytes") ? vmed(k, "bytes") : "—", has(kl, "bytes") ? vmed(kl, "bytes") : (C[c] == 1 ? "(same)" : "—"), \
				has(kt, "total_bytes") ? vmed(kt, "total_bytes") : "—", has(kt, "per_task_bytes") ? num(vmed(kt, "per_task_bytes")) : "—" > fd
		}
		print line > (pd "/kmem.dat")
	}
	close(pd "/kmem.dat")
	printf "\n" > fd
}

END {
	for (i = 1; i <= nk; i++) {
		if (kp[order[i]] == "kvm") has_kvm = 1
		if (kp[order[i]] == "tcg") has_tcg = 1
		if (kp[order[i]] == "icount") icount_seen = 1
	}
	if (mode == "icount")
		exit icount_report()
	bench_report()
}
