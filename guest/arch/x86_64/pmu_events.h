/* pmu_events.h: the pure part of the guest's performance counters: what CPUID says of the PMU, and
 * the TLB events of each documented microarchitecture (pmu_events.c). */
#ifndef SHOJI_PMU_EVENTS_H
#define SHOJI_PMU_EVENTS_H

/*
 * pmu_events.c reads no register and calls nothing: the kernel (pmu.c)
 * gives it the CPUID leaves it read, shoji (vmm/cpuid.c, cpuid_pmu_leaves)
 * the leaves of KVM_GET_SUPPORTED_CPUID, the Linux baselines
 * (bench/linux/perf.h) the host's, and tests/unit/test_pmu_events.c leaves
 * of its own, hostile ones included.  Every CPUID value is untrusted: a counter
 * count or width past what the architecture allows is refused with a
 * reason, never clamped into a plausible answer.
 */

#include <stdbool.h>
#include <stdint.h>

/* The CPUID leaves the PMU is told from (SDM Vol. 2A, CPUID; AMD APM
 * Vol. 3, Appendix E).  A leaf past the CPU's maximum is marked absent. */
struct pmu_cpuid {
	char vendor[12];    /* leaf 0 EBX, EDX, ECX */
	uint32_t leaf1_eax; /* family, model, stepping */
	bool has_leaf_a;    /* leaf 0 EAX >= 0xA */
	uint32_t leaf_a[4]; /* leaf 0AH EAX, EBX, ECX, EDX (Intel) */
	bool has_ext1;	    /* leaf 8000_0000h EAX >= 8000_0001h */
	uint32_t ext1_ecx;  /* leaf 8000_0001h ECX (AMD: PerfCtrExtCore, bit 23) */
};

enum pmu_kind {
	PMU_NONE,
	PMU_INTEL_ARCH, /* architectural performance monitoring, version >= 2 */
	PMU_AMD_CORE,	/* AMD core counters: 6 at C001_0200h (PerfCtrExtCore) */
};

/* What the guest has.  For PMU_NONE only why, amd, family and model are set. */
struct pmu_desc {
	enum pmu_kind kind;
	bool amd;		     /* the vendor is AuthenticAMD */
	unsigned version;	     /* Intel: leaf 0AH EAX[7:0]; AMD: 0 */
	unsigned ngp, gp_bits;	     /* general-purpose counters and their width */
	unsigned nfixed, fixed_bits; /* Intel's fixed counters (0 on AMD) */
	bool fixed_ok[3];	     /* fixed counter 0 (instructions), 1 (cycles), 2 usable */
	uint32_t arch_missing;	/* leaf 0AH EBX within EAX[31:24]: architectural events absent */
	unsigned family, model; /* display family and model (SDM Vol. 2A, CPUID, Figure 3-6) */
	const char *why;	/* PMU_NONE: why, a phrase */
};

/* pmu_describe - fill @d from @c.  Returns d->kind; for PMU_NONE, d->why
 * names the reason (no leaf 0AH, version 0 or 1, a count or width the
 * architecture does not allow, an unknown vendor). */
enum pmu_kind pmu_describe(const struct pmu_cpuid *c, struct pmu_desc *d);

/* pmu_describe_text - "Intel architectural v4: 8 general-purpose counters
 * (48 bits), 3 fixed (48 bits)", "AMD core: 6 counters (48 bits)" or
 * "none: WHY" into @buf (@len bytes, NUL-terminated, cut if short).
 * Returns @buf. */
char *pmu_describe_text(const struct pmu_desc *d, char *buf, unsigned long len);

/* One counter the kernel programs. */
struct pmu_event {
	uint8_t event; /* enum shoji_pmu_event */
	uint8_t fixed; /* 1: an Intel fixed counter, index in code */
	uint16_t code; /* event select (AMD: 12 bits), or the fixed counter's index */
	uint8_t umask; /* unit mask */
};

#define PMU_EVENTS_MAX 8

/* The events to program for @d, at most PMU_EVENTS_MAX. */
struct pmu_plan {
	const char *cpu; /* "Skylake/Cascade Lake server", ..., or "architectural only" */
	unsigned n;
	struct pmu_event ev[PMU_EVENTS_MAX];
};

/*
 * pmu_plan - the events for @d (its vendor, family and model): instructions and cycles
 * (Intel: fixed counters 0 and 1 where usable, else the architectural
 * events on general-purpose counters; AMD: general-purpose counters),
 * then the TLB events of the table entry for the vendor, family and
 * model, as many as there are general-purpose counters left.  A CPU not
 * in the table gets instructions and cycles only (plan->cpu says so).
 * Returns plan->n (0 for PMU_NONE).
 */
unsigned pmu_plan(const struct pmu_desc *d, struct pmu_plan *plan);

/* Intel IA32_PERFEVTSELx / AMD PerfEvtSeln value that counts @e in
 * rings 0 and 3 without interrupts: SDM Vol. 3B 20.2.1.1, Figure 20-1;
 * AMD APM Vol. 2 13.2.1, Figure 13-7. */
uint64_t pmu_evtsel(const struct pmu_event *e);
/* The event's select and unit mask alone, as Linux's PERF_TYPE_RAW takes
 * them on x86 (perf_event_open(2)): pmu_evtsel() without the ring and
 * enable bits.  Not for fixed counters. */
uint64_t pmu_raw_config(const struct pmu_event *e);

#endif
