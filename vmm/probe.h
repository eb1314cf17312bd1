/* Interface of vmm/probe.c: the probe guest, can this KVM deliver exceptions to a kernel? */
#ifndef SHOJI_VMM_PROBE_H
#define SHOJI_VMM_PROBE_H

#include <stdbool.h>
#include <stdint.h>

/* Declared in vcpu.h and guest_mem.h; only pointers pass here (and vmm.h
 * includes this header while it still holds the boot sections). */
struct vcpu;
struct guest_mem;

struct probe_result {
	bool ok;
	char why[320];	  /* when !ok: what went wrong, in words */
	uint32_t tsc_khz; /* probe_run only: from the probe vCPU, 0 when unknown */
};

#define PROBE_TIMEOUT_MS 500
#define PROBE_AREA_END 0x8000ull /* the probe uses guest RAM below this */

/*
 * probe_vcpu - run a few bytes of 64-bit kernel code on @v that raise
 * `int $0x30`, #UD and #PF and report each from its IDT handler through
 * an I/O port; all three must arrive within PROBE_TIMEOUT_MS.
 * @v:  a vCPU with its CPUID set and never run with other code (or whose
 *      state the caller will replace anyway).
 * @m:  the VM's RAM at guest physical 0, at least PROBE_AREA_END bytes;
 *      [0, PROBE_AREA_END) is overwritten and left zeroed (zeroed first
 *      unless guest_mem_is_zero vouches for it; recorded as written).
 * Afterwards the vCPU's registers are the probe's: set the real entry
 * state before running anything else.
 * Returns 0 with @r filled (r->ok false, r->why set, when this KVM
 * misbehaved), or -errno when the probe could not be set up (printed).
 * A KVM_RUN that ignores the timeout kick ends the process with
 * SHOJI_STATUS_NO_KVM.
 */
int probe_vcpu(struct vcpu *v, struct guest_mem *m, struct probe_result *r);

/* probe_run - probe_vcpu on a VM of its own (for `shoji info`), with the
 * same platform and CPUID as `shoji run` gives the kernel.  0 or -errno. */
int probe_run(int kvm_fd, struct probe_result *r);

#endif
