/* `shoji run`: the boot sequence, one step a line. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "shoji/abi.h"

#include "../loader/format/format.h"

#include "boot.h"
#include "console.h"
#include "cpuid.h"
#include "devices.h"
#include "elf_load.h"
#include "guest_linux.h"
#include "guest_mem.h"
#include "hostfile.h"
#include "initrd.h"
#include "io.h"
#include "kvm_assess.h"
#include "kvm_vm.h"
#include "machine.h"
#include "options.h"
#include "probe.h"
#include "run_loop.h"
#include "startinfo.h"
#include "trace.h"
#include "vcpu.h"
#include "vmm.h"

#define INITRD_FILE_MAX 0xffffffffu

/* load_guest keeps the kernel below PROBE_AREA_END out: that must cover
 * the start info too. */
_Static_assert(PROBE_AREA_END >= BOOT_AREA_END, "kernels load above probe and boot area");

/* What the host files give the guest, read before KVM is touched. */
struct inputs {
	char kernel_path[4096];
	void *kernel;
	size_t kernel_size;
	struct cpio_writer packed; /* the initrd from task specs */
	void *initrd_file;	   /* or the --initrd file */
	const void *initrd;
	size_t initrd_size;
	char cmdline[SHOJI_CMDLINE_MAX];
	int json_fd;
};

