/* Interface of vmm/vcpu.c: the vCPU: creation, its kvm_run area, CPUID, and the PVH entry state. */
#ifndef SHOJI_VMM_VCPU_H
#define SHOJI_VMM_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "cpuid.h"
#include "vmm.h"

struct vcpu {
	int fd;
	struct kvm_run *run; /* the shared kvm_run page(s) */
	size_t run_size;
};

/* vcpu_create - KVM_CREATE_VCPU @id and map its kvm_run area
 * (KVM_GET_VCPU_MMAP_SIZE).  With the in-kernel irqchip, vCPU 0 is the
 * boot processor and starts runnable; any other starts in the reset
 * state, waiting for INIT and SIPI.  0 or -errno. */
int vcpu_create(int kvm_fd, int vm_fd, unsigned id, struct vcpu *v);

/* vcpu_waits_for_sipi - KVM_GET_MP_STATE says KVM_MP_STATE_UNINITIALIZED:
 * an application processor that KVM_RUN holds until the boot processor's
 * INIT and SIPI reach it (Documentation/virt/kvm/api.rst, KVM_GET_MP_STATE).
 * 0; -EPROTO with a message naming @id and the state when it is in
 * another; -errno when the ioctl fails. */
int vcpu_waits_for_sipi(struct vcpu *v, unsigned id);

/* vcpu_destroy - unmap and close; safe on a zeroed or destroyed vcpu
 * (fd -1 or 0 means none). */
void vcpu_destroy(struct vcpu *v);

/* vcpu_tsc_khz - KVM_GET_TSC_KHZ, or 0 when KVM cannot tell. */
uint32_t vcpu_tsc_khz(struct vcpu *v);

/* vcpu_set_cpuid - KVM_SET_CPUID2 with @t.  0 or -errno. */
int vcpu_set_cpuid(struct vcpu *v, struct cpuid_table *t);

/*
 * vcpu_set_pvh_entry - the PVH entry state (Xen docs/misc/pvh.pandoc):
 * 32-bit protected mode, paging off (CR0 = PE | ET), CS a flat 32-bit
 * execute/read segment (selector 0x08), DS/ES/SS/FS/GS flat read/write
 * (0x10), TR a 32-bit busy TSS (base 0, limit 0x67), RFLAGS = 2
 * (interrupts off), RIP = @entry, RBX = @start_info.
 * Returns 0 or -errno (KVM_GET/SET_SREGS, KVM_SET_REGS).
 */
int vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, gpa_t start_info);

/* vcpu_flat_segment - a flat (base 0, limit 4 GiB) segment descriptor in
 * KVM's form: @type (SDM Vol. 3A 3.4.5.1), @selector, @db (32-bit), @l
 * (64-bit code). */
struct kvm_segment vcpu_flat_segment(uint16_t selector, uint8_t type, bool db, bool l);

#endif
