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
#define CPUID1_EDX_HTT (1u << 28)
#define CPUID1_EBX_ID_MASK 0xffff0000u	   /* initial APIC ID, logical processor count */
#define CPUID4_EAX_SHARED_MASK 0xffffc000u /* [25:14] and [31:26] */
#define CPUID4_EAX_LEVEL(eax) (((eax) >> 5) & 7)
#define CPUID4_EAX_TYPE(eax) ((eax)&0x1f) /* 0: no more caches */
#define CPUID_TOPO_LEVEL_SMT 1		  /* leaf 0xB/0x1F ECX[15:8] */
#define CPUID_TOPO_LEVEL_CORE 2
#define CPUID_TOPO_SUBLEAVES 3 /* SMT, core, the invalid one that ends the list */
#define CPUID_AMD_SIZE 0x80000008u
#define TOPOLOGY_CPUS_MAX 64 /* leaf 4's 6-bit "cores - 1" */

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

static unsigned log2_ceil(unsigned n)
{
	unsigned bits = 0;
	while ((1u << bits) < n)
		bits++;
	return bits;
}

/* Drops every subleaf of @function; true when there were any. */
static bool cpuid_remove(struct cpuid_table *t, uint32_t function)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < t->head.nent; i++)
		if (t->entries[i].function != function)
			t->entries[kept++] = t->entries[i];
	bool removed = kept != t->head.nent;
	t->head.nent = kept;
	return removed;
}

/* Leaf 0xB or 0x1F, rewritten: SMT level, core level, end. */
static int set_extended_topology(struct cpuid_table *t, uint32_t function, uint32_t apic_id,
				 unsigned ncpus)
{
	static const struct {
		uint32_t level;
		bool core;
	} levels[CPUID_TOPO_SUBLEAVES] = {
	    {CPUID_TOPO_LEVEL_SMT, false}, {CPUID_TOPO_LEVEL_CORE, true}, {0, false}};
	if (!cpuid_remove(t, function))
		return 0;
	for (uint32_t i = 0; i < CPUID_TOPO_SUBLEAVES; i++) {
		struct kvm_cpuid_entry2 *e = cpuid_add(t, function);
		if (!e)
			return -ENOSPC;
		e->index = i;
		e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
		if (levels[i].level) {
			e->eax = levels[i].core ? log2_ceil(ncpus) : 0;
			e->ebx = levels[i].core ? ncpus : 1;
		}
		e->ecx = levels[i].level << 8 | i;
		e->edx = apic_id;
	}
	return 0;
}

static bool vendor_amd(struct cpuid_table *t)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(t, 0, 0);
	return e && !memcmp(&e->ebx, "Auth", 4) && !memcmp(&e->edx, "enti", 4) &&
	       !memcmp(&e->ecx, "cAMD", 4);
}

int cpuid_set_topology(struct cpuid_table *t, uint32_t apic_id, unsigned ncpus)
{
	if (!ncpus || ncpus > TOPOLOGY_CPUS_MAX || apic_id >= ncpus)
		return -EINVAL;
	struct kvm_cpuid_entry2 *e = cpuid_find(t, 1, 0);
	if (e) {
		e->ebx = (e->ebx & ~CPUID1_EBX_ID_MASK) | apic_id << 24;
		e->edx &= ~CPUID1_EDX_HTT;
		if (ncpus > 1) {
			e->ebx |= ncpus << 16;
			e->edx |= CPUID1_EDX_HTT;
		}
	}
	for (uint32_t i = 0; i < t->head.nent; i++) {
		e = &t->entries[i];
		if (e->function != 4 || !CPUID4_EAX_TYPE(e->eax))
			continue;
		uint32_t sharing = CPUID4_EAX_LEVEL(e->eax) >= 3 ? ncpus - 1 : 0;
		e->eax = (e->eax & ~CPUID4_EAX_SHARED_MASK) | (ncpus - 1) << 26 | sharing << 14;
	}
	if (set_extended_topology(t, 0xb, apic_id, ncpus) ||
	    set_extended_topology(t, 0x1f, apic_id, ncpus))
		return -ENOSPC;
	if (vendor_amd(t) && (e = cpuid_find(t, CPUID_AMD_SIZE, 0)))
		e->ecx = (e->ecx & ~0xf0ffu) | log2_ceil(ncpus) << 12 | (ncpus - 1);
	return 0;
}
