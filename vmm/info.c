/* `shoji info`: what this KVM offers, and whether it can run shoji guests. */
#include <stdio.h>
#include <unistd.h>

#include "shoji/abi.h"

#include "info.h"
#include "kvm_assess.h"
#include "kvm_vm.h"
#include "probe.h"
#include "vmm.h"

static void verdict(const struct kvm_assessment *a)
{
	if (!a->nproblems) {
		printf("verdict: this KVM can run shoji guests\n");
		return;
	}
	printf("verdict: this KVM cannot run shoji guests:\n");
	for (unsigned i = 0; i < a->nproblems; i++)
		printf("  - %s\n", a->problem[i]);
	printf("  what to do: %s\n", ASSESS_ADVICE);
}

int cmd_info(int argc, char **argv)
{
	static struct kvm_assessment a;

	if (argc > 0) {
		fprintf(stderr, "shoji: info takes no arguments (got '%s')\n", argv[0]);
		return SHOJI_STATUS_USAGE;
	}
	printf("shoji %s (abi %d)\n", SHOJI_VERSION, SHOJI_ABI_VERSION);
	fflush(stdout);
	int kvm = kvm_open();
	if (kvm < 0) {
		printf("verdict: no usable /dev/kvm (see above); %s\n", ASSESS_ADVICE);
		return SHOJI_STATUS_NO_KVM;
	}
	kvm_assess(kvm, &a);
	if (a.required_ok)
		kvm_assess_probe(&a, probe_run(kvm, &a.probe));
	unsigned recommended, max_vcpus = kvm_max_vcpus(kvm, &recommended);
	close(kvm);

	printf("/dev/kvm: KVM API version %d\n", a.api);
	printf("capabilities (KVM_CHECK_EXTENSION):\n");
	for (unsigned i = 0; i < kvm_ncaps; i++)
		printf("  %-30s %-3s  %s: %s\n", kvm_caps[i].name, a.has[i] ? "yes" : "no",
		       kvm_caps[i].required ? "required" : "optional", kvm_caps[i].use);
	printf("vCPUs in a VM: at most %u (KVM_CAP_MAX_VCPUS), %u recommended "
	       "(KVM_CAP_NR_VCPUS); shoji run --cpus takes 1 to %u\n",
	       max_vcpus, recommended, max_vcpus < SHOJI_CPUS_MAX ? max_vcpus : SHOJI_CPUS_MAX);
	if (a.cpuid_ok) {
		printf("guest CPU (KVM_GET_SUPPORTED_CPUID): vendor %s\n", a.vendor);
		printf("  %-30s %s\n", "PKU (leaf 7 ECX bit 3)", a.pku ? "yes" : "no");
		printf("  %-30s %s\n", "PKRU in XCR0 (leaf 0xD EAX bit 9)",
		       a.pkru_xsave ? "yes" : "no");
		printf("  %-30s %s\n", "OSPKE (leaf 7 ECX bit 4)",
		       a.pku ? "possible: KVM sets it when the guest sets CR4.PKE"
			     : "impossible without PKU");
		printf("pmu: %s\n", a.pmu);
	}
	if (a.probe_ran) {
		printf("probe guest (int $0x30, #UD, #PF in 64-bit kernel mode): %s\n",
		       a.probe.ok ? "passed" : "FAILED");
		if (a.probe.tsc_khz)
			printf("TSC: %u kHz (KVM_GET_TSC_KHZ)\n", a.probe.tsc_khz);
	} else {
		printf("probe guest: not run\n");
	}
	verdict(&a);
	return a.nproblems ? SHOJI_STATUS_NO_KVM : 0;
}
