/* Unit tests for the TLB model (bench/tlbmodel/tlbmodel.h) against hand-computed counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bench/tlbmodel/tlbmodel.h"

#define PAGE(n) ((uint64_t)(n) << TLBM_PAGE_SHIFT)

/* Small enough to compute conflicts by hand: sets are vpn % 2 (L1) and
 * vpn % 4 (STLB), two ways each. */
static const struct tlbm_config small = {"small", "test", {4, 2}, {4, 2}, {8, 2}, {0, 0}};
/* Fully associative and large enough that the invalidation tests never
 * evict: whatever is gone was invalidated. */
static const struct tlbm_config roomy = {"roomy", "test", {8, 8}, {8, 8}, {16, 16}, {0, 0}};

static struct tlbm *model(const struct tlbm_config *cfg)
{
	const char *why = NULL;
	struct tlbm *m = tlbm_new(cfg, &why);
	if (!m)
		fail_msg("tlbm_new(%s): %s", cfg->name, why);
	return m;
}

/* One kind's counts, and no other kind's. */
struct want {
	uint64_t l1_hits, l1_misses, l2_hits, l2_misses;
};

static void check(const struct tlbm *m, enum tlbm_kind kind, struct want w)
{
	const struct tlbm_counters *c = tlbm_counters(m);
	assert_int_equal(c->hits[TLBM_L1][kind], w.l1_hits);
	assert_int_equal(c->misses[TLBM_L1][kind], w.l1_misses);
	assert_int_equal(c->hits[TLBM_L2][kind], w.l2_hits);
	assert_int_equal(c->misses[TLBM_L2][kind], w.l2_misses);
	assert_int_equal(c->walks[kind], w.l2_misses);
	for (int k = 0; k < TLBM_KINDS; k++) {
		if (k == (int)kind)
			continue;
		assert_int_equal(c->hits[TLBM_L1][k] + c->misses[TLBM_L1][k], 0);
		assert_int_equal(c->walks[k], 0);
	}
}

/*
 * Loops over consecutive pages 0..N-1, 3 passes, in a fresh model of a
 * preset. A TLB of S sets and W ways gets N/S pages per set (N a multiple
 * of S). At most W per set: N cold misses, then hits. More than W: a
 * cyclic pass evicts each page just before its next use (LRU), so every
 * access misses. The second level sees only L1's misses.
 */
static const struct {
	const char *preset;
	enum tlbm_kind kind;
	uint64_t n;
	struct want w;
} loops[] = {
    /* Skylake DTLB 64 = 16 sets x 4. N = 64: 4 per set, fits: 64
     * misses, 128 hits; the STLB (128 sets x 12) sees the 64 cold misses. */
    {"skylake", TLBM_LOAD, 64, {128, 64, 0, 64}},
    /* N = 80: 5 per DTLB set > 4: all 240 miss L1; STLB: 1 per set, 80
     * cold misses, then 160 hits. */
    {"skylake", TLBM_STORE, 80, {0, 240, 160, 80}},
    /* N = 1536: 12 per STLB set, fits: 4608 L1 misses, 1536 walks, 3072
     * STLB hits. */
    {"skylake", TLBM_LOAD, 1536, {0, 4608, 3072, 1536}},
    /* N = 1664: 13 per STLB set > 12: every one of 4992 walks. */
    {"skylake", TLBM_LOAD, 1664, {0, 4992, 0, 4992}},
    /* ITLB 128 = 16 sets x 8. N = 128 fits; N = 144 (9 per set) does
     * not, and the fetches' second level is the same STLB (2 per set). */
    {"skylake", TLBM_FETCH, 128, {256, 128, 0, 128}},
    {"skylake", TLBM_FETCH, 144, {0, 432, 288, 144}},
    /* Zen 2 L1 DTLB 64, fully associative: N = 64 fits; N = 65 cycles
     * through 64 ways, all 195 miss; the L2 DTLB (128 sets x 16) holds
     * all 65 after the cold misses. */
    {"zen2", TLBM_LOAD, 64, {128, 64, 0, 64}},
    {"zen2", TLBM_LOAD, 65, {0, 195, 130, 65}},
    /* L2 DTLB: N = 2048 is 16 per set, fits; N = 2176 is 17, never. */
    {"zen2", TLBM_LOAD, 2048, {0, 6144, 4096, 2048}},
    {"zen2", TLBM_LOAD, 2176, {0, 6528, 0, 6528}},
    /* Fetches go to the L2 ITLB (64 sets x 8), not the 2048-entry L2
     * DTLB: N = 512 fits it, N = 576 (9 per set) thrashes it though the
     * L2 DTLB would hold it. */
    {"zen2", TLBM_FETCH, 64, {128, 64, 0, 64}},
    {"zen2", TLBM_FETCH, 512, {0, 1536, 1024, 512}},
    {"zen2", TLBM_FETCH, 576, {0, 1728, 0, 1728}},
};

