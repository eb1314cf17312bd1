/* Unit tests for protection-key allocation (isolation/keys.c) and PKRU values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../isolation/isolation.h"

/* A set with every allocatable key taken: 1..15 in order. */
static void fill(struct pkey_set *s)
{
	pkey_set_init(s);
	for (int k = 1; k < PKEYS; k++)
		assert_int_equal(pkey_alloc(s), k);
}

static void test_init(void **state)
{
	struct pkey_set s;
	memset(&s, 0xff, sizeof(s)); /* init over garbage */
	pkey_set_init(&s);
	assert_int_equal(s.used, 1); /* key 0 taken, nothing else */
	assert_int_equal(pkey_count(&s), 0);
}

static void test_alloc_in_order_then_full(void **state)
{
	struct pkey_set s;
	pkey_set_init(&s);
	for (int k = 1; k < PKEYS; k++) {
		assert_int_equal(pkey_alloc(&s), k);
		assert_int_equal(pkey_count(&s), k);
		assert_true(s.used & (1u << k));
		assert_true(s.used & 1u);
	}
	assert_int_equal(s.used, 0xffff);
	assert_int_equal(pkey_count(&s), 15);

	/* Full: -1, and it stays full. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pkey_alloc(&s), -1);
		assert_int_equal(s.used, 0xffff);
		assert_int_equal(pkey_count(&s), 15);
	}
}

static void test_free_and_reuse_lowest(void **state)
{
	struct pkey_set s;
	fill(&s);

	assert_int_equal(pkey_free(&s, 7), 0);
	assert_int_equal(pkey_count(&s), 14);
	assert_false(s.used & (1u << 7));
	assert_int_equal(pkey_free(&s, 3), 0);
	assert_int_equal(pkey_free(&s, 12), 0);
	assert_int_equal(pkey_count(&s), 12);

	/* Lowest free first: 3, 7, 12, then full again. */
	assert_int_equal(pkey_alloc(&s), 3);
	assert_int_equal(pkey_alloc(&s), 7);
	assert_int_equal(pkey_alloc(&s), 12);
	assert_int_equal(pkey_alloc(&s), -1);
	assert_int_equal(pkey_count(&s), 15);

	/* Key 1 and key 15, the edges. */
	assert_int_equal(pkey_free(&s, 15), 0);
	assert_int_equal(pkey_alloc(&s), 15);
	assert_int_equal(pkey_free(&s, 1), 0);
	assert_int_equal(pkey_free(&s, 15), 0);
	assert_int_equal(pkey_alloc(&s), 1);
	assert_int_equal(pkey_alloc(&s), 15);

	/* Free everything, then it allocates from 1 again. */
	for (int k = 1; k < PKEYS; k++)
		assert_int_equal(pkey_free(&s, k), 0);
	assert_int_equal(pkey_count(&s), 0);
	assert_int_equal(s.used, 1);
	assert_int_equal(pkey_alloc(&s), 1);
}

/* Every kind of bad free: -1, and the set is unchanged. */
static void test_free_refused(void **state)
{
	static const int bad[] = {0, 16, 17, 31, 32, 64, 1000, -1, -2, -16, -32, INT32_MIN};
	struct pkey_set s;
	pkey_set_init(&s);
	assert_int_equal(pkey_alloc(&s), 1);
	assert_int_equal(pkey_alloc(&s), 2);
	assert_int_equal(pkey_alloc(&s), 3);
	assert_int_equal(pkey_free(&s, 2), 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint16_t before = s.used;
		assert_int_equal(pkey_free(&s, bad[i]), -1);
		assert_int_equal(s.used, before);
		assert_int_equal(pkey_count(&s), 2);
	}

	/* Not taken: the one just freed, and ones never allocated. */
	static const int untaken[] = {2, 4, 9, 15};
	for (size_t i = 0; i < sizeof(untaken) / sizeof(untaken[0]); i++) {
		uint16_t before = s.used;
		assert_int_equal(pkey_free(&s, untaken[i]), -1);
		assert_int_equal(s.used, before);
		assert_int_equal(pkey_count(&s), 2);
	}

	/* Key 0 stays taken even in a full set, and stays refused. */
	fill(&s);
	assert_int_equal(pkey_free(&s, 0), -1);
	assert_int_equal(s.used, 0xffff);
	assert_int_equal(pkey_count(&s), 15);

	/* A double free is refused the second time. */
	assert_int_equal(pkey_free(&s, 5), 0);
	assert_int_equal(pkey_free(&s, 5), -1);
	assert_int_equal(pkey_count(&s), 14);
	assert_int_equal(pkey_alloc(&s), 5);
}

