/* Interface of vmm/cpuid.c: the guest's CPUID, KVM's table plus the hypervisor leaves. */
#ifndef SHOJI_VMM_CPUID_H
#define SHOJI_VMM_CPUID_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "arch/x86_64/pmu_events.h"

#define CPUID_MAX_ENTRIES 256
#define CPUID_HV_BASE 0x40000000u   /* hypervisor signature leaf */
#define CPUID_HV_TIMING 0x40000010u /* EAX: TSC kHz, EBX: APIC bus kHz */
#define KVM_APIC_BUS_KHZ 1000000u   /* KVM's local APIC timer counts in ns */

/* A CPUID table with room to add entries. */
struct cpuid_table {
	struct kvm_cpuid2 head;
	struct kvm_cpuid_entry2 entries[CPUID_MAX_ENTRIES];
};

/* cpuid_find - the entry for @function/@index (index ignored unless the
 * entry has KVM_CPUID_FLAG_SIGNIFCANT_INDEX), or NULL. */
struct kvm_cpuid_entry2 *cpuid_find(struct cpuid_table *t, uint32_t function, uint32_t index);

/* cpuid_has_pku - CPUID.(7,0):ECX[3] in @t. */
bool cpuid_has_pku(struct cpuid_table *t);

/* cpuid_has_pkru_xsave - PKRU (bit 9) in the XCR0 mask, CPUID.(0xD,0):EAX. */
bool cpuid_has_pkru_xsave(struct cpuid_table *t);

/* cpuid_pmu_leaves - the leaves @t holds that tell the guest's PMU
 * (guest/arch/x86_64/pmu_events.h), into @c: a leaf @t lacks, or one
 * past leaf 0's or 8000_0000h's maximum, is marked absent. */
void cpuid_pmu_leaves(struct cpuid_table *t, struct pmu_cpuid *c);

/*
 * cpuid_prepare - turn KVM_GET_SUPPORTED_CPUID's table into the guest's.
 * Sets CPUID.1:ECX[31] (hypervisor), and CPUID.1:ECX[24] (TSC-deadline)
 * when @tsc_deadline (KVM_CAP_TSC_DEADLINE_TIMER with the in-kernel
 * irqchip); keeps PKU as KVM offers it (OSPKE and OSXSAVE are left for
 * KVM to compute from the guest's CR4); when @tsc_khz is not 0, adds leaf
 * CPUID_HV_TIMING (EAX = @tsc_khz, EBX = KVM_APIC_BUS_KHZ) and raises
 * CPUID_HV_BASE's EAX to reach it (creating that leaf with KVM's
 * signature "KVMKVMKVM\0\0\0" when KVM gave none); adds shoji's console
 * leaf, SHOJI_CPUID_HVCON (include/shoji/abi.h), in a block of its own.
 * The PMU's leaves (0AH, 8000_0001h ECX[23]) stay as KVM offers them: the
 * guest gets the counters KVM virtualizes, or none.
 * Returns 0, or -ENOSPC when the table is full.
 */
int cpuid_prepare(struct cpuid_table *t, uint32_t tsc_khz, bool tsc_deadline);

#endif
