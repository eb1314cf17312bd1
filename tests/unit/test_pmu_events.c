/* Unit tests for the guest PMU's pure part (guest/arch/x86_64/pmu_events.c): CPUID leaf 0AH and
 * AMD's PerfCtrExtCore read, hostile values refused, the event table per CPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shoji/abi.h"

#include "arch/x86_64/pmu_events.h"

/* Leaf 1 EAX of each CPU (SDM Vol. 2A, Figure 3-6; the PPRs' CPUID_Fn00000001_EAX). */
#define SKX 0x00050654u	 /* 06_55H stepping 4 */
#define SPR 0x000806f8u	 /* 06_8FH */
#define ICX 0x000606a6u	 /* 06_6AH */
#define ADL 0x00090672u	 /* 06_97H: not in the table */
#define ZEN2 0x00830f10u /* family 17h model 31h */
#define ZEN4 0x00a10f11u /* family 19h model 11h */

static struct pmu_cpuid intel(uint32_t leaf1, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	struct pmu_cpuid x = {.leaf1_eax = leaf1, .has_leaf_a = true, .leaf_a = {a, b, c, d}};
	memcpy(x.vendor, "GenuineIntel", 12);
	return x;
}

static struct pmu_cpuid amd(uint32_t leaf1, bool ext1, uint32_t ecx)
{
	struct pmu_cpuid x = {.leaf1_eax = leaf1, .has_ext1 = ext1, .ext1_ecx = ecx};
	memcpy(x.vendor, "AuthenticAMD", 12);
	return x;
}

/* The reason's tail when nothing is offered, as pmu_events.c words it. */
#define NOT_OFFERED "no PMU offered: a KVM without one or with enable_pmu=0, or QEMU TCG"

/* Leaf 0AH as a v4 Skylake server gives it: 8 counters of 48 bits, EBX
 * length 7 with all events present, 3 fixed counters of 48 bits. */
#define V4_EAX 0x07300804u
#define V4_EDX 0x00000603u

static const char *text(const struct pmu_cpuid *c)
{
	static char buf[200];
	struct pmu_desc d;
	pmu_describe(c, &d);
	return pmu_describe_text(&d, buf, sizeof(buf));
}

static void test_intel_v4(void **state)
{
	struct pmu_cpuid c = intel(SKX, V4_EAX, 0, 0, V4_EDX);
	struct pmu_desc d;
	assert_int_equal(pmu_describe(&c, &d), PMU_INTEL_ARCH);
	assert_int_equal(d.family, 6);
	assert_int_equal(d.model, 0x55);
	assert_string_equal(text(&c),
			    "Intel architectural v4: 8 general-purpose counters (48 bits), "
			    "3 fixed (48 bits)");
}

/* What KVM gives without a PMU, and what a short leaf 0 hides. */
static void test_intel_none(void **state)
{
	struct pmu_cpuid c = intel(SKX, 0, 0, 0, 0);
	assert_string_equal(text(&c), "none: CPUID leaf 0xA reports version 0 (" NOT_OFFERED ")");
	c.has_leaf_a = false;
	c.leaf_a[0] = V4_EAX;
	assert_string_equal(text(&c), "none: CPUID has no leaf 0xA (" NOT_OFFERED ")");
	c = intel(SKX, 0x07300801, 0, 0, 0);
	assert_string_equal(text(&c), "none: architectural performance monitoring version 1 has no "
				      "IA32_PERF_GLOBAL_CTRL");
}

