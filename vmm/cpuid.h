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

/*
 * cpuid_set_topology - one vCPU's view of a machine of @ncpus vCPUs: one
 * package of @ncpus cores, one thread each, this one's initial APIC ID
 * @apic_id (KVM gives vCPU i APIC ID i; the MADT says the same,
 * vmm/acpi.h).  SDM Vol. 2A CPUID and Vol. 3A 10.4 (topology
 * enumeration):
 *  - leaf 1: EBX[31:24] = @apic_id; EBX[23:16] = @ncpus and EDX[28]
 *    (HTT) set when @ncpus > 1, both clear for one;
 *  - leaf 4 (Intel's caches), every subleaf KVM gives: EAX[31:26] =
 *    @ncpus - 1; EAX[25:14] = @ncpus - 1 for a level 3 cache, 0 for the
 *    per-core levels 1 and 2;
 *  - leaves 0xB and 0x1F (0x1F only when KVM gives it): subleaf 0 the SMT
 *    level (shift 0, 1 processor), subleaf 1 the core level (shift
 *    ceil(log2 @ncpus), @ncpus processors), subleaf 2 invalid; EDX the
 *    x2APIC ID @apic_id in each;
 *  - AMD (leaf 0 says AuthenticAMD), leaf 0x80000008: ECX[7:0] (NC) =
 *    @ncpus - 1, ECX[15:12] (ApicIdSize) = ceil(log2 @ncpus).
 * Leaves KVM did not give stay absent (but 0xB's subleaves, rewritten
 * whole).  Returns 0, or -ENOSPC when the table is full; -EINVAL when
 * @ncpus is 0 or above 64 (leaf 4's 6-bit fields) or @apic_id >= @ncpus.
 */
int cpuid_set_topology(struct cpuid_table *t, uint32_t apic_id, unsigned ncpus);

#endif
