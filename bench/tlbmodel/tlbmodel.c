/* tlbmodel.c: the TLB model of tlbmodel.h: LRU sets, PCID and global tags, the SDM invalidations.
 */
#include "bench/tlbmodel/tlbmodel.h"

#include <stdlib.h>
#include <string.h>

/*
 * Presets. Each number with where it was read; where the sources do not
 * give a number the model can use, the comment says what was chosen.
 */
static const struct tlbm_config presets[] = {
    /*
     * Intel Skylake (client; the server core has the same TLBs), 4 KiB
     * entries. Intel 64 and IA-32 Architectures Optimization Reference
     * Manual (248966-045), Table 2-15 "TLB Parameters of the Skylake
     * Microarchitecture":
     *   ITLB 4 KiB: 128 entries, 8-way (quoted from Table 2-15 on Intel's
     *     community forum, "TLB information provided by cpuid doesn't make
     *     sense to me");
     *   DTLB 4 KiB: 64 entries, 4-way (Table 2-15; CPUID leaf 2 descriptor
     *     0x03 on Skylake-SP says the same);
     *   STLB 4 KiB + 2 MiB: 1536 entries, 12-way (Table 2-15; WikiChip's
     *     Skylake page: "changed from 6-way to 12-way"). CPUID leaf 2
     *     descriptor 0xc3 reports 6-way; the manual's 12 is used.
     */
    {"skylake",
     "Intel Optimization Reference Manual 248966-045, Table 2-15",
     {128, 8},
     {64, 4},
     {1536, 12},
     {0, 0}},
    /*
     * AMD Zen 2 (Family 17h, models 30h and later), 4 KiB entries. AMD
     * Software Optimization Guide for AMD Family 17h Models 30h and
     * Greater Processors (56305), "L1 and L2 Translation Lookaside
     * Buffers", as quoted by WikiChip's Zen 2 page and 7-cpu.com's Zen 2
     * page:
     *   L1 ITLB: 64 entries, fully associative;
     *   L1 DTLB: 64 entries, fully associative;
     *   L2 ITLB: 512 entries, 8-way (instruction side only: Zen's second
     *     level is split, hence l2i);
     *   L2 DTLB: 2048 entries, 12-way (data side only). 2048 is not a
     *     multiple of 12 (the L2 DTLB is skewed-associative, with ways
     *     shared between page sizes), which this model cannot represent:
     *     the preset keeps the 2048 entries and uses 16 ways (128 sets),
     *     an approximation that no AMD document gives.
     */
    {"zen2",
     "AMD Software Optimization Guide 56305 (Family 17h models 30h+); L2 DTLB 16-way is "
     "an approximation of 12-way skewed",
     {64, 64},
     {64, 64},
     {2048, 16},
     {512, 8}},
};

#define N_PRESETS (sizeof(presets) / sizeof(presets[0]))

struct entry {
	uint64_t vpn;
	uint64_t stamp; /* LRU: the model's clock at the last use; 0: invalid */
	uint16_t pcid;
	uint8_t global;
};

struct tlb {
	struct entry *e;
	uint32_t sets, ways;
};

struct tlbm {
	struct tlbm_config cfg;
	struct tlb tlb[TLBM_TLBS];
	struct tlbm_counters c;
	uint64_t clock;
	uint16_t pcid;
	uint8_t pge, pcide;
};