static void test_loop_presets(void **state)
{
	for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
		struct tlbm *m = model(tlbm_preset(loops[i].preset));
		for (int r = 0; r < 3; r++)
			for (uint64_t p = 0; p < loops[i].n; p++)
				tlbm_access(m, loops[i].kind, PAGE(p) + 0x123, 0);
		check(m, loops[i].kind, loops[i].w);
		tlbm_free(m);
	}
}

/* Zen 2's split second level: a fetched page is in the L2 ITLB only. */
static void test_zen2_split_l2(void **state)
{
	const struct tlbm_config *zen = tlbm_preset("zen2");
	struct tlbm *m = model(zen);
	tlbm_access(m, TLBM_FETCH, PAGE(9), 0);
	assert_true(tlbm_holds(m, TLBM_L2I, PAGE(9), 0));
	assert_false(tlbm_holds(m, TLBM_STLB, PAGE(9), 0));
	/* A load of the same page does not find it in the L2 ITLB. */
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(9), 0), TLBM_LEVELS);
	tlbm_free(m);
}

/* Pages from a list, r times over, in a fresh small model. */
static void loop_list(const uint64_t *pages, size_t n, uint64_t r, struct want w)
{
	struct tlbm *m = model(&small);
	for (uint64_t i = 0; i < r; i++)
		for (size_t p = 0; p < n; p++)
			tlbm_access(m, TLBM_LOAD, PAGE(pages[p]), 0);
	check(m, TLBM_LOAD, w);
	tlbm_free(m);
}

static void test_loop_small_conflicts(void **state)
{
	/* {0, 1, 2}: DTLB sets 0, 1, 0 (2 in set 0, fits): 3 cold misses,
	 * 9 hits; the STLB (sets 0, 1, 2) takes the 3 cold misses. */
	const uint64_t fit[] = {0, 1, 2};
	loop_list(fit, 3, 4, (struct want){9, 3, 0, 3});
	/* {0, 2, 4}: all in DTLB set 0, 3 pages over 2 ways: all 12 miss
	 * though the DTLB has 4 entries; STLB sets 0, 2, 0 fit: 3 walks. */
	const uint64_t l1_conflict[] = {0, 2, 4};
	loop_list(l1_conflict, 3, 4, (struct want){0, 12, 9, 3});
	/* {0, 4, 8}: STLB set 0 too: 12 walks for 3 pages in 8 entries. */
	const uint64_t l2_conflict[] = {0, 4, 8};
	loop_list(l2_conflict, 3, 4, (struct want){0, 12, 0, 12});
}

/* 0, 2, 0, 4 in DTLB set 0 (2 ways): 4 evicts 2, the least recently
 * used, not 0, the first filled (FIFO would evict 0). */
static void test_lru_order(void **state)
{
	struct tlbm *m = model(&small);
	tlbm_access(m, TLBM_LOAD, PAGE(0), 0);
	tlbm_access(m, TLBM_LOAD, PAGE(2), 0);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(0), 0), TLBM_L1);
	tlbm_access(m, TLBM_LOAD, PAGE(4), 0);
	assert_true(tlbm_holds(m, TLBM_DTLB, PAGE(0), 0));
	assert_false(tlbm_holds(m, TLBM_DTLB, PAGE(2), 0));
	assert_true(tlbm_holds(m, TLBM_DTLB, PAGE(4), 0));
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(0), 0), TLBM_L1);
	/* 2 is still in the STLB (its set 2 has room): no walk. */
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(2), 0), TLBM_L2);
	/* Now 4 was least recently used of {0, 4}: 2 replaced it. */
	assert_false(tlbm_holds(m, TLBM_DTLB, PAGE(4), 0));
	check(m, TLBM_LOAD, (struct want){2, 4, 1, 3});
	tlbm_free(m);
}

