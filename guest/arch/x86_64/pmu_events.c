/* The guest PMU's pure part: what CPUID says of the counters, and the TLB events per
 * microarchitecture (interface and rules: pmu_events.h). */
#include <shoji/abi.h>

#include "arch/x86_64/pmu_events.h"

/* The C library's on the host, guest/lib/fmt.c's in the kernel. */
int snprintf(char *buf, unsigned long size, const char *fmt, ...);

/* CPUID leaf 0AH (SDM Vol. 2A, CPUID, "Architectural Performance
 * Monitoring Leaf"; Vol. 3B 20.2): EAX[7:0] version, EAX[15:8]
 * general-purpose counters, EAX[23:16] their width, EAX[31:24] the length
 * of EBX's vector; EBX bit i set: architectural event i absent (0 core
 * cycles, 1 instructions retired); ECX (version 5): fixed counter i
 * present if bit i; EDX[4:0] fixed counters, EDX[12:5] their width. */
#define FIELD(v, lo, n) (((v) >> (lo)) & ((1u << (n)) - 1))
#define ARCH_EV_CYCLES 0
#define ARCH_EV_INSTRUCTIONS 1

/* IA32_PERFEVTSEL0..7 (186h-18Dh) and IA32_PMC0..7 (C1h-C8h) are the
 * architectural MSRs (SDM Vol. 4, Table 2-2); a leaf claiming more
 * counters than that is not believed.  Widths: counters are at least 32
 * bits and at most 64 (SDM Vol. 3B 20.2.1, 20.2.2). */
#define INTEL_GP_MAX 8
#define WIDTH_MIN 32
#define WIDTH_MAX 64

/* AMD64 APM Vol. 2 13.2.1: with PerfCtrExtCore (CPUID 8000_0001h ECX[23])
 * six core counters, PerfEvtSel0-5 at C001_0200h + 2n, PerfCtr0-5 at
 * C001_0201h + 2n, each 48 bits; no fixed counters. */
#define AMD_EXT1_PERFCTR_CORE (1u << 23)
#define AMD_CORE_COUNTERS 6
#define AMD_COUNTER_BITS 48

static bool vendor_is(const struct pmu_cpuid *c, const char *v)
{
	for (int i = 0; i < 12; i++)
		if (c->vendor[i] != v[i])
			return false;
	return true;
}

/* Display family and model: SDM Vol. 2A, CPUID, "Figure 3-6"; AMD's
 * rule is the same (extended family added when family is 0xF). */
static void family_model(uint32_t eax, struct pmu_desc *d)
{
	unsigned fam = FIELD(eax, 8, 4), model = FIELD(eax, 4, 4);

	if (fam == 0xf)
		fam += FIELD(eax, 20, 8);
	if (fam == 0x6 || fam >= 0xf)
		model |= FIELD(eax, 16, 4) << 4;
	d->family = fam;
	d->model = model;
}

/* What a guest sees when its hypervisor offers no PMU. */
#define NOT_OFFERED "no PMU offered: a KVM without one or with enable_pmu=0, or QEMU TCG"

static enum pmu_kind none(struct pmu_desc *d, const char *why)
{
	d->kind = PMU_NONE;
	d->why = why;
	return PMU_NONE;
}

static bool width_ok(unsigned bits)
{
	return bits >= WIDTH_MIN && bits <= WIDTH_MAX;
}

static enum pmu_kind describe_intel(const struct pmu_cpuid *c, struct pmu_desc *d)
{
	const uint32_t *a = c->leaf_a;

