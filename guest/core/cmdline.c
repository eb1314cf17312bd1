/* Kernel command line: task=[N*]NAME[:MODE[@CPU][:ARG...]], quantum=MS,
 * pcid=on|off, cpus=N, selftest=kernel-fault, audit=on|off, tlbhints=on|off,
 * pmu=on|off. */
#include "core/cmdline.h"
#include "lib/lib.h"
#include "loader/format/format.h"

/* The mode names, the pin and their rule are the host's too (loader/format/task_token.c). */
_Static_assert((int)MODE_PROCESS == TASK_MODE_PROCESS && (int)MODE_SHARED == TASK_MODE_SHARED &&
		   (int)MODE_KERNEL == TASK_MODE_KERNEL && (int)MODE_COUNT == TASK_MODE_COUNT,
	       "the kernel's modes are the task token's");
_Static_assert(TASK_CPU_ANY == -1 && ACPI_MAX_CPUS - 1 <= INT8_MAX,
	       "struct task_spec's cpu holds every pin, and -1 for none");

const char *task_mode_name(enum task_mode m)
{
	return task_token_mode_name(m);
}

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -SHOJI_EINVAL;
}

/* Splits s at every ':' in place; returns the number of fields. */
static int split_colons(char *s, char **field, int max)
{
	int n = 0;
	field[n++] = s;
	for (; *s; s++) {
		if (*s == ':') {
			*s = 0;
			if (n == max)
				return max + 1;
			field[n++] = s + 1;
		}
	}
	return n;
}

/* "N*" before a spec starts N copies of it (task=256*hello:shared): a
 * loader's command line is only a few KiB (QEMU's PVH: about 4). */
static int parse_count(char **value, unsigned long *count, const char *token, char *err,
		       size_t errlen)
{
	char *star = strchr(*value, '*');
	*count = 1;
	if (!star || star == *value)
		return 0;
	for (char *p = *value; p < star; p++)
		if (*p < '0' || *p > '9')
			return 0; /* not a count: the name has a '*' */
	*star = 0;
	if (parse_ulong(*value, 10, count) || *count < 1 || *count > 1024)
		return fail(err, errlen, "task=%s: count must be between 1 and 1024", token);
	*value = star + 1;
	return 0;
}

static int parse_task(char *value, struct boot_options *opt, char *err, size_t errlen)
{
	char *field[SHOJI_TASK_ARGS_MAX + 2];
	char token[64]; /* the token as written, for messages */
	unsigned long count;
	snprintf(token, sizeof(token), "%s", value);
	if (parse_count(&value, &count, token, err, errlen))
		return -SHOJI_EINVAL;
	int n = split_colons(value, field, SHOJI_TASK_ARGS_MAX + 2);

	if (count > opt->max_tasks - opt->ntasks)
		return fail(err, errlen, "task=%s: more than %u tasks", token, opt->max_tasks);
	if (n > SHOJI_TASK_ARGS_MAX + 2)
		return fail(err, errlen, "task=%s: more than %d arguments", token,
			    SHOJI_TASK_ARGS_MAX);
	if (!field[0][0])
		return fail(err, errlen, "task=%s: empty task name", token);
	if (strlen(field[0]) >= SHOJI_TASK_NAME_MAX)
		return fail(err, errlen, "task=%s: task name longer than %d bytes", token,
			    SHOJI_TASK_NAME_MAX - 1);

	struct task_spec *t = &opt->tasks[opt->ntasks];
	t->name = field[0];
	t->mode = MODE_PROCESS;
	t->cpu = TASK_CPU_ANY;
	if (n > 1) {
		int cpu;
		const char *why;
		int m = task_token_mode(field[1], strlen(field[1]), &cpu, &why);
		if (m < 0)
			return fail(err, errlen, "task=%s: '%s': %s", token, field[1], why);
		t->mode = (enum task_mode)m;
		t->cpu = (int8_t)cpu;
	}
	t->argc = 0;
	t->argv[t->argc++] = field[0];
	for (int i = 2; i < n; i++)
		t->argv[t->argc++] = field[i];
	t->argv[t->argc] = 0;
	opt->ntasks++;
	while (--count)
		opt->tasks[opt->ntasks++] = *t; /* copies share the strings */
	return 0;
}

static int parse_quantum(char *value, struct boot_options *opt, char *err, size_t errlen)
{
	unsigned long ms;
	if (parse_ulong(value, 10, &ms) || ms < 1 || ms > 1000)
		return fail(err, errlen, "quantum=%s: expected milliseconds between 1 and 1000",
			    value);
	opt->quantum_us = (uint32_t)ms * 1000;
	return 0;
}

static int parse_pcid(char *value, struct boot_options *opt, char *err, size_t errlen)
{
	if (!strcmp(value, "on"))
		opt->pcid = 1;
	else if (!strcmp(value, "off"))
		opt->pcid = 0;
	else
		return fail(err, errlen, "pcid=%s: expected on or off", value);
	return 0;
}

/* cpus=N: start at most N CPUs, the boot processor included (cpus=1:
 * none besides it); the limit is the kernel's, ACPI_MAX_CPUS. */
static int parse_cpus(char *value, struct boot_options *opt, char *err, size_t errlen)
{
	unsigned long n;
	if (parse_ulong(value, 10, &n) || n < 1 || n > ACPI_MAX_CPUS)
		return fail(err, errlen, "cpus=%s: expected a number of CPUs between 1 and %d",
			    value, ACPI_MAX_CPUS);
	opt->cpus = (unsigned)n;
	return 0;
}

