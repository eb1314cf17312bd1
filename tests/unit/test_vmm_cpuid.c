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

/* KVM's leaves as an Intel host with SMT gives them: host topology that must go. */
static void add_host_topology(void)
{
	add(4, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0x1c004121, 0, 0, 0); /* L1d, 8 cores */
	add(4, 1, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0x1c004143, 0, 0, 0); /* L2 */
	add(4, 2, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0x1c03c163, 0, 0, 0); /* L3, 16 sharing */
	add(4, 3, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0, 0, 0, 0);		 /* no more */
	add(0xb, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 1, 2, 0x100, 7);
	add(0xb, 1, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 4, 16, 0x201, 7);
	add(0xb, 2, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0, 0, 2, 7);
	add(0x80000008, 0, 0, 0x3030, 0, 0, 0);
	cpuid_find(&t, 1, 0)->ebx = 0x07100800; /* host APIC ID 7, 16 logical, CLFLUSH 8 */
}

static void check_topology(uint32_t apic_id, unsigned ncpus, unsigned shift)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(&t, 1, 0);
	assert_int_equal(e->ebx, apic_id << 24 | (ncpus > 1 ? ncpus << 16 : 0) | 0x0800);
	assert_int_equal(!!(e->edx & (1u << 28)), ncpus > 1);
	static const uint32_t sharing[] = {0, 0, 1};
	for (uint32_t i = 0; i < 3; i++) {
		e = cpuid_find(&t, 4, i);
		assert_int_equal(e->eax >> 26, ncpus - 1);
		assert_int_equal((e->eax >> 14) & 0xfff, sharing[i] * (ncpus - 1));
		assert_int_equal(e->eax & 0x3fff, i == 2 ? 0x163 : (i ? 0x143 : 0x121));
	}
	assert_int_equal(cpuid_find(&t, 4, 3)->eax, 0);
	e = cpuid_find(&t, 0xb, 0);
	assert_int_equal(e->eax, 0);
	assert_int_equal(e->ebx, 1);
	assert_int_equal(e->ecx, 0x100);
	assert_int_equal(e->edx, apic_id);
	e = cpuid_find(&t, 0xb, 1);
	assert_int_equal(e->eax, shift);
	assert_int_equal(e->ebx, ncpus);
	assert_int_equal(e->ecx, 0x201);
	assert_int_equal(e->edx, apic_id);
	e = cpuid_find(&t, 0xb, 2);
	assert_int_equal(e->eax | e->ebx, 0);
	assert_int_equal(e->ecx, 2);
	assert_null(cpuid_find(&t, 0xb, 3));
	assert_null(cpuid_find(&t, 0x1f, 0)); /* KVM gave none: none added */
}

static void test_topology(void **state)
{
	add_host_topology();
	struct kvm_cpuid_entry2 *v = cpuid_find(&t, 0, 0);
	memcpy(&v->ebx, "Genu", 4);
	memcpy(&v->edx, "ineI", 4);
	memcpy(&v->ecx, "ntel", 4);
	struct cpuid_table base = t;
	static const struct {
		uint32_t apic_id;
		unsigned ncpus, shift;
	} cases[] = {{0, 1, 0}, {0, 2, 1}, {1, 2, 1}, {3, 4, 2}, {4, 5, 3}, {63, 64, 6}};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = base;
		assert_int_equal(cpuid_set_topology(&t, cases[i].apic_id, cases[i].ncpus), 0);
		check_topology(cases[i].apic_id, cases[i].ncpus, cases[i].shift);
		/* Intel: AMD's leaf is not touched. */
		assert_int_equal(cpuid_find(&t, 0x80000008, 0)->ecx, 0);
	}
	t = base;
	assert_int_equal(cpuid_set_topology(&t, 0, 0), -EINVAL);
	assert_int_equal(cpuid_set_topology(&t, 2, 2), -EINVAL);
	assert_int_equal(cpuid_set_topology(&t, 0, 65), -EINVAL);
}

/* AMD (the rig's): NC and ApicIdSize in 0x80000008; 0x1F rewritten when KVM gives it. */
static void test_topology_amd(void **state)
{
	add_host_topology();
	add(0x1f, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 1, 2, 0x100, 7);
	add(0x1f, 1, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 4, 16, 0x201, 7);
	struct kvm_cpuid_entry2 *v = cpuid_find(&t, 0, 0);
	memcpy(&v->ebx, "Auth", 4);
	memcpy(&v->edx, "enti", 4);
	memcpy(&v->ecx, "cAMD", 4);
	cpuid_find(&t, 0x80000008, 0)->ecx = 0x1700f; /* host: 16 cores; bit 16 not ours */
	assert_int_equal(cpuid_set_topology(&t, 2, 3), 0);
	assert_int_equal(cpuid_find(&t, 0x80000008, 0)->ecx, 0x10000 | 2 << 12 | 2);
	assert_int_equal(cpuid_find(&t, 0x1f, 1)->ebx, 3);
	assert_int_equal(cpuid_find(&t, 0x1f, 1)->edx, 2);
	assert_int_equal(cpuid_find(&t, 0x1f, 2)->ecx, 2);
}

/* Full table: the rewritten 0xB subleaves need room. */
static void test_topology_full(void **state)
{
	add_host_topology();
	while (t.head.nent < CPUID_MAX_ENTRIES)
		add(0x80000100 + t.head.nent, 0, 0, 0, 0, 0, 0);
	/* 0xB's three subleaves are removed and three are added: they fit. */
	assert_int_equal(cpuid_set_topology(&t, 1, 2), 0);
	assert_int_equal(cpuid_find(&t, 0xb, 1)->ebx, 2);
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
	    cmocka_unit_test_setup(test_topology, setup),
	    cmocka_unit_test_setup(test_topology_amd, setup),
	    cmocka_unit_test_setup(test_topology_full, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