const struct tlbm_config *tlbm_preset(const char *name)
{
	for (size_t i = 0; i < N_PRESETS; i++)
		if (name && strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

const char *tlbm_preset_name(unsigned i)
{
	return i < N_PRESETS ? presets[i].name : NULL;
}

static int geometry_ok(struct tlbm_geometry g, int optional)
{
	if (g.entries == 0)
		return optional && g.ways == 0;
	return g.ways >= 1 && g.ways <= g.entries && g.entries % g.ways == 0;
}

int tlbm_config_check(const struct tlbm_config *cfg, const char **why)
{
	static const char *const reasons[] = {
	    "itlb: needs 1 <= ways <= entries, ways dividing entries",
	    "dtlb: needs 1 <= ways <= entries, ways dividing entries",
	    "stlb: needs 1 <= ways <= entries, ways dividing entries",
	    "l2i: needs 0 entries and 0 ways, or 1 <= ways <= entries, ways dividing entries",
	};
	const struct tlbm_geometry g[] = {cfg->itlb, cfg->dtlb, cfg->stlb, cfg->l2i};
	for (int i = 0; i < TLBM_TLBS; i++) {
		if (!geometry_ok(g[i], i == TLBM_L2I)) {
			*why = reasons[i];
			return -1;
		}
	}
	return 0;
}

struct tlbm *tlbm_new(const struct tlbm_config *cfg, const char **why)
{
	if (tlbm_config_check(cfg, why) < 0)
		return NULL;
	struct tlbm *m = calloc(1, sizeof(*m));
	if (!m) {
		*why = "out of memory";
		return NULL;
	}
	m->cfg = *cfg;
	const struct tlbm_geometry g[] = {cfg->itlb, cfg->dtlb, cfg->stlb, cfg->l2i};
	for (int i = 0; i < TLBM_TLBS; i++) {
		if (g[i].entries == 0)
			continue;
		m->tlb[i].sets = g[i].entries / g[i].ways;
		m->tlb[i].ways = g[i].ways;
		m->tlb[i].e = calloc(g[i].entries, sizeof(struct entry));
		if (!m->tlb[i].e) {
			tlbm_free(m);
			*why = "out of memory";
			return NULL;
		}
	}
	m->pge = 1;
	return m;
}

void tlbm_free(struct tlbm *m)
{
	if (!m)
		return;
	for (int i = 0; i < TLBM_TLBS; i++)
		free(m->tlb[i].e);
	free(m);
}

static struct entry *set_of(const struct tlb *t, uint64_t vpn)
{
	return &t->e[(size_t)(vpn % t->sets) * t->ways];
}

/* SDM 4.10.2.4: a global entry translates for every PCID. */
static struct entry *find(const struct tlb *t, uint64_t vpn, uint16_t pcid)
{
	if (!t->e)
		return NULL;
	struct entry *s = set_of(t, vpn);
	for (uint32_t w = 0; w < t->ways; w++)
		if (s[w].stamp && s[w].vpn == vpn && (s[w].global || s[w].pcid == pcid))
			return &s[w];
	return NULL;
}

/* Into an invalid way, else over the least recently used one. */
static void fill(struct tlbm *m, struct tlb *t, uint64_t vpn, int global)
{
	struct entry *s = set_of(t, vpn), *victim = &s[0];
	for (uint32_t w = 0; w < t->ways && victim->stamp; w++)
		if (s[w].stamp < victim->stamp)
			victim = &s[w];
	*victim = (struct entry){vpn, ++m->clock, m->pcid, (uint8_t)global};
}

enum tlbm_level tlbm_access(struct tlbm *m, enum tlbm_kind kind, uint64_t vaddr, int global)
{
	uint64_t vpn = vaddr >> TLBM_PAGE_SHIFT;
	struct tlb *l1 = &m->tlb[kind == TLBM_FETCH ? TLBM_ITLB : TLBM_DTLB];
	struct tlb *l2 = &m->tlb[kind == TLBM_FETCH && m->tlb[TLBM_L2I].e ? TLBM_L2I : TLBM_STLB];
	int g = global && m->pge;

	struct entry *e = find(l1, vpn, m->pcid);
	if (e) {
		e->stamp = ++m->clock;
		m->c.hits[TLBM_L1][kind]++;
		return TLBM_L1;
	}
	m->c.misses[TLBM_L1][kind]++;
	e = find(l2, vpn, m->pcid);
	if (e) {
		e->stamp = ++m->clock;
		m->c.hits[TLBM_L2][kind]++;
		fill(m, l1, vpn, e->global);
		return TLBM_L2;
	}
	m->c.misses[TLBM_L2][kind]++;
	m->c.walks[kind]++;
	fill(m, l2, vpn, g);
	fill(m, l1, vpn, g);
	return TLBM_LEVELS;
}

/* What an invalidation drops: entries of one page (or all pages), of one
 * PCID (or all), global ones or not. */
struct victims {
	int one_page;
	uint64_t vpn;
	int one_pcid;
	uint16_t pcid;
	int globals;	   /* global entries are dropped too */
	int globals_by_va; /* INVLPG: global entries of vpn, whatever their PCID */
};

static int dropped_by(const struct entry *e, const struct victims *v)
{
	if (v->one_page && e->vpn != v->vpn)
		return 0;
	if (e->global)
		return v->globals || v->globals_by_va;
	return !v->one_pcid || e->pcid == v->pcid;
}

static void invalidate(struct tlbm *m, enum tlbm_cause cause, const struct victims *v)
{
	m->c.flushes[cause]++;
	for (int i = 0; i < TLBM_TLBS; i++) {
		struct tlb *t = &m->tlb[i];
		for (size_t k = 0; t->e && k < (size_t)t->sets * t->ways; k++) {
			if (t->e[k].stamp && dropped_by(&t->e[k], v)) {
				t->e[k].stamp = 0;
				m->c.dropped[cause]++;
			}
		}
	}
}

void tlbm_write_cr3(struct tlbm *m, uint64_t value)
{
	m->c.cr3_writes++;
	if (m->pcide) {
		m->pcid = value & TLBM_PCID_MASK;
		if (value & TLBM_CR3_NOFLUSH) {
			m->c.cr3_noflush++;
			return;
		}
	}
	const struct victims v = {.one_pcid = 1, .pcid = m->pcid};
	invalidate(m, TLBM_CAUSE_CR3, &v);
}

void tlbm_write_cr4(struct tlbm *m, int pge, int pcide)
{
	int flush = !!pge != m->pge || (m->pcide && !pcide);
	m->pge = !!pge;
	m->pcide = !!pcide;
	if (!m->pcide)
		m->pcid = 0;
	if (flush) {
		const struct victims v = {.globals = 1};
		invalidate(m, TLBM_CAUSE_CR4, &v);
	}
}

void tlbm_invlpg(struct tlbm *m, uint64_t vaddr)
{
	const struct victims v = {.one_page = 1,
				  .vpn = vaddr >> TLBM_PAGE_SHIFT,
				  .one_pcid = 1,
				  .pcid = m->pcid,
				  .globals_by_va = 1};
	invalidate(m, TLBM_CAUSE_INVLPG, &v);
}

int tlbm_invpcid(struct tlbm *m, unsigned type, uint16_t pcid, uint64_t vaddr, const char **why)
{
	if (type > 3) {
		*why = "INVPCID type above 3";
		return -1;
	}
	if (type <= 1 && pcid > TLBM_PCID_MASK) {
		*why = "INVPCID PCID above 0xfff";
		return -1;
	}
	if (type <= 1 && pcid != 0 && !m->pcide) {
		*why = "INVPCID PCID not 0 with CR4.PCIDE = 0";
		return -1;
	}
	const struct victims by_type[] = {
	    {.one_page = 1, .vpn = vaddr >> TLBM_PAGE_SHIFT, .one_pcid = 1, .pcid = pcid},
	    {.one_pcid = 1, .pcid = pcid},
	    {.globals = 1},
	    {0},
	};
	invalidate(m, (enum tlbm_cause)(TLBM_CAUSE_INVPCID0 + type), &by_type[type]);
	return 0;
}

int tlbm_holds(const struct tlbm *m, enum tlbm_tlb which, uint64_t vaddr, uint16_t pcid)
{
	if ((unsigned)which >= TLBM_TLBS)
		return 0;
	return find(&m->tlb[which], vaddr >> TLBM_PAGE_SHIFT, pcid) != NULL;
}

uint16_t tlbm_pcid(const struct tlbm *m)
{
	return m->pcid;
}

const struct tlbm_counters *tlbm_counters(const struct tlbm *m)
{
	return &m->c;
}

void tlbm_reset_counters(struct tlbm *m)
{
	memset(&m->c, 0, sizeof(m->c));
}

/* The struct is uint64_t fields only, so it subtracts as an array. */
_Static_assert(sizeof(struct tlbm_counters) % sizeof(uint64_t) == 0,
	       "tlbm_counters is uint64_t fields only");

void tlbm_counters_sub(struct tlbm_counters *out, const struct tlbm_counters *end,
		       const struct tlbm_counters *start)
{
	uint64_t a[sizeof(*end) / sizeof(uint64_t)], b[sizeof(a) / sizeof(a[0])];
	memcpy(a, end, sizeof(a));
	memcpy(b, start, sizeof(b));
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		a[i] -= b[i];
	memcpy(out, a, sizeof(a));
}