	if (!c->has_leaf_a)
		return none(d, "CPUID has no leaf 0xA (" NOT_OFFERED ")");
	d->version = FIELD(a[0], 0, 8);
	if (d->version == 0)
		return none(d, "CPUID leaf 0xA reports version 0 (" NOT_OFFERED ")");
	if (d->version < 2)
		return none(d, "architectural performance monitoring version 1 has no "
			       "IA32_PERF_GLOBAL_CTRL");
	d->ngp = FIELD(a[0], 8, 8);
	d->gp_bits = FIELD(a[0], 16, 8);
	if (d->ngp > INTEL_GP_MAX)
		return none(d, "CPUID leaf 0xA claims more than 8 general-purpose counters");
	if (d->ngp && !width_ok(d->gp_bits))
		return none(d, "CPUID leaf 0xA gives general-purpose counters a width outside "
			       "32-64 bits");
	/* Bits past EBX's length are events the CPU does not enumerate. */
	unsigned len = FIELD(a[0], 24, 8);
	d->arch_missing = len >= 32 ? a[1] : (a[1] | ~((1u << len) - 1));
	d->nfixed = FIELD(a[3], 0, 5);
	d->fixed_bits = FIELD(a[3], 5, 8);
	for (unsigned i = 0; i < 3; i++)
		d->fixed_ok[i] = d->nfixed > i || (d->version >= 5 && (a[2] >> i & 1));
	if ((d->fixed_ok[0] || d->fixed_ok[1] || d->fixed_ok[2]) && !width_ok(d->fixed_bits)) {
		/* Fixed counters of a width no CPU has: use none of them. */
		d->fixed_ok[0] = d->fixed_ok[1] = d->fixed_ok[2] = false;
		d->nfixed = 0;
	}
	if (!d->ngp && !d->fixed_ok[0] && !d->fixed_ok[1])
		return none(d, "CPUID leaf 0xA reports no counters");
	d->kind = PMU_INTEL_ARCH;
	return d->kind;
}

static enum pmu_kind describe_amd(const struct pmu_cpuid *c, struct pmu_desc *d)
{
	/* The legacy counters at C001_0000h have no CPUID bit, so a guest
	 * whose KVM has no PMU cannot be told from one that has: only
	 * PerfCtrExtCore is believed (KVM clears it without a PMU). */
	if (!c->has_ext1 || !(c->ext1_ecx & AMD_EXT1_PERFCTR_CORE))
		return none(
		    d, "AMD CPU without PerfCtrExtCore (CPUID 0x80000001 ECX bit 23; " NOT_OFFERED
		       ")");
	d->ngp = AMD_CORE_COUNTERS;
	d->gp_bits = AMD_COUNTER_BITS;
	d->kind = PMU_AMD_CORE;
	return d->kind;
}

enum pmu_kind pmu_describe(const struct pmu_cpuid *c, struct pmu_desc *d)
{
	*d = (struct pmu_desc){0};
	family_model(c->leaf1_eax, d);
	if (vendor_is(c, "GenuineIntel"))
		return describe_intel(c, d);
	d->amd = vendor_is(c, "AuthenticAMD");
	if (d->amd)
		return describe_amd(c, d);
	return none(d, "neither an Intel nor an AMD CPU");
}

char *pmu_describe_text(const struct pmu_desc *d, char *buf, unsigned long len)
{
	if (d->kind == PMU_INTEL_ARCH) {
		unsigned nfixed = d->fixed_ok[0] + d->fixed_ok[1] + d->fixed_ok[2];
		if (d->nfixed > nfixed)
			nfixed = d->nfixed;
		snprintf(buf, len,
			 "Intel architectural v%u: %u general-purpose counters (%u bits), %u fixed "
			 "(%u bits)",
			 d->version, d->ngp, d->gp_bits, nfixed, nfixed ? d->fixed_bits : 0);
	} else if (d->kind == PMU_AMD_CORE) {
		snprintf(buf, len, "AMD core (PerfCtrExtCore): %u counters (%u bits)", d->ngp,
			 d->gp_bits);
	} else {
		snprintf(buf, len, "none: %s", d->why ? d->why : "no PMU");
	}
	return buf;
}

/*
 * The TLB events per microarchitecture.  Each code and unit mask is the
 * event file's (Intel: the perfmon event lists, 01.org/perfmon, as the
 * SDM's model tables in Vol. 3B chapter 21 of older editions give them;
 * AMD: the Processor Programming Reference of the family, "Core
 * Performance Monitor Counters").  docs/measuring.md repeats the table.
 */