/* Counts and widths the architecture does not allow are refused, not clamped. */
static void test_intel_hostile(void **state)
{
	struct pmu_cpuid c = intel(SKX, 0x0730ff04, 0, 0, V4_EDX);
	assert_string_equal(text(&c),
			    "none: CPUID leaf 0xA claims more than 8 general-purpose counters");
	c = intel(SKX, 0x07000804, 0, 0, V4_EDX); /* width 0 */
	assert_string_equal(text(&c), "none: CPUID leaf 0xA gives general-purpose counters a width "
				      "outside 32-64 bits");
	c = intel(SKX, 0x07ff0804, 0, 0, V4_EDX); /* width 255 */
	assert_string_equal(text(&c), "none: CPUID leaf 0xA gives general-purpose counters a width "
				      "outside 32-64 bits");
	c = intel(SKX, 0x07000004, 0, 0, 0); /* nothing at all */
	assert_string_equal(text(&c), "none: CPUID leaf 0xA reports no counters");

	/* Fixed counters 255 bits wide: none of them is used. */
	c = intel(SKX, V4_EAX, 0, 0, 0x1fe3);
	struct pmu_desc d;
	assert_int_equal(pmu_describe(&c, &d), PMU_INTEL_ARCH);
	assert_false(d.fixed_ok[0] || d.fixed_ok[1] || d.fixed_ok[2]);
	struct pmu_plan p;
	assert_int_equal(pmu_plan(&d, &p), 6); /* 2 architectural + 4 TLB on GP counters */
	assert_false(p.ev[0].fixed);
	assert_int_equal(p.ev[0].code, 0xc0);
	assert_int_equal(p.ev[1].code, 0x3c);
}

/* EBX's vector: a set bit, or a bit past its length, is an absent event. */
static void test_arch_events_missing(void **state)
{
	struct pmu_cpuid c = intel(ADL, 0x00300204, 0, 0, 0); /* length 0, no fixed counters */
	struct pmu_desc d;
	struct pmu_plan p;
	pmu_describe(&c, &d);
	assert_int_equal(pmu_plan(&d, &p), 0);
	c = intel(ADL, 0x07300204, 0x2, 0, 0); /* instructions absent, cycles present */
	pmu_describe(&c, &d);
	assert_int_equal(pmu_plan(&d, &p), 1);
	assert_int_equal(p.ev[0].event, SHOJI_PMU_CYCLES);
	assert_int_equal(p.ev[0].code, 0x3c);
}

/* Version 5: ECX's bit mask names fixed counters beyond EDX's count. */
static void test_v5_fixed_mask(void **state)
{
	struct pmu_cpuid c = intel(SPR, 0x07300805, 0, 0x3, 0x00000600);
	struct pmu_desc d;
	pmu_describe(&c, &d);
	assert_true(d.fixed_ok[0] && d.fixed_ok[1]);
	assert_false(d.fixed_ok[2]);
	/* Only fixed counter 1, by the mask, 0 bits wide: not used. */
	c.leaf_a[2] = 0x2;
	pmu_describe(&c, &d);
	assert_true(d.fixed_ok[1]);
	c.leaf_a[3] = 0;
	pmu_describe(&c, &d);
	assert_false(d.fixed_ok[0] || d.fixed_ok[1] || d.fixed_ok[2]);
	c.leaf_a[2] = 0x3;
	c.leaf_a[3] = 0x600;
	c.leaf_a[0] = 0x07300804; /* the same mask means nothing before version 5 */
	pmu_describe(&c, &d);
	assert_false(d.fixed_ok[0] || d.fixed_ok[1]);
}

static void check_plan(uint32_t leaf1, struct pmu_cpuid c, const char *cpu, const uint8_t *events,
		       const uint16_t *codes, const uint8_t *umasks, unsigned n)
{
	struct pmu_desc d;
	struct pmu_plan p;
	c.leaf1_eax = leaf1;
	pmu_describe(&c, &d);
	assert_int_equal(pmu_plan(&d, &p), n);
	assert_string_equal(p.cpu, cpu);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(p.ev[i].event, events[i]);
		assert_int_equal(p.ev[i].code, codes[i]);
		assert_int_equal(p.ev[i].umask, umasks[i]);
	}
}