/* pkey_count follows the set bits 1..15, never key 0. */
static void test_count(void **state)
{
	struct pkey_set s;
	for (unsigned bits = 0; bits < 0x10000; bits++) {
		s.used = (uint16_t)bits;
		unsigned want = 0;
		for (unsigned k = 1; k < PKEYS; k++)
			want += (bits >> k) & 1;
		assert_int_equal(pkey_count(&s), want);
	}
}

static void test_pkru_bits(void **state)
{
	uint32_t all = 0;
	for (unsigned k = 0; k < PKEYS; k++) {
		assert_int_equal(PKRU_AD(k), (uint32_t)1 << (2 * k));
		assert_int_equal(PKRU_WD(k), (uint32_t)1 << (2 * k + 1));
		assert_int_equal(PKRU_AD(k) & PKRU_WD(k), 0);
		assert_int_equal(all & (PKRU_AD(k) | PKRU_WD(k)), 0); /* disjoint keys */
		all |= PKRU_AD(k) | PKRU_WD(k);
	}
	assert_int_equal(all, PKRU_DENY_ALL);
	assert_int_equal(PKRU_DENY_ALL, 0xffffffffu);
	assert_int_equal(PKRU_AD(0), 0x1);
	assert_int_equal(PKRU_WD(0), 0x2);
	assert_int_equal(PKRU_AD(1), 0x4);
	assert_int_equal(PKRU_WD(1), 0x8);
	assert_int_equal(PKRU_AD(15), 0x40000000u);
	assert_int_equal(PKRU_WD(15), 0x80000000u);
}

static void test_pkru_only(void **state)
{
	for (unsigned k = 0; k < PKEYS; k++) {
		uint32_t v = pkru_only(k);
		for (unsigned j = 0; j < PKEYS; j++) {
			bool ad = v & PKRU_AD(j), wd = v & PKRU_WD(j);
			if (j == k) {
				if (ad || wd)
					fail_msg("pkru_only(%u) = %#x denies its own key", k, v);
			} else if (!ad || !wd) {
				fail_msg("pkru_only(%u) = %#x lets key %u through", k, v, j);
			}
		}
		assert_int_equal(v, 0xffffffffu ^ (3u << (2 * k)));
		assert_int_equal(__builtin_popcount(v), 30);
		if (k != 0)
			assert_int_equal(v & 3u, 3u); /* key 0 denied to every task */
	}
	assert_int_equal(pkru_only(0), 0xfffffffcu);
	assert_int_equal(pkru_only(1), 0xfffffff3u);
	assert_int_equal(pkru_only(15), 0x3fffffffu);
}

/* Every key handed out gives a PKRU that admits that key alone. */
static void test_alloc_gives_usable_pkru(void **state)
{
	struct pkey_set s;
	pkey_set_init(&s);
	int k;
	while ((k = pkey_alloc(&s)) >= 0) {
		assert_true(k >= 1 && k < PKEYS);
		uint32_t v = pkru_only((unsigned)k);
		assert_int_equal(~v, PKRU_AD(k) | PKRU_WD(k));
		assert_int_equal(v & (PKRU_AD(0) | PKRU_WD(0)), PKRU_AD(0) | PKRU_WD(0));
	}
	assert_int_equal(pkey_count(&s), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),
	    cmocka_unit_test(test_alloc_in_order_then_full),
	    cmocka_unit_test(test_free_and_reuse_lowest),
	    cmocka_unit_test(test_free_refused),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_pkru_bits),
	    cmocka_unit_test(test_pkru_only),
	    cmocka_unit_test(test_alloc_gives_usable_pkru),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