/* Fetches fill the ITLB, loads and stores the DTLB, both the STLB. */
static void test_fetch_data_split(void **state)
{
	struct tlbm *m = model(&small);
	assert_int_equal(tlbm_access(m, TLBM_FETCH, PAGE(5), 0), TLBM_LEVELS);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(5), 0), TLBM_L2);
	assert_int_equal(tlbm_access(m, TLBM_FETCH, PAGE(5), 0), TLBM_L1);
	assert_int_equal(tlbm_access(m, TLBM_STORE, PAGE(5), 0), TLBM_L1);
	/* Fetching 7 and 9 (ITLB set 1, 2 ways) evicts 5 from the ITLB
	 * only: the DTLB still holds it. */
	tlbm_access(m, TLBM_FETCH, PAGE(7), 0);
	tlbm_access(m, TLBM_FETCH, PAGE(9), 0);
	assert_false(tlbm_holds(m, TLBM_ITLB, PAGE(5), 0));
	assert_true(tlbm_holds(m, TLBM_DTLB, PAGE(5), 0));
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(5), 0), TLBM_L1);
	const struct tlbm_counters *c = tlbm_counters(m);
	assert_int_equal(c->walks[TLBM_FETCH], 3); /* 5, 7, 9 */
	assert_int_equal(c->walks[TLBM_LOAD], 0);
	assert_int_equal(c->hits[TLBM_L2][TLBM_LOAD], 1);
	assert_int_equal(c->hits[TLBM_L1][TLBM_LOAD], 1);
	assert_int_equal(c->hits[TLBM_L1][TLBM_STORE], 1);
	assert_int_equal(c->hits[TLBM_L1][TLBM_FETCH], 1);
	tlbm_free(m);
}

/* CR4.PCIDE = 0: MOV to CR3 drops every non-global entry (SDM 4.10.4.1);
 * a global page survives it. */
static void test_cr3_without_pcid(void **state)
{
	struct tlbm *m = model(&small);
	tlbm_access(m, TLBM_LOAD, PAGE(0), 0);
	tlbm_access(m, TLBM_LOAD, PAGE(1), 0);
	tlbm_access(m, TLBM_LOAD, PAGE(2), 1);
	tlbm_write_cr3(m, 0x5000 | 0x18); /* PWT|PCD: not a PCID here */
	const struct tlbm_counters *c = tlbm_counters(m);
	assert_int_equal(tlbm_pcid(m), 0);
	assert_int_equal(c->flushes[TLBM_CAUSE_CR3], 1);
	assert_int_equal(c->dropped[TLBM_CAUSE_CR3], 4); /* 0 and 1, DTLB and STLB */
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(0), 0), TLBM_LEVELS);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(1), 0), TLBM_LEVELS);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(2), 1), TLBM_L1);
	assert_int_equal(c->walks[TLBM_LOAD], 5);
	assert_int_equal(c->cr3_writes, 1);
	tlbm_free(m);
}

/* CR4.PCIDE = 1: entries are tagged; bit 63 set switches without a flush,
 * bit 63 clear flushes only the new PCID (SDM 4.10.4.1). */
static void test_cr3_with_pcid(void **state)
{
	struct tlbm *m = model(&small);
	const struct tlbm_counters *c = tlbm_counters(m);
	tlbm_write_cr4(m, 1, 1);
	tlbm_write_cr3(m, 0x7000 | 1 | TLBM_CR3_NOFLUSH);
	assert_int_equal(tlbm_pcid(m), 1);
	tlbm_access(m, TLBM_LOAD, PAGE(0), 0);
	tlbm_access(m, TLBM_LOAD, PAGE(1), 0);
	tlbm_write_cr3(m, 0x9000 | 2 | TLBM_CR3_NOFLUSH);
	/* PCID 1's entries do not translate for PCID 2: 2 more walks. */
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(0), 0), TLBM_LEVELS);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(1), 0), TLBM_LEVELS);
	/* Back to PCID 1: its entries survived (each set has 2 ways). */
	tlbm_write_cr3(m, 0x7000 | 1 | TLBM_CR3_NOFLUSH);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(0), 0), TLBM_L1);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(1), 0), TLBM_L1);
	assert_int_equal(c->flushes[TLBM_CAUSE_CR3], 0);
	assert_int_equal(c->cr3_noflush, 3);
	/* Bit 63 clear, PCID 2: PCID 2's 4 entries (DTLB, STLB) go. */
	tlbm_write_cr3(m, 0x9000 | 2);
	assert_int_equal(c->flushes[TLBM_CAUSE_CR3], 1);
	assert_int_equal(c->dropped[TLBM_CAUSE_CR3], 4);
	assert_false(tlbm_holds(m, TLBM_DTLB, PAGE(0), 2));
	assert_false(tlbm_holds(m, TLBM_STLB, PAGE(1), 2));
	assert_true(tlbm_holds(m, TLBM_DTLB, PAGE(0), 1));
	assert_true(tlbm_holds(m, TLBM_STLB, PAGE(1), 1));
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(0), 0), TLBM_LEVELS);
	tlbm_write_cr3(m, 0x7000 | 1 | TLBM_CR3_NOFLUSH);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(1), 0), TLBM_L1);
	assert_int_equal(c->walks[TLBM_LOAD], 5);
	assert_int_equal(c->cr3_writes, 5);
	tlbm_free(m);
}

