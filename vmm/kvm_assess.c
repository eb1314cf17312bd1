/* Can this KVM run shoji guests?  Capabilities, PKU in the supported CPUID, and the probe guest. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "cpuid.h"
#include "kvm_assess.h"
#include "kvm_vm.h"

const struct kvm_cap_desc kvm_caps[] = {
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", true, "guest RAM from shoji's own memory"},
    {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP", true, "in-kernel local APIC (timer), IOAPIC, PICs"},
    {KVM_CAP_PIT2, "KVM_CAP_PIT2", true, "in-kernel PIT (the guest's TSC calibration)"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", true, "KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2"},
    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR", false, "TSS pages Intel VT-x needs"},
    {KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR", false,
     "identity-map page Intel VT-x needs"},
    {KVM_CAP_TSC_DEADLINE_TIMER, "KVM_CAP_TSC_DEADLINE_TIMER", false,
     "TSC-deadline timer (else periodic)"},
    {KVM_CAP_GET_TSC_KHZ, "KVM_CAP_GET_TSC_KHZ", false,
     "TSC frequency in CPUID 0x40000010 (else the guest calibrates)"},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", false,
     "race-free timeout kick (else kicks repeat)"},
    {KVM_CAP_XSAVE, "KVM_CAP_XSAVE", false, "XSAVE state, where PKRU lives"},
};
const unsigned kvm_ncaps = sizeof(kvm_caps) / sizeof(kvm_caps[0]);
_Static_assert(sizeof(kvm_caps) / sizeof(kvm_caps[0]) <= 32, "kvm_assessment.has");

static void __attribute__((format(printf, 2, 3)))
problem(struct kvm_assessment *a, const char *fmt, ...)
{
	if (a->nproblems == ASSESS_MAX_PROBLEMS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->problem[a->nproblems++], sizeof(a->problem[0]), fmt, ap);
	va_end(ap);
}

void kvm_assess(int kvm_fd, struct kvm_assessment *a)
{
	memset(a, 0, sizeof(*a));
	a->api = KVM_API_VERSION; /* kvm_open refuses any other */

	a->required_ok = true;
	for (unsigned i = 0; i < kvm_ncaps; i++) {
		a->has[i] = kvm_has(kvm_fd, kvm_caps[i].cap) > 0;
		if (kvm_caps[i].required && !a->has[i]) {
			problem(a, "this KVM lacks %s (%s)", kvm_caps[i].name, kvm_caps[i].use);
			a->required_ok = false;
		}
	}

	struct cpuid_table *t = malloc(sizeof(*t));
	if (t && kvm_supported_cpuid(kvm_fd, t) == 0) {
		a->cpuid_ok = true;
		struct kvm_cpuid_entry2 *e = cpuid_find(t, 0, 0);
		if (e) {
			memcpy(a->vendor, &e->ebx, 4);
			memcpy(a->vendor + 4, &e->edx, 4);
			memcpy(a->vendor + 8, &e->ecx, 4);
		}
		a->pku = cpuid_has_pku(t);
		a->pkru_xsave = cpuid_has_pkru_xsave(t);
		struct pmu_cpuid leaves;
		struct pmu_desc pmu;
		cpuid_pmu_leaves(t, &leaves);
		pmu_describe(&leaves, &pmu);
		pmu_describe_text(&pmu, a->pmu, sizeof(a->pmu));
		if (!a->pku)
			problem(a,
				"this KVM does not offer PKU to guests (KVM_GET_SUPPORTED_CPUID "
				"leaf 7 ECX bit 3 is clear): the host CPU lacks protection keys, "
				"or KVM runs without two-dimensional paging (EPT/NPT)");
	} else {
		problem(a,
			"KVM_GET_SUPPORTED_CPUID failed: cannot tell what the guest's CPU offers");
	}
	free(t);
}

void kvm_assess_probe(struct kvm_assessment *a, int rc)
{
	if (rc < 0) {
		problem(a, "the probe guest could not be set up (the failing step is named above)");
		return;
	}
	a->probe_ran = true;
	if (!a->probe.ok)
		problem(a, "%s", a->probe.why);
}

void kvm_assess_report(const struct kvm_assessment *a)
{
	fprintf(stderr, "shoji: this KVM cannot run shoji guests:\n");
	for (unsigned i = 0; i < a->nproblems; i++)
		fprintf(stderr, "shoji:   - %s\n", a->problem[i]);
	fprintf(stderr, "shoji: %s\n", ASSESS_ADVICE);
}
