/* Unit tests for the page-table entry layout (guest/arch/x86_64/pte.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "arch/x86_64/pte.h"

#define FLAGS (PTE_P | PTE_W | PTE_U | PTE_A | PTE_D | PTE_G)

static const uint64_t addrs[] = {
    0x0,
    0x1000,
    0x123456789000,
    0x000ffffffffff000, /* the highest 4 KiB frame of a 52-bit address */
    0x0007fffffffff000,
};

/* The key is in bits 62:59 (SDM Vol. 3A 4.6.2) and touches nothing else. */
static void test_pkey_field_every_key(void **state)
{
	for (size_t a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++) {
		for (unsigned k = 0; k < 16; k++) {
			uint64_t e = pte_make(addrs[a], FLAGS, k);
			assert_int_equal(pte_pkey(e), k);
			assert_int_equal((e >> 59) & 0xf, k);
			assert_int_equal(pte_addr(e), addrs[a]);
			assert_int_equal(e & PTE_NX, 0);
			assert_int_equal(e & 0xfff, FLAGS);
			assert_int_equal(e, addrs[a] | FLAGS | (uint64_t)k << 59);

			uint64_t nx = pte_make(addrs[a], FLAGS | PTE_NX, k);
			assert_int_equal(nx, e | PTE_NX);
			assert_int_equal(pte_pkey(nx), k);
		}
	}
}

/* Only the low four bits of a key are kept: key 16 is key 0. */
static void test_pkey_masked(void **state)
{
	assert_int_equal(pte_make(0x5000, PTE_P, 16), 0x5000 | PTE_P);
	assert_int_equal(pte_make(0x5000, PTE_P, 0x1f), 0x5000 | PTE_P | (uint64_t)15 << 59);
	assert_int_equal(pte_make(0x5000, PTE_P, ~0u) & PTE_NX, 0);
	assert_int_equal(pte_pkey(pte_make(0x5000, PTE_P, ~0u)), 15);
}

static void test_flags_never_corrupt_address(void **state)
{
	for (size_t a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++) {
		for (unsigned k = 0; k < 16; k += 5) {
			/* Every bit set in flags: address and key still win. */
			uint64_t e = pte_make(addrs[a], ~0ull, k);
			assert_int_equal(pte_addr(e), addrs[a]);
			assert_int_equal(pte_pkey(e), k);
			assert_true(e & PTE_NX);
			assert_int_equal(e & 0xfff, 0xfff);
		}
	}
	/* Flags carrying key bits do not set a key. */
	assert_int_equal(pte_pkey(pte_make(0x1000, PTE_PKEY_MASK | PTE_P, 0)), 0);
	/* Address bits outside 51:12 are dropped, not turned into flags,
	 * a key or NX. */
	assert_int_equal(pte_make(0x1234567, 0, 0), 0x1234000);
	assert_int_equal(pte_make(0xfff0000000001000, 0, 0), 0x1000);
	assert_int_equal(pte_make(~0ull, 0, 0), PTE_ADDR_MASK);
	assert_int_equal(pte_addr(~0ull), PTE_ADDR_MASK);
	assert_int_equal(pte_pkey(~0ull), 15);
}

static void test_layout_constants(void **state)
{
	assert_int_equal(PTE_PKEY_MASK, 0x7800000000000000ull);
	assert_int_equal(PTE_NX, 0x8000000000000000ull);
	assert_int_equal(PTE_ADDR_MASK, 0x000ffffffffff000ull);
	assert_int_equal(PTE_P | PTE_W | PTE_U | PTE_PS, 0x87);
	assert_int_equal(PAGE_SIZE, 4096);
	assert_int_equal(LARGE_PAGE_SIZE, 2 * 1024 * 1024);
}

static void test_pt_index(void **state)
{
	static const struct {
		uint64_t va;
		unsigned pml4, pdpt, pd, pt;
	} cases[] = {
	    {0x0, 0, 0, 0, 0},
	    {0xfff, 0, 0, 0, 0},
	    {0x1000, 0, 0, 0, 1},
	    {0x200000, 0, 0, 1, 0},
	    {0x40000000, 0, 1, 0, 0},
	    {0x8000000000, 1, 0, 0, 0},
	    {0x00007ffffffff000, 255, 511, 511, 511},
	    {0xffff800000000000, 256, 0, 0, 0},
	    {0xffffffff80000000, 511, 510, 0, 0},
	    {0xffffffff80100000, 511, 510, 0, 256},
	    {0xffffffffffe00000, 511, 511, 511, 0},
	    {0xfffffffffffff000, 511, 511, 511, 511},
	    {(3ull << 39) | (5ull << 30) | (7ull << 21) | (9ull << 12) | 0xabc, 3, 5, 7, 9},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t va = cases[i].va;
		unsigned got[4] = {pt_index(va, 4), pt_index(va, 3), pt_index(va, 2),
				   pt_index(va, 1)};
		unsigned want[4] = {cases[i].pml4, cases[i].pdpt, cases[i].pd, cases[i].pt};
		for (int l = 0; l < 4; l++)
			if (got[l] != want[l])
				fail_msg("pt_index(%#llx, %d) = %u, want %u",
					 (unsigned long long)va, 4 - l, got[l], want[l]);
	}
}

static void test_va_canonical(void **state)
{
	static const struct {
		uint64_t va;
		int canonical;
	} cases[] = {
	    {0x0, 1},
	    {0x00007fffffffffff, 1},
	    {0x0000800000000000, 0},
	    {0x0000ffffffffffff, 0},
	    {0x0001000000000000, 0},
	    {0x7fffffffffffffff, 0},
	    {0x8000000000000000, 0},
	    {0xfffe800000000000, 0},
	    {0xffff7fffffffffff, 0},
	    {0xffff800000000000, 1},
	    {0xffffffff80000000, 1},
	    {0xffffffffffffffff, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!va_canonical(cases[i].va) != !cases[i].canonical)
			fail_msg("va_canonical(%#llx) = %d, want %d",
				 (unsigned long long)cases[i].va, va_canonical(cases[i].va),
				 cases[i].canonical);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pkey_field_every_key),
	    cmocka_unit_test(test_pkey_masked),
	    cmocka_unit_test(test_flags_never_corrupt_address),
	    cmocka_unit_test(test_layout_constants),
	    cmocka_unit_test(test_pt_index),
	    cmocka_unit_test(test_va_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
