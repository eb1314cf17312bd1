/* Interface of vmm/kvm_assess.c: can this KVM run shoji guests?  Caps, PKU, the probe. */
#ifndef SHOJI_VMM_KVM_ASSESS_H
#define SHOJI_VMM_KVM_ASSESS_H

#include <stdbool.h>

#include "probe.h"

/* The capabilities shoji checks, with why it wants each. */
struct kvm_cap_desc {
	long cap;
	const char *name;
	bool required;
	const char *use;
};
extern const struct kvm_cap_desc kvm_caps[];
extern const unsigned kvm_ncaps;

#define ASSESS_MAX_PROBLEMS 16

struct kvm_assessment {
	int api;
	bool has[32]; /* by index into kvm_caps */
	bool required_ok;
	bool cpuid_ok;
	char vendor[13];
	bool pku, pkru_xsave;
	char pmu[200]; /* the guest's counters: pmu_describe_text() */
	struct probe_result probe;
	bool probe_ran;
	unsigned nproblems;
	char problem[ASSESS_MAX_PROBLEMS][400]; /* each a sentence */
};

/* The advice printed after the problems. */
#define ASSESS_ADVICE                                                                              \
	"run shoji on hardware KVM (Intel VT-x or AMD-V on a CPU with PKU), or inside the "        \
	"emulated-KVM rig: tools/kvm-rig"

/*
 * kvm_assess - the checks that need no guest: the required capabilities
 * (a->required_ok false when one is missing: then create no VM) and PKU
 * in KVM_GET_SUPPORTED_CPUID.  Fills @a, adding a problem sentence for
 * each failed check.
 */
void kvm_assess(int kvm_fd, struct kvm_assessment *a);

/* kvm_assess_probe - record a probe's outcome in @a: @rc is what
 * probe_vcpu or probe_run returned, a->probe what it filled. */
void kvm_assess_probe(struct kvm_assessment *a, int rc);

/* kvm_assess_report - each problem, then ASSESS_ADVICE, on stderr. */
void kvm_assess_report(const struct kvm_assessment *a);

#endif