#define INTEL 1
#define AMD 2
#define EV(e, c, u)                                                                                \
	{                                                                                          \
		.event = (e), .code = (c), .umask = (u)                                            \
	}

#define TABLE_EVENTS 4

/* Skylake-SP and Cascade Lake-SP (06_55H), perfmon SKX core events:
 * DTLB_LOAD_MISSES.WALK_COMPLETED 08H/0EH, DTLB_STORE_MISSES.
 * WALK_COMPLETED 49H/0EH, ITLB_MISSES.WALK_COMPLETED 85H/0EH,
 * DTLB_LOAD_MISSES.STLB_HIT 08H/20H.  Ice Lake-SP and -D (06_6AH,
 * 06_6CH), perfmon ICX core events: the same codes and masks. */
static const struct pmu_event skx_icx[TABLE_EVENTS] = {
    EV(SHOJI_PMU_DTLB_LOAD_WALKS, 0x08, 0x0e), EV(SHOJI_PMU_DTLB_STORE_WALKS, 0x49, 0x0e),
    EV(SHOJI_PMU_ITLB_WALKS, 0x85, 0x0e), EV(SHOJI_PMU_STLB_HITS, 0x08, 0x20)};
/* Sapphire Rapids (06_8FH), perfmon SPR core events (Golden Cove
 * renumbered them): DTLB_LOAD_MISSES.WALK_COMPLETED 12H/0EH,
 * DTLB_STORE_MISSES.WALK_COMPLETED 13H/0EH, ITLB_MISSES.WALK_COMPLETED
 * 11H/0EH, DTLB_LOAD_MISSES.STLB_HIT 12H/20H. */
static const struct pmu_event spr[TABLE_EVENTS] = {
    EV(SHOJI_PMU_DTLB_LOAD_WALKS, 0x12, 0x0e), EV(SHOJI_PMU_DTLB_STORE_WALKS, 0x13, 0x0e),
    EV(SHOJI_PMU_ITLB_WALKS, 0x11, 0x0e), EV(SHOJI_PMU_STLB_HITS, 0x12, 0x20)};
/* Zen 2 (family 17h, models 30h-FFh), PPR for family 17h model 31h:
 * PMCx045 LsL1DTlbMiss, unit mask F0h the L2 DTLB misses (a page walk;
 * loads and stores alike), 0Fh the L2 DTLB hits; PMCx085
 * BpL1TlbMissL2TlbMiss, 07h the three page sizes. */
static const struct pmu_event zen2[TABLE_EVENTS] = {EV(SHOJI_PMU_DTLB_WALKS, 0x45, 0xf0),
						    EV(SHOJI_PMU_ITLB_WALKS, 0x85, 0x07),
						    EV(SHOJI_PMU_STLB_HITS, 0x45, 0x0f)};
/* Zen 3 and Zen 4 (family 19h), PPRs for family 19h models 01h and 11h:
 * PMCx045 as Zen 2; PMCx085 gains the coalesced-page bit, 0Fh. */
static const struct pmu_event zen34[TABLE_EVENTS] = {EV(SHOJI_PMU_DTLB_WALKS, 0x45, 0xf0),
						     EV(SHOJI_PMU_ITLB_WALKS, 0x85, 0x0f),
						     EV(SHOJI_PMU_STLB_HITS, 0x45, 0x0f)};

struct cpu_events {
	int vendor;
	unsigned family, model_lo, model_hi;
	const char *name;
	const struct pmu_event *ev; /* TABLE_EVENTS, event 0 after the last */
};

