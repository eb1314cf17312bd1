/* The guest's CPUID: KVM's supported table, plus the hypervisor bit, the timing leaf and shoji's
 * console leaf. */
#include <errno.h>
#include <string.h>

#include "shoji/abi.h"

#include "cpuid.h"

/* Bit positions: SDM Vol. 2A, CPUID, Tables 3-8 and 3-10; leaf 0xD, 13.2. */
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID7_ECX_PKU (1u << 3)
#define XCR0_PKRU (1u << 9)

struct kvm_cpuid_entry2 *cpuid_find(struct cpuid_table *t, uint32_t function, uint32_t index)
{
	for (uint32_t i = 0; i < t->head.nent; i++) {
		struct kvm_cpuid_entry2 *e = &t->entries[i];
		if (e->function == function &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index))
			return e;
	}
	return NULL;
}

bool cpuid_has_pku(struct cpuid_table *t)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(t, 7, 0);
	return e && (e->ecx & CPUID7_ECX_PKU);
}

bool cpuid_has_pkru_xsave(struct cpuid_table *t)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(t, 0xd, 0);
	return e && (e->eax & XCR0_PKRU);
}

void cpuid_pmu_leaves(struct cpuid_table *t, struct pmu_cpuid *c)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(t, 0, 0);
	uint32_t max = e ? e->eax : 0;

	*c = (struct pmu_cpuid){0};
	if (e) {
		memcpy(c->vendor, &e->ebx, 4);
		memcpy(c->vendor + 4, &e->edx, 4);
		memcpy(c->vendor + 8, &e->ecx, 4);
	}
	if ((e = cpuid_find(t, 1, 0)))
		c->leaf1_eax = e->eax;
	if (max >= 0xa && (e = cpuid_find(t, 0xa, 0))) {
		c->has_leaf_a = true;
		c->leaf_a[0] = e->eax, c->leaf_a[1] = e->ebx;
		c->leaf_a[2] = e->ecx, c->leaf_a[3] = e->edx;
	}
	e = cpuid_find(t, 0x80000000, 0);
	if (e && e->eax >= 0x80000001 && (e = cpuid_find(t, 0x80000001, 0))) {
		c->has_ext1 = true;
		c->ext1_ecx = e->ecx;
	}
}

static struct kvm_cpuid_entry2 *cpuid_add(struct cpuid_table *t, uint32_t function)
{
	if (t->head.nent >= CPUID_MAX_ENTRIES)
		return NULL;
	struct kvm_cpuid_entry2 *e = &t->entries[t->head.nent++];
	*e = (struct kvm_cpuid_entry2){.function = function};
	return e;
}

/* Where shoji's console device is (include/shoji/abi.h): a block of its
 * own past KVM's, which Linux's kvmclock reads and which stays KVM's. */
static int add_console_leaf(struct cpuid_table *t)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(t, SHOJI_CPUID_HVCON, 0);
	if (!e && !(e = cpuid_add(t, SHOJI_CPUID_HVCON)))
		return -ENOSPC;
	e->eax = SHOJI_CPUID_HVCON;
	e->ebx = SHOJI_HVCON_SIG_EBX;
	e->ecx = SHOJI_HVCON_SIG_ECX;
	e->edx = SHOJI_HVCON_SIG_EDX;
	return 0;
}

int cpuid_prepare(struct cpuid_table *t, uint32_t tsc_khz, bool tsc_deadline)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(t, 1, 0);
	if (e) {
		e->ecx |= CPUID1_ECX_HYPERVISOR;
		/* KVM emulates the TSC-deadline timer in its local APIC but
		 * leaves the bit to user space (api.rst, KVM_CAP_TSC_DEADLINE_TIMER). */
		if (tsc_deadline)
			e->ecx |= CPUID1_ECX_TSC_DEADLINE;
	}
	/* PKU stays as KVM offers it; OSPKE (7.ECX[4]) and OSXSAVE
	 * (1.ECX[27]) follow the guest's CR4, computed by KVM. */
	if (add_console_leaf(t))
		return -ENOSPC;
	if (!tsc_khz)
		return 0;

	struct kvm_cpuid_entry2 *base = cpuid_find(t, CPUID_HV_BASE, 0);
	if (!base) {
		if (!(base = cpuid_add(t, CPUID_HV_BASE)))
			return -ENOSPC;
		memcpy(&base->ebx, "KVMK", 4);
		memcpy(&base->ecx, "VMKV", 4);
		memcpy(&base->edx, "M\0\0\0", 4);
	}
	if (base->eax < CPUID_HV_TIMING)
		base->eax = CPUID_HV_TIMING;
	/* The VMware timing leaf that Linux and our kernel read (tsc.c). */
	struct kvm_cpuid_entry2 *timing = cpuid_find(t, CPUID_HV_TIMING, 0);
	if (!timing && !(timing = cpuid_add(t, CPUID_HV_TIMING)))
		return -ENOSPC;
	timing->eax = tsc_khz;
	timing->ebx = KVM_APIC_BUS_KHZ;
	timing->ecx = timing->edx = 0;
	return 0;
}
