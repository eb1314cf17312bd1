/* Unit tests for the task runtime's qsort, bsearch and rand, against glibc. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Compiled in and renamed to shoji_*, as tests/unit/test_libc_parse.c
 * explains; the runtime's stdlib.h declares the renamed functions. */
#define qsort shoji_qsort
#define bsearch shoji_bsearch
#define rand shoji_rand
#define srand shoji_srand
#define strtol shoji_strtol
#define strtoll shoji_strtoll
#include "../../guest/user/include/stdlib.h"
#include "../../guest/user/lib/qsort.c"
#include "../../guest/user/lib/rand.c"
#include "../../guest/user/lib/stdlib.c"
#undef qsort
#undef bsearch
#undef rand
#undef srand
#undef strtol
#undef strtoll

/* stdlib.c's atoi and kin call strtol; test_libc_parse.c tests them. */
long shoji_strtol(const char *s, char **end, int base)
{
	return strtol(s, end, base);
}

long long shoji_strtoll(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}

static unsigned long compares;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	compares++;
	return (x > y) - (x < y);
}

/* A 20-byte record, compared by all its bytes: odd sizes take the byte
 * swap path, and the order is total, so both sorts agree byte for byte. */
struct rec {
	unsigned char b[20];
};

static int cmp_rec(const void *a, const void *b)
{
	compares++;
	return memcmp(a, b, sizeof(struct rec));
}

enum { N_MAX = 5000 };
static int ours[N_MAX], host[N_MAX];

/* Sorts the first @n of ours[] with the runtime and a copy with glibc:
 * the same result; and comparisons within 4 n log2 n + 4 n. */
static void check_sort(size_t n)
{
	memcpy(host, ours, n * sizeof(int));
	compares = 0;
	shoji_qsort(ours, n, sizeof(int), cmp_int);
	unsigned long mine = compares;
	qsort(host, n, sizeof(int), cmp_int);
	assert_memory_equal(ours, host, n * sizeof(int));
	unsigned long log2n = 1;
	while ((1UL << log2n) < n)
		log2n++;
	if (mine > 4 * n * log2n + 4 * n)
		fail_msg("qsort of %zu: %lu comparisons", n, mine);
}

/* Random arrays of many sizes and key ranges (duplicates included), and
 * the inputs that make naive quicksorts quadratic: sorted, reversed,
 * all equal, organ pipe, sawtooth. */
static void test_qsort_int(void **state)
{
	srand(3);
	for (int round = 0; round < 300; round++) {
		size_t n = (size_t)(rand() % (round < 200 ? 40 : N_MAX));
		int range = round % 3 == 0 ? 4 : INT_MAX;
		for (size_t i = 0; i < n; i++)
			ours[i] = rand() % range - range / 2;
		check_sort(n);
	}
	for (int shape = 0; shape < 5; shape++) {
		for (size_t i = 0; i < N_MAX; i++) {
			static const int pattern_len = 100;
			int v[] = {(int)i, (int)(N_MAX - i), 7,
				   (int)(i < N_MAX / 2 ? i : N_MAX - i), (int)(i % pattern_len)};
			ours[i] = v[shape];
		}
		check_sort(N_MAX);
	}
	ours[0] = INT_MIN;
	ours[1] = INT_MAX;
	check_sort(2);
	check_sort(0);
}

static void test_qsort_records(void **state)
{
	static struct rec a[1000], b[1000];
	srand(5);
	for (size_t i = 0; i < 1000; i++)
		for (size_t j = 0; j < sizeof(a[i].b); j++)
			a[i].b[j] = (unsigned char)(j < 18 ? rand() % 3 : rand());
	memcpy(b, a, sizeof(a));
	shoji_qsort(a, 1000, sizeof(a[0]), cmp_rec);
	qsort(b, 1000, sizeof(b[0]), cmp_rec);
	assert_memory_equal(a, b, sizeof(a));
}

static void test_bsearch(void **state)
{
	enum { N = 1000 };
	static int v[N];
	for (int i = 0; i < N; i++)
		v[i] = 2 * i;
	for (size_t n = 0; n <= 9; n++)
		for (int key = -1; key <= 2 * (int)n; key++)
			assert_ptr_equal(shoji_bsearch(&key, v, n, sizeof(int), cmp_int),
					 bsearch(&key, v, n, sizeof(int), cmp_int));
	for (int key = -3; key < 2 * N + 3; key++)
		assert_ptr_equal(shoji_bsearch(&key, v, N, sizeof(int), cmp_int),
				 bsearch(&key, v, N, sizeof(int), cmp_int));
}

/* Not glibc's sequence (docs/task-runtime.md), so the properties C
 * gives: within 0..RAND_MAX, srand(s) repeats the sequence, srand(1) is
 * the unseeded one; and buckets evenly filled, for a fixed seed. */
static void test_rand(void **state)
{
	static int first[100];
	for (int i = 0; i < 100; i++)
		first[i] = shoji_rand();
	shoji_srand(1);
	for (int i = 0; i < 100; i++)
		assert_int_equal(shoji_rand(), first[i]);
	shoji_srand(12345);
	int a = shoji_rand();
	shoji_srand(12345);
	assert_int_equal(shoji_rand(), a);
	shoji_srand(0);
	unsigned buckets[16] = {0};
	for (int i = 0; i < 160000; i++) {
		int r = shoji_rand();
		assert_true(r >= 0 && r <= RAND_MAX);
		buckets[r >> 27]++;
	}
	for (int i = 0; i < 16; i++)
		assert_true(buckets[i] > 9000 && buckets[i] < 11000);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qsort_int),
	    cmocka_unit_test(test_qsort_records),
	    cmocka_unit_test(test_bsearch),
	    cmocka_unit_test(test_rand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
