/* Unit tests for the guest CPUID table (vmm/cpuid.c): PKU kept, hypervisor, timing and console
 * leaves, the PMU's leaves read and passed through. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shoji/abi.h"

#include "../../vmm/cpuid.h"

static struct cpuid_table t;

static void add(uint32_t fn, uint32_t idx, uint32_t flags, uint32_t a, uint32_t b, uint32_t c,
		uint32_t d)
{
	t.entries[t.head.nent++] = (struct kvm_cpuid_entry2){
	    .function = fn, .index = idx, .flags = flags, .eax = a, .ebx = b, .ecx = c, .edx = d};
}

/* A table like KVM_GET_SUPPORTED_CPUID's on a host with PKU. */
static int setup(void **state)
{
	memset(&t, 0, sizeof(t));
	add(0, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
	add(1, 0, 0, 0xa10f11, 0, 0x00202000, 0x078bfbff);
	add(7, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 1, 0x01800002, 0x00000008, 0);
	add(7, 1, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0, 0, 0xffffffff, 0);
	add(0xd, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0x2e7, 0x988, 0x988, 0);
	add(0x40000000, 0, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
	add(0x40000001, 0, 0, 0x01007efb, 0, 0, 0);
	return 0;
}

static void test_find(void **state)
{
	assert_ptr_equal(cpuid_find(&t, 7, 0), &t.entries[2]);
	assert_ptr_equal(cpuid_find(&t, 7, 1), &t.entries[3]);
	assert_null(cpuid_find(&t, 7, 2));
	/* No significant index: any index matches. */
	assert_ptr_equal(cpuid_find(&t, 1, 5), &t.entries[1]);
	assert_null(cpuid_find(&t, 0x80000000, 0));
}

static void test_pku(void **state)
{
	assert_true(cpuid_has_pku(&t));
	assert_true(cpuid_has_pkru_xsave(&t));
	cpuid_find(&t, 7, 0)->ecx &= ~(1u << 3);
	cpuid_find(&t, 0xd, 0)->eax &= ~(1u << 9);
	assert_false(cpuid_has_pku(&t));
	assert_false(cpuid_has_pkru_xsave(&t));
	/* Leaf 7 subleaf 1 has bit 3 set: it must not count. */
	assert_int_equal(cpuid_find(&t, 7, 1)->ecx & 8, 8);
}

static void test_prepare(void **state)
{
	uint32_t n = t.head.nent;
	assert_int_equal(cpuid_prepare(&t, 2100000, true), 0);
	struct kvm_cpuid_entry2 *e = cpuid_find(&t, 1, 0);
	assert_int_equal(e->ecx & (1u << 31), 1u << 31);
	assert_int_equal(e->ecx & (1u << 24), 1u << 24);
	/* PKU as KVM gave it; OSPKE (bit 4) is not ours to set. */
	assert_int_equal(cpuid_find(&t, 7, 0)->ecx, 0x8);
	assert_int_equal(cpuid_find(&t, 0x40000000, 0)->eax, 0x40000010);
	assert_int_equal(cpuid_find(&t, 0x40000000, 0)->ebx, 0x4b4d564b); /* "KVMK" kept */
	e = cpuid_find(&t, 0x40000010, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, 2100000);
	assert_int_equal(e->ebx, 1000000);
	assert_int_equal(t.head.nent, n + 2); /* the timing and console leaves */

	/* Again: the same table, no second timing or console leaf. */
	assert_int_equal(cpuid_prepare(&t, 2100000, true), 0);
	assert_int_equal(t.head.nent, n + 2);
}

/* shoji's console leaf: its own block, its signature; KVM's block stays
 * KVM's for Linux's kvmclock. */
static void test_prepare_console_leaf(void **state)
{
	assert_int_equal(cpuid_prepare(&t, 0, false), 0);
	struct kvm_cpuid_entry2 *e = cpuid_find(&t, SHOJI_CPUID_HVCON, 0);
	assert_non_null(e);
	assert_int_equal(SHOJI_CPUID_HVCON & 0xff, 0); /* a block's base */
	assert_true(SHOJI_CPUID_HVCON > 0x400000ff);
	assert_int_equal(e->eax, SHOJI_CPUID_HVCON);
	char sig[13] = {0};
	memcpy(sig, &e->ebx, 4);
	memcpy(sig + 4, &e->ecx, 4);
	memcpy(sig + 8, &e->edx, 4);
	assert_string_equal(sig, "ShojiConsole");
	assert_int_equal(cpuid_find(&t, 0x40000000, 0)->ebx, 0x4b4d564b); /* "KVMK" */
	assert_int_equal(cpuid_find(&t, 0x40000000, 0)->eax, 0x40000001);
}

static void test_prepare_without_tsc(void **state)
{
	uint32_t n = t.head.nent;
	assert_int_equal(cpuid_prepare(&t, 0, false), 0);
	assert_int_equal(cpuid_find(&t, 1, 0)->ecx & (1u << 24), 0);
	assert_int_equal(cpuid_find(&t, 1, 0)->ecx & (1u << 31), 1u << 31);
	assert_int_equal(cpuid_find(&t, 0x40000000, 0)->eax, 0x40000001);
	assert_null(cpuid_find(&t, 0x40000010, 0));
	assert_int_equal(t.head.nent, n + 1); /* the console leaf */
}

static void test_prepare_adds_signature(void **state)
{
	cpuid_find(&t, 0x40000000, 0)->function = 0x12345; /* as if KVM gave none */
	assert_int_equal(cpuid_prepare(&t, 1000000, false), 0);
	struct kvm_cpuid_entry2 *e = cpuid_find(&t, 0x40000000, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, 0x40000010);
	char sig[13] = {0};
	memcpy(sig, &e->ebx, 4);
	memcpy(sig + 4, &e->ecx, 4);
	memcpy(sig + 8, &e->edx, 4);
	assert_string_equal(sig, "KVMKVMKVM");
	assert_non_null(cpuid_find(&t, 0x40000010, 0));
}

/* The PMU's leaves as KVM gives them: AMD's PerfCtrExtCore only within
 * 8000_0000h's maximum, Intel's leaf 0AH only within leaf 0's; and
 * cpuid_prepare passes them to the guest unchanged. */
static void test_pmu_leaves_amd(void **state)
{
	struct pmu_cpuid c;
	cpuid_pmu_leaves(&t, &c);
	assert_memory_equal(c.vendor, "AuthenticAMD", 12);
	assert_int_equal(c.leaf1_eax, 0xa10f11);
	assert_false(c.has_leaf_a);
	assert_false(c.has_ext1); /* no 8000_0000h leaf */
	add(0x80000001, 0, 0, 0, 0, 1u << 23, 0);
	cpuid_pmu_leaves(&t, &c);
	assert_false(c.has_ext1);
	add(0x80000000, 0, 0, 0x80000000, 0, 0, 0); /* a maximum below 8000_0001h */
	cpuid_pmu_leaves(&t, &c);
	assert_false(c.has_ext1);
	cpuid_find(&t, 0x80000000, 0)->eax = 0x80000021;
	cpuid_pmu_leaves(&t, &c);
	assert_true(c.has_ext1);
	assert_int_equal(c.ext1_ecx, 1u << 23);
	assert_int_equal(cpuid_prepare(&t, 0, false), 0);
	assert_int_equal(cpuid_find(&t, 0x80000001, 0)->ecx, 1u << 23);
}

static void test_pmu_leaves_intel(void **state)
{
	struct pmu_cpuid c;
	t.entries[0] = (struct kvm_cpuid_entry2){
	    .function = 0, .eax = 0x9, .ebx = 0x756e6547, .ecx = 0x6c65746e, .edx = 0x49656e69};
	add(0xa, 0, 0, 0x07300804, 0, 0, 0x603);
	cpuid_pmu_leaves(&t, &c);
	assert_memory_equal(c.vendor, "GenuineIntel", 12);
	assert_false(c.has_leaf_a); /* leaf 0 says 9 is the last */
	t.entries[0].eax = 0x1b;
	cpuid_pmu_leaves(&t, &c);
	assert_true(c.has_leaf_a);
	assert_int_equal(c.leaf_a[0], 0x07300804);
	assert_int_equal(c.leaf_a[3], 0x603);
	assert_int_equal(cpuid_prepare(&t, 1000000, true), 0);
	struct kvm_cpuid_entry2 *e = cpuid_find(&t, 0xa, 0);
	assert_int_equal(e->eax, 0x07300804);
	assert_int_equal(e->ebx, 0);
	assert_int_equal(e->edx, 0x603);
}

static void test_prepare_full(void **state)
{
	while (t.head.nent < CPUID_MAX_ENTRIES)
		add(0x80000000 + t.head.nent, 0, 0, 0, 0, 0, 0);
	assert_int_equal(cpuid_prepare(&t, 1000000, false), -ENOSPC);
	assert_int_equal(t.head.nent, CPUID_MAX_ENTRIES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_find, setup),
	    cmocka_unit_test_setup(test_pku, setup),
	    cmocka_unit_test_setup(test_prepare, setup),
	    cmocka_unit_test_setup(test_prepare_without_tsc, setup),
	    cmocka_unit_test_setup(test_prepare_console_leaf, setup),
	    cmocka_unit_test_setup(test_prepare_adds_signature, setup),
	    cmocka_unit_test_setup(test_prepare_full, setup),
	    cmocka_unit_test_setup(test_pmu_leaves_amd, setup),
	    cmocka_unit_test_setup(test_pmu_leaves_intel, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
