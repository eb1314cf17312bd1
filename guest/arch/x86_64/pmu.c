/* The vCPU's performance counters: found from CPUID at boot, programmed to count in every ring,
 * read for SYS_PMU. */
#include <shoji/abi.h>

#include "arch/x86_64/arch.h"
#include "arch/x86_64/pmu_events.h"
#include "core/kernel.h"

/* Intel: SDM Vol. 4, Table 2-2 (architectural MSRs); Vol. 3B 20.2.1,
 * 20.2.2.  IA32_FIXED_CTR_CTRL has 4 bits per fixed counter: 0 counts in
 * ring 0, 1 in ring 3, 2 AnyThread, 3 interrupt on overflow. */
#define MSR_IA32_PMC0 0xc1
#define MSR_IA32_PERFEVTSEL0 0x186
#define MSR_IA32_FIXED_CTR0 0x309
#define MSR_IA32_FIXED_CTR_CTRL 0x38d
#define MSR_IA32_PERF_GLOBAL_CTRL 0x38f
#define FIXED_CTRL_OS_USR 0x3u
/* RDPMC's ECX for fixed counter i: bit 30 set (SDM Vol. 2B, RDPMC). */
#define RDPMC_FIXED (1u << 30)

/* AMD, with PerfCtrExtCore: PerfEvtSel n at C001_0200h + 2n, PerfCtr n
 * at C001_0201h + 2n; RDPMC 0-5 reads them (APM Vol. 2 13.2.1, Vol. 3
 * RDPMC). */
#define MSR_AMD_PERF_CTL0 0xc0010200u
#define MSR_AMD_PERF_CTR0 0xc0010201u

static struct {
	unsigned n;
	uint8_t event[SHOJI_PMU_MAX];
	uint8_t bits[SHOJI_PMU_MAX];
	uint32_t rdpmc[SHOJI_PMU_MAX]; /* RDPMC's ECX for each */
} pmu;

/* What pmu_init() programmed, for the other CPUs (pmu_init_ap()). */
static struct pmu_desc pmu_chosen;
static struct pmu_plan pmu_planned;

_Static_assert(PMU_EVENTS_MAX <= SHOJI_PMU_MAX, "every planned counter fits SYS_PMU's answer");

static void read_leaves(struct pmu_cpuid *c)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	uint32_t max = r[0];
	__builtin_memcpy(c->vendor + 0, &r[1], 4);
	__builtin_memcpy(c->vendor + 4, &r[3], 4);
	__builtin_memcpy(c->vendor + 8, &r[2], 4);
	cpuid(1, 0, r);
	c->leaf1_eax = r[0];
	if (max >= 0xa) {
		cpuid(0xa, 0, c->leaf_a);
		c->has_leaf_a = true;
	}
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		c->has_ext1 = true;
		c->ext1_ecx = r[2];
	}
}

/* Counting starts at the IA32_PERF_GLOBAL_CTRL write, all counters at
 * once, each from 0. */
static void program_intel(const struct pmu_desc *d, const struct pmu_plan *p)
{
	uint64_t global = 0, fixed_ctrl = 0;
	unsigned gp = 0;

	wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 0);
	for (unsigned i = 0; i < p->n; i++) {
		const struct pmu_event *e = &p->ev[i];
		if (e->fixed) {
			wrmsr(MSR_IA32_FIXED_CTR0 + e->code, 0);
			fixed_ctrl |= (uint64_t)FIXED_CTRL_OS_USR << (4 * e->code);
			global |= 1ull << (32 + e->code);
			pmu.rdpmc[i] = RDPMC_FIXED | e->code;
			pmu.bits[i] = (uint8_t)d->fixed_bits;
		} else {
			wrmsr(MSR_IA32_PERFEVTSEL0 + gp, 0);
			wrmsr(MSR_IA32_PMC0 + gp, 0);
			wrmsr(MSR_IA32_PERFEVTSEL0 + gp, pmu_evtsel(e));
			global |= 1ull << gp;
			pmu.rdpmc[i] = gp++;
			pmu.bits[i] = (uint8_t)d->gp_bits;
		}
	}
	wrmsr(MSR_IA32_FIXED_CTR_CTRL, fixed_ctrl);
	wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, global);
}

/* Each counter counts from its PerfEvtSel's enable bit.  With PerfMonV2
 * (Zen 4; CPUID 8000_0022h EAX[0]) PerfCntrGlobalCtl gates them too; it
 * is left at its reset value, which enables every counter (KVM emulates
 * that reset value): not checked here, without a Zen 4 to check on. */
static void program_amd(const struct pmu_desc *d, const struct pmu_plan *p)
{
	for (unsigned i = 0; i < p->n; i++) {
		wrmsr(MSR_AMD_PERF_CTL0 + 2 * i, 0);
		wrmsr(MSR_AMD_PERF_CTR0 + 2 * i, 0);
		wrmsr(MSR_AMD_PERF_CTL0 + 2 * i, pmu_evtsel(&p->ev[i]));
		pmu.rdpmc[i] = i;
		pmu.bits[i] = (uint8_t)d->gp_bits;
	}
}

void pmu_init(bool enable)
{
	struct pmu_cpuid c = {0};
	struct pmu_desc d;
	struct pmu_plan p;
	char what[160];

	read_leaves(&c);
	if (pmu_describe(&c, &d) == PMU_NONE) {
		kprintf("pmu: none (%s)\n", d.why);
		return;
	}
	if (!enable) {
		kprintf("pmu: none (pmu=on not given; the CPU has %s)\n",
			pmu_describe_text(&d, what, sizeof(what)));
		return;
	}
	if (!pmu_plan(&d, &p)) {
		kprintf("pmu: none (%s, but neither instructions nor cycles can be counted)\n",
			pmu_describe_text(&d, what, sizeof(what)));
		return;
	}
	if (d.kind == PMU_AMD_CORE)
		program_amd(&d, &p);
	else
		program_intel(&d, &p);
	pmu_chosen = d, pmu_planned = p;
	for (unsigned i = 0; i < p.n; i++)
		pmu.event[i] = p.ev[i].event;
	pmu.n = p.n;
	char names[128] = "";
	size_t at = 0;
	for (unsigned i = 0; i < p.n && at < sizeof(names); i++)
		at += (size_t)snprintf(names + at, sizeof(names) - at, " %s",
				       shoji_pmu_event_name(p.ev[i].event));
	kprintf("pmu: %s; %s; counting%s in rings 0 and 3\n",
		pmu_describe_text(&d, what, sizeof(what)), p.cpu, names);
}

static inline uint64_t rdpmc(uint32_t ecx)
{
	uint32_t lo, hi;
	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(ecx));
	return (uint64_t)hi << 32 | lo;
}

unsigned pmu_read(struct shoji_pmu *out)
{
	*out = (struct shoji_pmu){.count = pmu.n};
	for (unsigned i = 0; i < pmu.n; i++) {
		uint64_t mask = pmu.bits[i] >= 64 ? ~0ull : (1ull << pmu.bits[i]) - 1;
		out->event[i] = pmu.event[i];
		out->bits[i] = pmu.bits[i];
		out->value[i] = rdpmc(pmu.rdpmc[i]) & mask;
	}
	return pmu.n;
}

void pmu_init_ap(void)
{
	if (!pmu.n)
		return;
	if (pmu_chosen.kind == PMU_AMD_CORE)
		program_amd(&pmu_chosen, &pmu_planned);
	else
		program_intel(&pmu_chosen, &pmu_planned);
}