/* selftest=kernel-fault: the kernel faults on purpose once booted, so the
 * panic path (registers, status 2) is tested like any other;
 * selftest=triple-fault: it loads an empty IDT and traps, which resets the
 * machine (how a loader reports a dead vCPU is tested with it);
 * selftest=audit-queue|audit-page|audit-cpu: an invariant broken on
 * purpose, which audit=on must catch (audit_break()); selftest=ap-silent: the other CPUs
 * are started into a halt, so none comes up (the kernel's path for a dead
 * CPU); selftest=rsdp-scan: the loader's RSDP is ignored, so the kernel
 * finds one in the BIOS areas (the path for loaders that pass none);
 * selftest=wake-ipi: the boot processor wakes each other CPU by its IPI;
 * selftest=shootdown: it unmaps a page CPU 1 has cached (tlb_shootdown.c). */
static int parse_selftest(char *value, struct boot_options *opt, char *err, size_t errlen)
{
	if (!strcmp(value, "kernel-fault"))
		opt->selftest = SELFTEST_KERNEL_FAULT;
	else if (!strcmp(value, "triple-fault"))
		opt->selftest = SELFTEST_TRIPLE_FAULT;
	else if (!strcmp(value, "audit-queue"))
		opt->selftest = SELFTEST_AUDIT_QUEUE;
	else if (!strcmp(value, "audit-page"))
		opt->selftest = SELFTEST_AUDIT_PAGE;
	else if (!strcmp(value, "audit-cpu"))
		opt->selftest = SELFTEST_AUDIT_CPU;
	else if (!strcmp(value, "ap-silent"))
		opt->selftest = SELFTEST_AP_SILENT;
	else if (!strcmp(value, "rsdp-scan"))
		opt->selftest = SELFTEST_RSDP_SCAN;
	else if (!strcmp(value, "wake-ipi"))
		opt->selftest = SELFTEST_WAKE_IPI;
	else if (!strcmp(value, "shootdown"))
		opt->selftest = SELFTEST_SHOOTDOWN;
	else
		return fail(err, errlen,
			    "selftest=%s: expected kernel-fault, triple-fault, audit-queue, "
			    "audit-page, audit-cpu, ap-silent, rsdp-scan, wake-ipi or shootdown",
			    value);
	return 0;
}

/* KEY=on|off into *out; any other value is refused, naming key=value. */
static int parse_on_off(const char *key, const char *value, bool *out, char *err, size_t errlen)
{
	if (!strcmp(value, "on"))
		*out = true;
	else if (!strcmp(value, "off"))
		*out = false;
	else
		return fail(err, errlen, "%s=%s: expected on or off", key, value);
	return 0;
}

/* audit=on: the kernel checks its invariants after every system call,
 * fault and interrupt (audit.c); off is the default. */
static int parse_audit(char *value, struct boot_options *opt, char *err, size_t errlen)
{
	return parse_on_off("audit", value, &opt->audit, err, errlen);
}

/* tlbhints=on: the kernel tells the QEMU TLB-model plugin the operands of
 * its CR3, CR4 and INVLPG instructions (arch/x86_64/tlbhint.h); off is
 * the default. */
static int parse_tlbhints(char *value, struct boot_options *opt, char *err, size_t errlen)
{
	return parse_on_off("tlbhints", value, &opt->tlbhints, err, errlen);
}

/* pmu=on: the kernel programs the performance counters where the CPU has
 * them (arch/x86_64/pmu.c); off, the default, leaves them alone and
 * SYS_PMU reports none: the counts include every task's events
 * (docs/security.md, "Performance counters"). */
static int parse_pmu(char *value, struct boot_options *opt, char *err, size_t errlen)
{
	return parse_on_off("pmu", value, &opt->pmu, err, errlen);
}

typedef int (*option_fn)(char *value, struct boot_options *opt, char *err, size_t errlen);

static const struct {
	const char *key;
	option_fn parse;
} options[] = {
    {"task", parse_task},	  {"quantum", parse_quantum}, {"pcid", parse_pcid},
    {"selftest", parse_selftest}, {"audit", parse_audit},     {"tlbhints", parse_tlbhints},
    {"pmu", parse_pmu},		  {"cpus", parse_cpus},
};

/* The parser of the option whose key is tok[0..keylen), or 0. */
static option_fn find_option(const char *tok, size_t keylen)
{
	for (unsigned i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strlen(options[i].key) == keylen && !strncmp(tok, options[i].key, keylen))
			return options[i].parse;
	return 0;
}

int cmdline_parse(char *buf, struct boot_options *opt, char *err, size_t errlen)
{
	opt->quantum_us = QUANTUM_DEFAULT_US;
	opt->pcid = -1;
	opt->ntasks = 0;
	opt->selftest = SELFTEST_NONE;
	opt->audit = false;
	opt->tlbhints = false;
	opt->pmu = false;
	opt->cpus = 0;
	if (errlen)
		err[0] = 0;

	char *s = buf;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		char *tok = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n')
			s++;
		if (*s)
			*s++ = 0;

		char *eq = strchr(tok, '=');
		option_fn parse = eq ? find_option(tok, (size_t)(eq - tok)) : 0;
		if (!parse)
			return fail(err, errlen,
				    "unknown option '%s' (known: task=, quantum=, pcid=, "
				    "selftest=, audit=, tlbhints=, pmu=, cpus=)",
				    tok);
		int rc = parse(eq + 1, opt, err, errlen);
		if (rc)
			return rc;
	}
	if (!opt->ntasks)
		return fail(err, errlen, "no task given (add task=NAME)");
	return 0;
}
