/* The command line of `shoji run`: options, sizes, durations, and the usage text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "guest_mem.h"
#include "options.h"

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int opts_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	static const struct {
		char letter;
		unsigned shift;
	} units[] = {{'K', 10}, {'M', 20}, {'G', 30}};
	unsigned shift = 20; /* a bare number is MiB, as QEMU's -m */
	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if ((*p & ~0x20) == units[i].letter) {
			shift = units[i].shift;
			p++;
			if (!strcmp(p, "iB") || !strcmp(p, "B"))
				p += strlen(p);
			break;
		}
	}
	if (*p || v == 0 || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int opts_parse_seconds(const char *s, uint64_t *ms)
{
	uint64_t sec = 0, frac = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		sec = sec * 10 + (uint64_t)(*p - '0');
		if (sec > SHOJI_TIMEOUT_MAX_MS / 1000)
			return -EINVAL;
	}
	if (*p == '.') {
		unsigned digits = 0, scale = 100;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (digits == 3)
				return -EINVAL;
			frac += (uint64_t)(*p - '0') * scale;
			scale /= 10;
		}
		if (!digits)
			return -EINVAL;
	}
	uint64_t v = sec * 1000 + frac;
	if (*p || v == 0 || v > SHOJI_TIMEOUT_MAX_MS)
		return -EINVAL;
	*ms = v;
	return 0;
}

int opts_check_memory(uint64_t mem, uint64_t host_ram, char *err, size_t errlen)
{
	if (mem < SHOJI_MEMORY_MIN)
		return fail(
		    err, errlen, "--memory %llu MiB is too small for the kernel (at least %llu M)",
		    (unsigned long long)(mem >> 20), (unsigned long long)(SHOJI_MEMORY_MIN >> 20));
	if (mem % (1u << 20))
		return fail(err, errlen, "--memory must be a whole number of MiB");
	if (mem > GUEST_MEM_MAX)
		return fail(err, errlen,
			    "--memory %llu MiB: shoji maps guest RAM below the 3 GiB APIC/PCI hole "
			    "only (at most 3G)",
			    (unsigned long long)(mem >> 20));
	if (host_ram && mem > host_ram)
		return fail(err, errlen,
			    "--memory %llu MiB is more than this host's %llu MiB of RAM",
			    (unsigned long long)(mem >> 20), (unsigned long long)(host_ram >> 20));
	return 0;
}

int opts_check_cpus(unsigned cpus, unsigned kvm_max, char *err, size_t errlen)
{
	if (cpus > kvm_max)
		return fail(err, errlen,
			    "--cpus %u: this KVM allows at most %u vCPUs in a VM "
			    "(KVM_CAP_MAX_VCPUS)",
			    cpus, kvm_max);
	return 0;
}

/* --- the option table: one setter per option ----------------------------- */

static int set_kernel(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	o->kernel = v;
	return 0;
}

static int set_initrd(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	o->initrd = v;
	return 0;
}

static int set_append(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	o->append = v;
	return 0;
}

static int set_memory(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	if (opts_parse_size(v, &o->memory))
		return fail(err, errlen, "--memory wants a size like 128M or 1G, not '%s'", v);
	return opts_check_memory(o->memory, 0, err, errlen);
}

static int set_timeout(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	if (opts_parse_seconds(v, &o->timeout_ms))
		return fail(
		    err, errlen,
		    "--timeout wants seconds (more than 0, at most 7 days, up to 3 decimals), "
		    "not '%s'",
		    v);
	o->timeout_str = v;
	return 0;
}

static int set_cpus(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	unsigned n = 0;
	const char *p = v;

	for (; *p >= '0' && *p <= '9' && n <= SHOJI_CPUS_MAX; p++)
		n = n * 10 + (unsigned)(*p - '0');
	if (p == v || *p || n < 1 || n > SHOJI_CPUS_MAX)
		return fail(err, errlen, "--cpus wants a number of vCPUs from 1 to %d, not '%s'",
			    SHOJI_CPUS_MAX, v);
	o->cpus = n;
	return 0;
}

static int set_trace(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	o->trace_exits = true;
	return 0;
}

static int set_json(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	if (!*v)
		return fail(err, errlen, "--json wants a file name");
	o->json = v;
	return 0;
}

static int set_help(struct run_opts *o, const char *v, char *err, size_t errlen)
{
	o->help = true;
	return 0;
}

