/* Interface of vmm/options.c: the command line of `shoji run`, and the usage text. */
#ifndef SHOJI_VMM_OPTIONS_H
#define SHOJI_VMM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm.h"

#define SHOJI_MEMORY_DEFAULT (128ull << 20)
#define SHOJI_MEMORY_MIN (16ull << 20)
#define SHOJI_TIMEOUT_DEFAULT_MS 30000 /* as tools/qemu-run */
#define SHOJI_TIMEOUT_MAX_MS (7ull * 24 * 3600 * 1000)

struct run_opts {
	const char *kernel;	 /* --kernel; NULL: kernel.elf beside the shoji binary */
	const char *initrd;	 /* --initrd; NULL: packed from the task specs */
	const char *append;	 /* --append; NULL when not given */
	uint64_t memory;	 /* --memory, bytes */
	unsigned cpus;		 /* --cpus, 1..SHOJI_CPUS_MAX */
	uint64_t timeout_ms;	 /* --timeout */
	const char *timeout_str; /* --timeout as written, for messages */
	bool trace_exits;	 /* --trace-exits */
	const char *json;	 /* --json FILE; NULL when not given */
	bool help;		 /* --help was given: print usage, do nothing else */
	char **specs;		 /* TASKSPEC arguments (point into argv) */
	int nspecs;
};

/*
 * opts_parse_run - parse the arguments after `run`.
 * @argc, @argv: the arguments after the word `run` (argv[0] is the first
 *        option or spec); options may come before, between or after specs,
 *        as "--opt VALUE" or "--opt=VALUE"; "--" ends the options.
 * Fills @o (defaults first).  --initrd together with task specs is refused:
 * with --initrd, name the tasks with --append "task=NAME...".
 * Returns 0, or -EINVAL with a one-line message in @err.
 */
int opts_parse_run(int argc, char **argv, struct run_opts *o, char *err, size_t errlen);

/*
 * opts_parse_size - a memory size: digits with an optional K, M or G
 * suffix (powers of 1024; case-insensitive; an optional trailing "B" or
 * "iB"); a bare number is MiB, as QEMU's -m.
 * Returns 0 with *out in bytes, or -EINVAL (empty, junk, zero, overflow).
 */
int opts_parse_size(const char *s, uint64_t *out);

/*
 * opts_parse_seconds - a duration in seconds: digits with an optional
 * fraction of up to 3 digits ("30", "0.5").  Returns 0 with *ms, or
 * -EINVAL (junk, zero, more than SHOJI_TIMEOUT_MAX_MS).
 */
int opts_parse_seconds(const char *s, uint64_t *ms);

/*
 * opts_check_memory - bounds for --memory.
 * @mem: requested bytes; @host_ram: the host's physical RAM in bytes
 *        (sysinfo), 0 when unknown (then not checked).
 * Refuses sizes under SHOJI_MEMORY_MIN, not a whole number of MiB, above
 * GUEST_MEM_MAX (the PCI/APIC hole), or above the host's RAM.
 * Returns 0, or -EINVAL with a message in @err.
 */
int opts_check_memory(uint64_t mem, uint64_t host_ram, char *err, size_t errlen);

/*
 * opts_check_cpus - --cpus against what this KVM allows.
 * @cpus: requested vCPUs (1..SHOJI_CPUS_MAX, as opts_parse_run left it);
 * @kvm_max: KVM_CAP_MAX_VCPUS (kvm_max_vcpus, vmm/kvm_vm.h).
 * Returns 0, or -EINVAL with a message naming both numbers in @err.
 */
int opts_check_cpus(unsigned cpus, unsigned kvm_max, char *err, size_t errlen);

/* opts_usage - the usage text of shoji and its commands, on @f. */
void opts_usage(FILE *f);

#endif