/* A global entry translates in every PCID and survives flushing CR3
 * writes, but not a CR4.PGE change; with PGE = 0 nothing is global
 * (SDM 4.10.2.4, 4.10.4.1). */
static void test_global_pages(void **state)
{
	struct tlbm *m = model(&roomy);
	const struct tlbm_counters *c = tlbm_counters(m);
	tlbm_write_cr4(m, 1, 1);
	tlbm_write_cr3(m, 1);
	tlbm_access(m, TLBM_LOAD, PAGE(3), 1);
	tlbm_write_cr3(m, 2);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(3), 1), TLBM_L1);
	tlbm_write_cr3(m, 1);
	assert_int_equal(c->dropped[TLBM_CAUSE_CR3], 0);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(3), 1), TLBM_L1);
	/* Writing the same CR4 flushes nothing; clearing PGE flushes all. */
	tlbm_write_cr4(m, 1, 1);
	assert_int_equal(c->flushes[TLBM_CAUSE_CR4], 0);
	tlbm_write_cr4(m, 0, 1);
	assert_int_equal(c->flushes[TLBM_CAUSE_CR4], 1);
	assert_int_equal(c->dropped[TLBM_CAUSE_CR4], 2);
	assert_int_equal(tlbm_pcid(m), 1);
	/* PGE = 0: the G bit is ignored, so a CR3 write drops the page. */
	tlbm_access(m, TLBM_LOAD, PAGE(3), 1);
	tlbm_write_cr3(m, 1);
	assert_int_equal(c->dropped[TLBM_CAUSE_CR3], 2);
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(3), 1), TLBM_LEVELS);
	/* Clearing PCIDE flushes everything and makes the PCID 0. */
	tlbm_write_cr4(m, 0, 0);
	assert_int_equal(c->flushes[TLBM_CAUSE_CR4], 2);
	assert_int_equal(c->dropped[TLBM_CAUSE_CR4], 4);
	assert_int_equal(tlbm_pcid(m), 0);
	/* Setting PCIDE flushes nothing. */
	tlbm_access(m, TLBM_LOAD, PAGE(3), 1);
	tlbm_write_cr4(m, 0, 1);
	assert_int_equal(c->flushes[TLBM_CAUSE_CR4], 2);
	assert_true(tlbm_holds(m, TLBM_DTLB, PAGE(3), 0));
	tlbm_free(m);
}

/* In the roomy model with PCIDs on: pages 0 and 1 in PCIDs 1 and 2, and
 * page 7 global (filled under PCID 2); current PCID 1. Each of the DTLB
 * and the STLB holds these 5 entries. */
static struct tlbm *two_contexts(void)
{
	struct tlbm *m = model(&roomy);
	tlbm_write_cr4(m, 1, 1);
	tlbm_write_cr3(m, 1);
	tlbm_access(m, TLBM_LOAD, PAGE(0), 0);
	tlbm_access(m, TLBM_LOAD, PAGE(1), 0);
	tlbm_write_cr3(m, 2);
	tlbm_access(m, TLBM_LOAD, PAGE(0), 0);
	tlbm_access(m, TLBM_LOAD, PAGE(1), 0);
	tlbm_access(m, TLBM_LOAD, PAGE(7), 1);
	tlbm_write_cr3(m, 1 | TLBM_CR3_NOFLUSH);
	return m;
}