/* Prints "shoji: MESSAGE" and gives the status of a usage or input error. */
static int __attribute__((format(printf, 1, 2))) input_error(const char *fmt, ...)
{
	va_list ap;
	fputs("shoji: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return SHOJI_STATUS_USAGE;
}

/* Host RAM bounds --memory; 0 (unknown) skips the check. */
static uint64_t host_ram(void)
{
	struct sysinfo si;
	return sysinfo(&si) ? 0 : (uint64_t)si.totalram * si.mem_unit;
}

static int read_inputs(const struct run_opts *o, struct inputs *in)
{
	char err[600];
	int rc;

	if (opts_check_memory(o->memory, host_ram(), err, sizeof(err)))
		return input_error("%s", err);
	if (o->kernel)
		snprintf(in->kernel_path, sizeof(in->kernel_path), "%s", o->kernel);
	else if ((rc =
		      hostfile_beside_self("kernel.elf", in->kernel_path, sizeof(in->kernel_path))))
		return input_error("cannot find the shoji binary's directory: give --kernel");
	if ((rc = hostfile_read(in->kernel_path, KERNEL_FILE_MAX, &in->kernel, &in->kernel_size))) {
		return input_error(
		    "kernel %s: %s%s", in->kernel_path, strerror(-rc),
		    rc == -ENOENT && !o->kernel ? " (build it with make, or give --kernel)" : "");
	}

	cpio_writer_init(&in->packed);
	if (o->initrd) {
		if ((rc = hostfile_read(o->initrd, INITRD_FILE_MAX, &in->initrd_file,
					&in->initrd_size))) {
			return input_error("initrd %s: %s", o->initrd, strerror(-rc));
		}
		in->initrd = in->initrd_file;
		if (o->append && strlen(o->append) >= SHOJI_CMDLINE_MAX)
			return input_error("--append is longer than the kernel command line allows "
					   "(4095 bytes)");
		snprintf(in->cmdline, sizeof(in->cmdline), "%s", o->append ? o->append : "");
	} else {
		if (initrd_from_specs(o->specs, o->nspecs, o->append, &in->packed, in->cmdline,
				      sizeof(in->cmdline), err, sizeof(err)))
			return input_error("%s", err);
		in->initrd = in->packed.buf;
		in->initrd_size = o->nspecs ? in->packed.len : 0; /* an empty cpio is no initrd */
	}

	in->json_fd = -1;
	if (o->json &&
	    (in->json_fd = open(o->json, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		return input_error("--json %s: %s", o->json, strerror(errno));
	}
	return 0;
}

/* Kernel and initrd into guest RAM: a bad file is refused before KVM is asked. */
static int load_guest(const struct run_opts *o, struct inputs *in, struct machine *m)
{
	struct elf_image img;
	const char *why;
	gpa_t at;
	int rc;

	if ((rc = guest_mem_alloc(&m->mem, o->memory))) {
		fprintf(stderr, "shoji: cannot reserve %llu MiB of guest memory: %s\n",
			(unsigned long long)(o->memory >> 20), strerror(-rc));
		return SHOJI_STATUS_USAGE;
	}
	/* Below PROBE_AREA_END the probe and the start info go. */
	if ((rc = elf_load(&m->mem, in->kernel, in->kernel_size, 0, PROBE_AREA_END, &img, &why))) {
		struct kernel_elf k;
		if (rc == -ERANGE && !elf_judge(in->kernel, in->kernel_size, &k, &why) &&
		    k.hi > m->mem.size)
			return input_error(
			    "kernel %s: its segments end at %#llx, past guest RAM: it "
			    "needs --memory %llu (MiB) or more, and room to run",
			    in->kernel_path, (unsigned long long)k.hi,
			    (unsigned long long)((k.hi + (1u << 20) - 1) >> 20));
		return input_error("kernel %s: %s", in->kernel_path, why);
	}
	m->entry = img.entry;
	m->is_linux = img.is_linux;
	if (in->initrd_size) { /* no task specs, no initrd: the kernel may fill RAM */
		if (initrd_place(&m->mem, in->initrd_size, img.hi, &at, &why))
			return input_error("initrd of %zu bytes: %s", in->initrd_size, why);
		guest_mem_written(&m->mem, at, in->initrd_size);
		memcpy(guest_ptr(&m->mem, at, in->initrd_size), in->initrd, in->initrd_size);
		m->initrd = at;
		m->initrd_size = in->initrd_size;
	}
	/* The guest has its copies: shoji's stay small while it runs. */
	free(in->kernel);
	in->kernel = NULL;
	free(in->initrd_file);
	in->initrd_file = NULL;
	cpio_writer_free(&in->packed);
	in->initrd = NULL;
	return 0;
}

/* --cpus against this KVM's bound; one vCPU every KVM allows (no ioctl). */
static int check_cpus(const struct machine *m)
{
	unsigned recommended;
	char err[200];
	if (m->ncpus > 1 &&
	    opts_check_cpus(m->ncpus, kvm_max_vcpus(m->kvm_fd, &recommended), err, sizeof(err)))
		return input_error("%s", err);
	return 0;
}

/* vCPU @i: its CPUID (its own APIC ID); an AP is checked to wait for SIPI. */
static int setup_vcpu(struct machine *m, unsigned i, struct cpuid_table *cpuid)
{
	int rc;
	if (i && (rc = vcpu_create(m->kvm_fd, m->vm_fd, i, &m->vcpu[i])))
		return rc;
	if (i && (rc = vcpu_waits_for_sipi(&m->vcpu[i], i)))
		return rc;
	if (cpuid_set_topology(cpuid, i, m->ncpus)) {
		fprintf(stderr, "shoji: the CPUID table is full\n");
		return -ENOSPC;
	}
	return vcpu_set_cpuid(&m->vcpu[i], cpuid);
}

/* The VM, its vCPUs and CPUID: any failure means this KVM will not do. */
static int create_vm(struct machine *m)
{
	struct cpuid_table *cpuid = malloc(sizeof(*cpuid));
	int rc = -ENOMEM;

	if (!cpuid)
		goto out;
	if ((m->vm_fd = vm_create(m->kvm_fd, true)) < 0) {
		rc = m->vm_fd;
		goto out;
	}
	if ((rc = vm_set_memory(m->vm_fd, 0, &m->mem)))
		goto out;
	if ((rc = vcpu_create(m->kvm_fd, m->vm_fd, 0, &m->vcpu[0])))
		goto out;
	if ((rc = kvm_supported_cpuid(m->kvm_fd, cpuid)))
		goto out;
	if ((rc = cpuid_prepare(cpuid, vcpu_tsc_khz(&m->vcpu[0]),
				kvm_has(m->kvm_fd, KVM_CAP_TSC_DEADLINE_TIMER) > 0))) {
		fprintf(stderr, "shoji: the CPUID table is full\n");
		goto out;
	}
	for (unsigned i = 0; i < m->ncpus && !rc; i++)
		rc = setup_vcpu(m, i, cpuid);
out:
	free(cpuid);
	return rc ? SHOJI_STATUS_NO_KVM : 0;
}

/* Start info and entry registers: the last step before the first instruction. */
static int prepare_entry(struct machine *m, const struct inputs *in)
{
	const char *why;
	gpa_t si, rsdp = 0;

	/* The start info goes in the boot area; then the guest writes where it likes. */
	guest_mem_written(&m->mem, 0, m->mem.size);
	if (m->ncpus > 1 && startinfo_acpi(&m->mem, m->ncpus, &rsdp, &why))
		return input_error("%s", why);
	if (startinfo_build(&m->mem, in->cmdline, m->initrd, m->initrd_size, rsdp, &si, &why))
		return input_error(why);
	if (vcpu_set_pvh_entry(&m->vcpu[0], m->entry, si))
		return SHOJI_STATUS_NO_KVM;
	return 0;
}

/* The console, written by several vCPU threads: a recursive lock (a
 * device holds it across a line and its mark, vmm/console.h). */
static int console_share(struct machine *m)
{
	pthread_mutexattr_t a;
	int rc = pthread_mutexattr_init(&a);
	if (!rc)
		rc = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	if (!rc)
		rc = pthread_mutex_init(&m->con_lock, &a);
	pthread_mutexattr_destroy(&a);
	if (!rc)
		m->con.lock = &m->con_lock;
	return rc;
}

/* The console's end: the rest of the output, the JSON array closed, the drops counted. */
static void write_results(struct machine *m, const struct run_opts *o, struct inputs *in)
{
	if (in->json_fd < 0) {
		console_finish(&m->con);
		return;
	}
	int rc = console_finish(&m->con);
	if (close(in->json_fd) && !rc)
		rc = -errno;
	in->json_fd = -1;
	if (rc)
		fprintf(stderr, "shoji: --json %s: %s\n", o->json, strerror(-rc));
}

static void cleanup(struct machine *m, struct inputs *in)
{
	devices_detach(m);
	for (unsigned i = 0; i < m->ncpus; i++)
		vcpu_destroy(&m->vcpu[i]);
	if (m->vm_fd >= 0)
		close(m->vm_fd);
	if (m->kvm_fd >= 0)
		close(m->kvm_fd);
	guest_mem_free(&m->mem);
	free(in->kernel);
	free(in->initrd_file);
	cpio_writer_free(&in->packed);
	if (in->json_fd >= 0)
		close(in->json_fd);
}

int cmd_run(int argc, char **argv)
{
	static struct machine m;
	static struct inputs in;
	static struct kvm_assessment a;
	struct run_opts o;
	char err[600];
	int status;

	m.start_ns = trace_now_ns();
	m.kvm_fd = m.vm_fd = in.json_fd = -1;
	m.end_status = RUN_CONTINUE;
	if (opts_parse_run(argc, argv, &o, err, sizeof(err)))
		return input_error("%s", err);
	if (o.help) {
		opts_usage(stdout);
		return 0;
	}
	m.ncpus = o.cpus;
	for (unsigned i = 0; i < m.ncpus; i++)
		m.vcpu[i].fd = -1;
	m.trace = o.trace_exits;
	io_init(&m.io, o.trace_exits);
	console_init(&m.con, STDOUT_FILENO, -1);
	if (m.ncpus > 1 && console_share(&m)) /* vCPU threads write it at once */
		return input_error("cannot make the console's lock");
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is an error to report, not the end */

	if ((status = read_inputs(&o, &in))) /* kernel, initrd, command line */
		goto out;
	m.con.json_fd = in.json_fd;		/* RESULT lines go there as they come */
	if ((status = load_guest(&o, &in, &m))) /* into guest RAM, checked */
		goto out;
	if ((m.kvm_fd = kvm_open()) < 0) { /* /dev/kvm, API 12 */
		status = SHOJI_STATUS_NO_KVM;
		goto out;
	}
	kvm_assess(m.kvm_fd, &a); /* capabilities, PKU */
	if (!a.required_ok) {
		kvm_assess_report(&a);
		status = SHOJI_STATUS_NO_KVM;
		goto out;
	}
	if ((status = check_cpus(&m))) /* --cpus within KVM_CAP_MAX_VCPUS */
		goto out;
	if ((status = create_vm(&m))) /* VM, irqchip, PIT, RAM, vCPUs, CPUID */
		goto out;
	kvm_assess_probe(&a, probe_vcpu(&m.vcpu[0], &m.mem, &a.probe)); /* exceptions work? */
	if (a.nproblems) {
		kvm_assess_report(&a);
		status = SHOJI_STATUS_NO_KVM;
		goto out;
	}
	if ((status = prepare_entry(&m, &in))) /* ACPI MADT, start info, PVH registers */
		goto out;
	if ((status =
		 devices_attach(&m) ? SHOJI_STATUS_CRASH : 0)) /* console, exit, reset, clock */
		goto out;
	if (m.is_linux)
		linux_watch_console(&m); /* its panic lines */
	malloc_trim(0);			 /* what start-up freed goes back to the host */
	status = run_loop(&m, o.timeout_ms, o.timeout_str);
	write_results(&m, &o, &in); /* a failure is reported; the guest's status stands */
	if (m.trace)
		trace_summary(&m);
out:
	cleanup(&m, &in);
	return status;
}