static const struct run_option {
	const char *name;
	bool has_arg;
	int (*set)(struct run_opts *o, const char *v, char *err, size_t errlen);
} run_options[] = {
    {"--kernel", true, set_kernel},   {"--initrd", true, set_initrd},
    {"--append", true, set_append},   {"--memory", true, set_memory},
    {"--timeout", true, set_timeout}, {"--trace-exits", false, set_trace},
    {"--cpus", true, set_cpus},	      {"--json", true, set_json},
    {"--help", false, set_help},      {"-h", false, set_help},
};

/* The option spelled by the first @n bytes of @a, or NULL. */
static const struct run_option *find_option(const char *a, size_t n)
{
	for (size_t k = 0; k < sizeof(run_options) / sizeof(run_options[0]); k++)
		if (strlen(run_options[k].name) == n && !strncmp(a, run_options[k].name, n))
			return &run_options[k];
	return NULL;
}

int opts_parse_run(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
	*o = (struct run_opts){
	    .memory = SHOJI_MEMORY_DEFAULT,
	    .cpus = 1,
	    .timeout_ms = SHOJI_TIMEOUT_DEFAULT_MS,
	    .timeout_str = "30",
	    .specs = argv,
	};
	bool options_done = false;

	/* Specs are gathered at the front of argv, in order: argv is ours. */
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (options_done || a[0] != '-' || !a[1]) {
			o->specs[o->nspecs++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_done = true;
			continue;
		}
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		const struct run_option *opt = find_option(a, n);
		if (!opt)
			return fail(err, errlen, "unknown option %.*s (see shoji --help)", (int)n,
				    a);
		const char *v = NULL;
		if (opt->has_arg) {
			if (eq)
				v = eq + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else
				return fail(err, errlen, "%s wants a value", opt->name);
		} else if (eq) {
			return fail(err, errlen, "%s takes no value", opt->name);
		}
		int rc = opt->set(o, v, err, errlen);
		if (rc)
			return rc;
	}
	if (o->initrd && o->nspecs)
		return fail(err, errlen,
			    "--initrd and task files exclude each other: with --initrd, name the "
			    "tasks with --append \"task=NAME...\"");
	return 0;
}

void opts_usage(FILE *f)
{
	fputs("usage: shoji run [OPTIONS] [HOSTPATH[:MODE[@CPU][:ARG...]]...]\n"
	      "       shoji info\n"
	      "       shoji --help | --version\n"
	      "\n"
	      "shoji run boots the guest kernel on KVM.  Each HOSTPATH is packed into the initrd\n"
	      "under its base name without .elf, and task=NAME[:MODE[@CPU][:ARG...]] goes on\n"
	      "the kernel command line (MODE: process, shared or kernel; @CPU pins the task\n"
	      "to a CPU index, 0 the boot processor).  The guest console is shoji's standard\n"
	      "output.\n"
	      "\n"
	      "  --kernel FILE      guest kernel (default: kernel.elf beside the shoji binary)\n"
	      "  --initrd FILE      this initrd instead of packed task files (then no HOSTPATHs:\n"
	      "                     name the tasks with --append \"task=NAME...\")\n"
	      "  --append STR       kernel command line after the task= tokens\n"
	      "  --memory SIZE      guest RAM, 16M..3G (default 128M; a bare number is MiB)\n"
	      "  --cpus N           vCPUs, 1..64 and at most what KVM allows (default 1); the\n"
	      "                     boot processor starts the others by INIT/SIPI\n"
	      "  --timeout SECONDS  stop the guest after this long (default 30)\n"
	      "  --trace-exits      log unknown ports and MMIO once; at the end, exits by reason\n"
	      "                     and shoji's resident memory (on standard error)\n"
	      "  --json FILE        the guest's \"RESULT {json}\" lines, as a JSON array with one\n"
	      "                     object a line\n"
	      "\n"
	      "Exit status: the guest's (0: every task exited 0, 1: a task failed, 2: kernel\n"
	      "panic, 3: command line or task refused); 2 also for a usage error or a bad input\n"
	      "file; 124: timed out; 125: a vCPU crashed (registers printed); 126: this KVM\n"
	      "cannot run shoji guests (see shoji info).\n"
	      "\n"
	      "shoji info shows the KVM API version, the capabilities shoji uses, the vCPUs\n"
	      "KVM allows, PKU, the result of a probe guest and a verdict; it exits 0 when this\n"
	      "KVM can run shoji guests, 126 when not.\n",
	      f);
}