static const struct cpu_events table[] = {
    {INTEL, 6, 0x55, 0x55, "Skylake/Cascade Lake server", skx_icx},
    {INTEL, 6, 0x6a, 0x6a, "Ice Lake server", skx_icx},
    {INTEL, 6, 0x6c, 0x6c, "Ice Lake server", skx_icx},
    {INTEL, 6, 0x8f, 0x8f, "Sapphire Rapids", spr},
    {AMD, 0x17, 0x30, 0xff, "AMD Zen 2", zen2},
    {AMD, 0x19, 0x00, 0xff, "AMD Zen 3/Zen 4", zen34},
};

static const struct cpu_events *lookup(int vendor, const struct pmu_desc *d)
{
	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].vendor == vendor && table[i].family == d->family &&
		    d->model >= table[i].model_lo && d->model <= table[i].model_hi)
			return &table[i];
	return 0;
}

static void add(struct pmu_plan *p, struct pmu_event e)
{
	if (p->n < PMU_EVENTS_MAX)
		p->ev[p->n++] = e;
}

/* Instructions and cycles: Intel's fixed counters 0 and 1 where usable,
 * else the architectural events C0H/00H and 3CH/00H (SDM Vol. 3B Table
 * 20-1); AMD's PMCx0C0 (retired instructions) and PMCx076 (cycles not in
 * halt).  Returns the general-purpose counters they took. */
static unsigned add_basic(struct pmu_plan *p, const struct pmu_desc *d)
{
	unsigned used = 0;

	if (d->kind == PMU_AMD_CORE) {
		add(p, (struct pmu_event)EV(SHOJI_PMU_INSTRUCTIONS, 0xc0, 0));
		add(p, (struct pmu_event)EV(SHOJI_PMU_CYCLES, 0x76, 0));
		return 2;
	}
	if (d->fixed_ok[0])
		add(p, (struct pmu_event){.event = SHOJI_PMU_INSTRUCTIONS, .fixed = 1, .code = 0});
	else if (d->ngp && !(d->arch_missing >> ARCH_EV_INSTRUCTIONS & 1)) {
		add(p, (struct pmu_event)EV(SHOJI_PMU_INSTRUCTIONS, 0xc0, 0));
		used++;
	}
	if (d->fixed_ok[1])
		add(p, (struct pmu_event){.event = SHOJI_PMU_CYCLES, .fixed = 1, .code = 1});
	else if (used < d->ngp && !(d->arch_missing >> ARCH_EV_CYCLES & 1)) {
		add(p, (struct pmu_event)EV(SHOJI_PMU_CYCLES, 0x3c, 0));
		used++;
	}
	return used;
}

unsigned pmu_plan(const struct pmu_desc *d, struct pmu_plan *plan)
{
	*plan = (struct pmu_plan){.cpu = "none"};
	if (d->kind == PMU_NONE)
		return 0;
	unsigned used = add_basic(plan, d);
	const struct cpu_events *t = lookup(d->amd ? AMD : INTEL, d);
	plan->cpu = t ? t->name : "architectural events only (no TLB events known for this model)";
	for (unsigned i = 0; t && i < TABLE_EVENTS && t->ev[i].event && used < d->ngp; i++, used++)
		add(plan, t->ev[i]);
	return plan->n;
}

/* Intel IA32_PERFEVTSELx (SDM Vol. 3B 20.2.1.1, Figure 20-1) and AMD
 * PerfEvtSeln (APM Vol. 2 13.2.1) share these bits; AMD's event select
 * continues in bits 35:32.  Host/guest-only bits (AMD 41:40) stay 0:
 * count both. */
#define EVTSEL_USR (1ull << 16)
#define EVTSEL_OS (1ull << 17)
#define EVTSEL_EN (1ull << 22)

uint64_t pmu_raw_config(const struct pmu_event *e)
{
	return (uint64_t)(e->code & 0xff) | (uint64_t)(e->code >> 8 & 0xf) << 32 |
	       (uint64_t)e->umask << 8;
}

uint64_t pmu_evtsel(const struct pmu_event *e)
{
	return pmu_raw_config(e) | EVTSEL_USR | EVTSEL_OS | EVTSEL_EN;
}