/* Which of the 5 entries the DTLB and the STLB still hold, as a bit mask:
 * (0,p1) (1,p1) (0,p2) (1,p2) (7,global). */
static unsigned left(const struct tlbm *m)
{
	const struct {
		uint64_t page;
		uint16_t pcid;
	} e[] = {{0, 1}, {1, 1}, {0, 2}, {1, 2}, {7, 3}};
	unsigned mask = 0;
	for (unsigned i = 0; i < 5; i++) {
		int d = tlbm_holds(m, TLBM_DTLB, PAGE(e[i].page), e[i].pcid);
		assert_int_equal(d, tlbm_holds(m, TLBM_STLB, PAGE(e[i].page), e[i].pcid));
		mask |= (unsigned)d << i;
	}
	return mask;
}

/* INVLPG: the page in the current PCID and the page's global entries,
 * whatever PCID filled them (SDM 4.10.4.1). */
static void test_invlpg(void **state)
{
	struct tlbm *m = two_contexts();
	assert_int_equal(left(m), 0x1f);
	tlbm_invlpg(m, PAGE(0) + 0xfff);
	assert_int_equal(left(m), 0x1e); /* (0,p1) gone, (0,p2) kept */
	tlbm_invlpg(m, PAGE(7));
	assert_int_equal(left(m), 0x0e); /* the global page, filled under PCID 2 */
	assert_int_equal(tlbm_counters(m)->flushes[TLBM_CAUSE_INVLPG], 2);
	assert_int_equal(tlbm_counters(m)->dropped[TLBM_CAUSE_INVLPG], 4);
	tlbm_free(m);
}

/* INVPCID types 0 to 3 (SDM 4.10.4.1), each from the same start. */
static void test_invpcid(void **state)
{
	static const struct {
		unsigned type;
		uint16_t pcid;
		uint64_t page;
		unsigned left;
		uint64_t dropped;
	} cases[] = {
	    {0, 2, 0, 0x1b, 2},	 /* (0,p2) only */
	    {0, 2, 7, 0x1f, 0},	 /* never a global entry */
	    {1, 2, 0, 0x13, 4},	 /* PCID 2's non-global entries */
	    {2, 0, 0, 0x00, 10}, /* everything */
	    {3, 0, 0, 0x10, 8},	 /* all but the global page */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tlbm *m = two_contexts();
		const char *why = NULL;
		assert_int_equal(
		    tlbm_invpcid(m, cases[i].type, cases[i].pcid, PAGE(cases[i].page), &why), 0);
		assert_int_equal(left(m), cases[i].left);
		const struct tlbm_counters *c = tlbm_counters(m);
		assert_int_equal(c->dropped[TLBM_CAUSE_INVPCID0 + cases[i].type], cases[i].dropped);
		assert_int_equal(c->flushes[TLBM_CAUSE_INVPCID0 + cases[i].type], 1);
		tlbm_free(m);
	}
}

/* Where the CPU raises #GP, the model refuses and invalidates nothing. */
static void test_invpcid_errors(void **state)
{
	struct tlbm *m = two_contexts();
	const char *why = NULL;
	assert_int_equal(tlbm_invpcid(m, 4, 0, 0, &why), -1);
	assert_string_equal(why, "INVPCID type above 3");
	assert_int_equal(tlbm_invpcid(m, 0, 0x1000, 0, &why), -1);
	assert_string_equal(why, "INVPCID PCID above 0xfff");
	assert_int_equal(left(m), 0x1f);
	tlbm_write_cr4(m, 1, 0);
	assert_int_equal(tlbm_invpcid(m, 1, 1, 0, &why), -1);
	assert_string_equal(why, "INVPCID PCID not 0 with CR4.PCIDE = 0");
	assert_int_equal(tlbm_invpcid(m, 1, 0, 0, &why), 0);
	assert_int_equal(tlbm_invpcid(m, 3, 5, 0, &why), 0); /* PCID unused by type 3 */
	tlbm_free(m);
}