static void test_plans(void **state)
{
	const uint8_t intel_ev[] = {SHOJI_PMU_INSTRUCTIONS,    SHOJI_PMU_CYCLES,
				    SHOJI_PMU_DTLB_LOAD_WALKS, SHOJI_PMU_DTLB_STORE_WALKS,
				    SHOJI_PMU_ITLB_WALKS,      SHOJI_PMU_STLB_HITS};
	struct pmu_cpuid c = intel(0, V4_EAX, 0, 0, V4_EDX);
	check_plan(SKX, c, "Skylake/Cascade Lake server", intel_ev,
		   (const uint16_t[]){0, 1, 0x08, 0x49, 0x85, 0x08},
		   (const uint8_t[]){0, 0, 0x0e, 0x0e, 0x0e, 0x20}, 6);
	check_plan(ICX, c, "Ice Lake server", intel_ev,
		   (const uint16_t[]){0, 1, 0x08, 0x49, 0x85, 0x08},
		   (const uint8_t[]){0, 0, 0x0e, 0x0e, 0x0e, 0x20}, 6);
	check_plan(SPR, c, "Sapphire Rapids", intel_ev,
		   (const uint16_t[]){0, 1, 0x12, 0x13, 0x11, 0x12},
		   (const uint8_t[]){0, 0, 0x0e, 0x0e, 0x0e, 0x20}, 6);
	check_plan(ADL, c, "architectural events only (no TLB events known for this model)",
		   intel_ev, (const uint16_t[]){0, 1}, (const uint8_t[]){0, 0}, 2);

	/* Two general-purpose counters: two TLB events, in the table's order. */
	c.leaf_a[0] = 0x07300204;
	check_plan(SKX, c, "Skylake/Cascade Lake server", intel_ev,
		   (const uint16_t[]){0, 1, 0x08, 0x49}, (const uint8_t[]){0, 0, 0x0e, 0x0e}, 4);

	const uint8_t amd_ev[] = {SHOJI_PMU_INSTRUCTIONS, SHOJI_PMU_CYCLES, SHOJI_PMU_DTLB_WALKS,
				  SHOJI_PMU_ITLB_WALKS, SHOJI_PMU_STLB_HITS};
	c = amd(0, true, 1u << 23);
	check_plan(ZEN2, c, "AMD Zen 2", amd_ev, (const uint16_t[]){0xc0, 0x76, 0x45, 0x85, 0x45},
		   (const uint8_t[]){0, 0, 0xf0, 0x07, 0x0f}, 5);
	check_plan(ZEN4, c, "AMD Zen 3/Zen 4", amd_ev,
		   (const uint16_t[]){0xc0, 0x76, 0x45, 0x85, 0x45},
		   (const uint8_t[]){0, 0, 0xf0, 0x0f, 0x0f}, 5);
}

static void test_amd(void **state)
{
	struct pmu_cpuid c = amd(ZEN2, true, 1u << 23);
	assert_string_equal(text(&c), "AMD core (PerfCtrExtCore): 6 counters (48 bits)");
	c = amd(ZEN2, true, ~(1u << 23));
	assert_string_equal(text(&c), "none: AMD CPU without PerfCtrExtCore (CPUID 0x80000001 ECX "
				      "bit 23; " NOT_OFFERED ")");
	c = amd(ZEN2, false, 1u << 23); /* past 8000_0000h's maximum: not believed */
	assert_string_equal(text(&c), "none: AMD CPU without PerfCtrExtCore (CPUID 0x80000001 ECX "
				      "bit 23; " NOT_OFFERED ")");
	struct pmu_cpuid other = {.has_leaf_a = true, .leaf_a = {V4_EAX, 0, 0, V4_EDX}};
	memcpy(other.vendor, "HygonGenuine", 12);
	assert_string_equal(text(&other), "none: neither an Intel nor an AMD CPU");
}

/* Rings 0 and 3 (USR 16, OS 17), enabled (22), no interrupt (20), and
 * AMD's event select bits 11:8 in 35:32. */
static void test_evtsel(void **state)
{
	struct pmu_event e = {.event = SHOJI_PMU_DTLB_LOAD_WALKS, .code = 0x08, .umask = 0x0e};
	assert_int_equal(pmu_evtsel(&e), 0x430e08);
	e.code = 0x1c0;
	e.umask = 0;
	assert_int_equal(pmu_evtsel(&e), 0x1004300c0ull);
	assert_int_equal(pmu_raw_config(&e), 0x1000000c0ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_intel_v4),	  cmocka_unit_test(test_intel_none),
	    cmocka_unit_test(test_intel_hostile), cmocka_unit_test(test_arch_events_missing),
	    cmocka_unit_test(test_v5_fixed_mask), cmocka_unit_test(test_plans),
	    cmocka_unit_test(test_amd),		  cmocka_unit_test(test_evtsel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
