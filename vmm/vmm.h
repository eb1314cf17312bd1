/* vmm/: what every part of the shoji monitor shares: conventions, exit statuses, gpa_t. */
#ifndef SHOJI_VMM_H
#define SHOJI_VMM_H

/*
 * Each vmm/NAME.c declares what it exports in vmm/NAME.h beside it, every
 * function documented there (the VMM run loop: vmm/run_loop.h; what a
 * guest run holds: vmm/machine.h).  Conventions, for every function the
 * vmm/ headers declare:
 *  - library-style functions return 0 (or a count) on success and -errno
 *    on failure, and clean up what they allocated before returning;
 *  - functions taking `const char **why` set *why, on failure, to a
 *    constant human-readable reason; callers add the name of what failed
 *    ("kernel build/kernel.elf: no PVH entry note");
 *  - functions taking `char *err, size_t errlen` write a full message
 *    (naming the file or option) there on failure;
 *  - KVM set-up steps print "IOCTL_NAME: strerror" themselves (prefixed
 *    "shoji: ") and return -errno: the caller adds nothing;
 *  - guest memory is reached only through guest_ptr().
 */

#include <stdint.h>

/* ==================================================================== */
/* Exit statuses of `shoji` (besides the guest's own 0..3)              */
/* ==================================================================== */

/*
 * The guest's statuses are 0..3 (SHOJI_EXIT_* in include/shoji/abi.h),
 * one byte written to SHOJI_PORT_EXIT; any other write to the exit port
 * ends the run with SHOJI_STATUS_BAD_EXIT and a message naming what was
 * written (vmm/exit_value.c), so 121..126 always come from shoji.  A
 * Linux kernel that ends the machine otherwise (halts with interrupts
 * off, resets it: its power off, halt and reboot) ends with 0, or 2 after
 * its panic line; any other kernel doing so is a crash (machine_end in
 * vmm/run_loop.h, vmm/guest_linux.h).  2 is
 * both a guest panic and shoji's usage error: shoji's own says so on
 * stderr ("shoji: ..."), a panic prints "kernel panic:" on the console.
 */

#define SHOJI_STATUS_USAGE 2	  /* bad command line or input file (as tools/qemu-run) */
#define SHOJI_STATUS_BAD_EXIT 123 /* the guest wrote something else than 0..3 to the exit port */
#define SHOJI_STATUS_TIMEOUT 124  /* --timeout ran out (as timeout(1)) */
#define SHOJI_STATUS_CRASH 125	  /* the vCPU died: triple fault, failed entry, KVM error */
#define SHOJI_STATUS_NO_KVM 126	  /* this host's KVM cannot run shoji guests */

/* A run-loop handler's "keep running"; any value >= 0 ends the run with
 * that exit status. */
#define RUN_CONTINUE (-1)

/* --cpus: shoji's own bound on vCPUs; KVM's (KVM_CAP_MAX_VCPUS) is
 * checked once /dev/kvm is open (vmm/boot.c).  Every vCPU's APIC ID fits
 * the MADT's 8-bit Processor Local APIC entry (vmm/acpi.h), and CPUID
 * leaf 4's 6-bit core count (vmm/cpuid.h). */
#define SHOJI_CPUS_MAX 64

/* A guest physical address.  Never a host pointer: see guest_ptr() (vmm/guest_mem.h). */
typedef uint64_t gpa_t;

#endif