/* Snapshots subtract to a region's counts; reset keeps the contents. */
static void test_counters_snapshot(void **state)
{
	struct tlbm *m = model(&small);
	for (int p = 0; p < 3; p++)
		tlbm_access(m, TLBM_LOAD, PAGE(p), 0);
	struct tlbm_counters start = *tlbm_counters(m), delta;
	tlbm_access(m, TLBM_LOAD, PAGE(0), 0);	/* L1 hit */
	tlbm_access(m, TLBM_FETCH, PAGE(9), 0); /* walk */
	tlbm_write_cr3(m, 0);
	tlbm_counters_sub(&delta, tlbm_counters(m), &start);
	assert_int_equal(delta.hits[TLBM_L1][TLBM_LOAD], 1);
	assert_int_equal(delta.misses[TLBM_L1][TLBM_LOAD], 0);
	assert_int_equal(delta.walks[TLBM_LOAD], 0);
	assert_int_equal(delta.walks[TLBM_FETCH], 1);
	assert_int_equal(delta.flushes[TLBM_CAUSE_CR3], 1);
	assert_int_equal(delta.dropped[TLBM_CAUSE_CR3], 8); /* 0,1,2 DTLB+STLB, 9 ITLB+STLB */
	assert_int_equal(delta.cr3_writes, 1);
	/* In place: out may be end. */
	struct tlbm_counters end = *tlbm_counters(m);
	tlbm_counters_sub(&end, &end, &start);
	assert_memory_equal(&end, &delta, sizeof(delta));

	tlbm_access(m, TLBM_LOAD, PAGE(4), 0);
	tlbm_reset_counters(m);
	struct tlbm_counters zero;
	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(tlbm_counters(m), &zero, sizeof(zero));
	assert_int_equal(tlbm_access(m, TLBM_LOAD, PAGE(4), 0), TLBM_L1);
	assert_int_equal(tlbm_counters(m)->hits[TLBM_L1][TLBM_LOAD], 1);
	tlbm_free(m);
}

/* The presets' shapes, and the refusals of wrong ones. */
static void test_config(void **state)
{
	const struct tlbm_config *sk = tlbm_preset("skylake"), *zen = tlbm_preset("zen2");
	assert_non_null(sk);
	assert_non_null(zen);
	assert_null(tlbm_preset("nehalem"));
	assert_null(tlbm_preset(NULL));
	assert_string_equal(tlbm_preset_name(0), "skylake");
	assert_string_equal(tlbm_preset_name(1), "zen2");
	assert_null(tlbm_preset_name(2));
	assert_int_equal(sk->stlb.entries, 1536);
	assert_int_equal(sk->l2i.entries, 0);
	assert_int_equal(zen->l2i.entries, 512);

	static const struct {
		struct tlbm_config cfg;
		const char *why;
	} bad[] = {
	    {{"w0", "", {4, 0}, {4, 2}, {8, 2}, {0, 0}}, "itlb: "},
	    {{"wide", "", {4, 2}, {4, 8}, {8, 2}, {0, 0}}, "dtlb: "},
	    {{"div", "", {4, 2}, {4, 2}, {12, 8}, {0, 0}}, "stlb: "},
	    {{"none", "", {4, 2}, {4, 2}, {0, 0}, {0, 0}}, "stlb: "},
	    {{"l2i", "", {4, 2}, {4, 2}, {8, 2}, {0, 2}}, "l2i: "},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		assert_null(tlbm_new(&bad[i].cfg, &why));
		assert_non_null(why);
		assert_memory_equal(why, bad[i].why, strlen(bad[i].why));
	}
	const char *why = NULL;
	assert_int_equal(tlbm_config_check(&small, &why), 0);
	assert_null(why);
	/* No L2 ITLB in a unified config: fetches fill the STLB. */
	struct tlbm *m = model(&small);
	tlbm_access(m, TLBM_FETCH, PAGE(6), 0);
	assert_false(tlbm_holds(m, TLBM_L2I, PAGE(6), 0));
	assert_true(tlbm_holds(m, TLBM_STLB, PAGE(6), 0));
	tlbm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loop_presets),
	    cmocka_unit_test(test_zen2_split_l2),
	    cmocka_unit_test(test_loop_small_conflicts),
	    cmocka_unit_test(test_lru_order),
	    cmocka_unit_test(test_fetch_data_split),
	    cmocka_unit_test(test_cr3_without_pcid),
	    cmocka_unit_test(test_cr3_with_pcid),
	    cmocka_unit_test(test_global_pages),
	    cmocka_unit_test(test_invlpg),
	    cmocka_unit_test(test_invpcid),
	    cmocka_unit_test(test_invpcid_errors),
	    cmocka_unit_test(test_counters_snapshot),
	    cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
