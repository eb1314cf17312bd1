/* The kernel command line (cmdline.c, pure): boot options and task specs. */
#ifndef CORE_CMDLINE_H
#define CORE_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <shoji/abi.h>

enum task_mode { MODE_PROCESS, MODE_SHARED, MODE_KERNEL, MODE_COUNT };
struct task_spec {
	const char *name; /* file in the initrd */
	enum task_mode mode;
	/* The pin, task=NAME:MODE@CPU: a CPU index below ACPI_MAX_CPUS;
	 * -1 (TASK_CPU_ANY) for none.  Placing the task is the scheduler's. */
	int8_t cpu;
	int argc; /* argv[0] is the name */
	const char *argv[SHOJI_TASK_ARGS_MAX + 2];
};
struct boot_options {
	uint32_t quantum_us; /* scheduler time slice, from quantum=MS */
	int pcid;	     /* -1 auto (use when the CPU has it), 0 off, 1 on */
	enum {
		SELFTEST_NONE,
		SELFTEST_KERNEL_FAULT,
		SELFTEST_TRIPLE_FAULT,
		SELFTEST_AUDIT_QUEUE,
		SELFTEST_AUDIT_PAGE,
		SELFTEST_AP_SILENT,
		SELFTEST_RSDP_SCAN,
		SELFTEST_AUDIT_CPU,
		SELFTEST_WAKE_IPI,
		SELFTEST_SHOOTDOWN,
	} selftest;
	bool audit;    /* audit=on: check the kernel's invariants (audit.c) */
	bool tlbhints; /* tlbhints=on: hints for the TLB-model plugin (arch/x86_64/tlbhint.h) */
	bool pmu;      /* pmu=on: use the performance counters (pmu.c); off by default */
	unsigned cpus; /* cpus=N: start at most N CPUs (1..ACPI_MAX_CPUS); 0: every one */
	unsigned ntasks;
	struct task_spec *tasks; /* caller's array of max_tasks entries */
	unsigned max_tasks;
};
#define QUANTUM_DEFAULT_US 10000
/* Parses buf in place (tokens split on spaces; strings in `opt` point into
 * buf).  0, or -SHOJI_EINVAL with a message naming the bad token in err. */
int cmdline_parse(char *buf, struct boot_options *opt, char *err, size_t errlen);
/* "process", "shared", "kernel". */
const char *task_mode_name(enum task_mode m);

#endif
