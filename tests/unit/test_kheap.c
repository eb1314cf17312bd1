/* Unit tests for the kernel heap's size classes (guest/core/kheap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/kernel.h"

#define PAGE 4096u
#define MAX_PAGES 64

/* The page provider: aligned_alloc pages, at most `limit` of them, all
 * kept so that they can be checked against and freed at the end. */
struct provider {
	void *page[MAX_PAGES];
	unsigned n, limit;
};

static void *provide_page(void *ctx)
{
	struct provider *pv = ctx;
	if (pv->n == pv->limit)
		return 0;
	void *p = aligned_alloc(PAGE, PAGE);
	assert_non_null(p);
	pv->page[pv->n++] = p;
	return p;
}

struct fixture {
	struct provider pv;
	struct kheap h;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->pv.limit = MAX_PAGES;
	kheap_init(&f->h, provide_page, &f->pv);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	for (unsigned i = 0; i < f->pv.n; i++)
		free(f->pv.page[i]);
	free(f);
	return 0;
}

/* The page of the provider holding [p, p + len), or -1. */
static int page_of(const struct provider *pv, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	for (unsigned i = 0; i < pv->n; i++) {
		uintptr_t pg = (uintptr_t)pv->page[i];
		if (a >= pg && a + len <= pg + PAGE)
			return (int)i;
	}
	return -1;
}

static int class_index(size_t size)
{
	int c = 0;
	while (((size_t)16 << c) < size)
		c++;
	return c;
}

static void test_class_size(void **state)
{
	static const struct {
		size_t size, want;
	} cases[] = {
	    {0, 0},	  {1, 16},     {15, 16},     {16, 16},	    {17, 32},
	    {32, 32},	  {33, 64},    {100, 128},   {128, 128},    {129, 256},
	    {512, 512},	  {513, 1024}, {1024, 1024}, {1025, 2048},  {2047, 2048},
	    {2048, 2048}, {2049, 0},   {4096, 0},    {SIZE_MAX, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t got = kheap_class_size(cases[i].size);
		if (got != cases[i].want)
			fail_msg("kheap_class_size(%zu) = %zu, want %zu", cases[i].size, got,
				 cases[i].want);
	}
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return x < y ? -1 : x > y;
}

/* For each size: three pages' worth of objects, 16-byte aligned, inside
 * a provider page, disjoint, and each writable over its whole size. */
static void test_objects_aligned_disjoint_writable(void **state)
{
	static const size_t sizes[] = {1, 8, 16, 17, 48, 100, 256, 1000, 2048};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct fixture *f = *state;
		size_t size = sizes[s], cls = kheap_class_size(size);
		size_t n = 3 * PAGE / cls;
		void **obj = calloc(n, sizeof(*obj));
		assert_non_null(obj);

		for (size_t i = 0; i < n; i++) {
			obj[i] = kheap_alloc(&f->h, size);
			assert_non_null(obj[i]);
			assert_int_equal((uintptr_t)obj[i] % 16, 0);
			if (page_of(&f->pv, obj[i], cls) < 0)
				fail_msg("size %zu: object %zu at %p is not inside a page", size, i,
					 obj[i]);
			memset(obj[i], (int)(i & 0xff), size);
		}
		for (size_t i = 0; i < n; i++) {
			const unsigned char *b = obj[i];
			for (size_t k = 0; k < size; k++)
				if (b[k] != (i & 0xff))
					fail_msg("size %zu: object %zu byte %zu overwritten", size,
						 i, k);
		}
		qsort(obj, n, sizeof(*obj), cmp_ptr);
		for (size_t i = 1; i < n; i++)
			if ((uintptr_t)obj[i - 1] + cls > (uintptr_t)obj[i])
				fail_msg("size %zu: objects %p and %p overlap", size, obj[i - 1],
					 obj[i]);
		for (size_t i = 0; i < n; i++)
			kheap_free(&f->h, obj[i], size);
		free(obj);
	}
}

static void test_zero_and_too_large(void **state)
{
	struct fixture *f = *state;
	assert_null(kheap_alloc(&f->h, 0));
	assert_null(kheap_alloc(&f->h, 2049));
	assert_null(kheap_alloc(&f->h, PAGE));
	assert_null(kheap_alloc(&f->h, SIZE_MAX));
	assert_int_equal(f->h.pages, 0);
	assert_int_equal(f->pv.n, 0);
}

static void test_free_then_realloc_reuses(void **state)
{
	struct fixture *f = *state;
	void *a = kheap_alloc(&f->h, 40);
	void *b = kheap_alloc(&f->h, 40);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	kheap_free(&f->h, a, 40);
	assert_ptr_equal(kheap_alloc(&f->h, 33), a); /* same class, 64 */
	kheap_free(&f->h, b, 40);
	kheap_free(&f->h, a, 33);
	void *c = kheap_alloc(&f->h, 64);
	void *d = kheap_alloc(&f->h, 50);
	assert_true((c == a && d == b) || (c == b && d == a));
	assert_int_equal(f->h.pages, 1);
}

/* A page is taken only when the class's free list is empty. */
static void test_pages_grow_only_when_class_empty(void **state)
{
	struct fixture *f = *state;
	void *first[PAGE / 16];
	for (unsigned i = 0; i < PAGE / 16; i++) {
		first[i] = kheap_alloc(&f->h, 16);
		assert_non_null(first[i]);
		assert_int_equal(f->h.pages, 1);
	}
	void *extra = kheap_alloc(&f->h, 16);
	assert_non_null(extra);
	assert_int_equal(f->h.pages, 2);
	assert_int_equal(page_of(&f->pv, extra, 16), 1);

	/* Another class does not take from the 16-byte pages. */
	void *big = kheap_alloc(&f->h, 2048);
	assert_int_equal(f->h.pages, 3);
	void *big2 = kheap_alloc(&f->h, 2000);
	assert_int_equal(f->h.pages, 3);
	assert_int_equal(page_of(&f->pv, big, 2048), page_of(&f->pv, big2, 2048));

	/* Freed objects are used before any new page. */
	kheap_free(&f->h, first[7], 16);
	kheap_free(&f->h, first[200], 16);
	void *again1 = kheap_alloc(&f->h, 1);
	void *again2 = kheap_alloc(&f->h, 16);
	assert_true(again1 == first[7] || again1 == first[200]);
	assert_true(again2 == first[7] || again2 == first[200]);
	assert_ptr_not_equal(again1, again2);
	assert_int_equal(f->h.pages, 3);
	assert_int_equal(f->pv.n, 3);
}

static void test_provider_failure(void **state)
{
	struct fixture *f = *state;
	f->pv.limit = 0;
	assert_null(kheap_alloc(&f->h, 16));
	assert_int_equal(f->h.pages, 0);
	assert_int_equal(f->h.in_use[0], 0);

	f->pv.limit = 1;
	void *a = kheap_alloc(&f->h, 2048);
	void *b = kheap_alloc(&f->h, 1500);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(kheap_alloc(&f->h, 2048)); /* page full, provider empty */
	assert_null(kheap_alloc(&f->h, 16));   /* other class: needs a page too */
	assert_int_equal(f->h.pages, 1);
	assert_int_equal(f->h.in_use[class_index(2048)], 2);
	assert_int_equal(f->h.in_use[0], 0);

	kheap_free(&f->h, b, 1500);
	assert_ptr_equal(kheap_alloc(&f->h, 2048), b);
}

static void test_in_use_counters(void **state)
{
	struct fixture *f = *state;
	static const size_t sizes[] = {1, 16, 17, 64, 65, 200, 512, 1024, 2048};
	void *obj[sizeof(sizes) / sizeof(sizes[0])][3];

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int k = 0; k < 3; k++)
			obj[s][k] = kheap_alloc(&f->h, sizes[s]);
	/* 1 and 16 share class 0; 17 is class 1; 64 class 2; 65 class 3... */
	static const uint64_t want[KHEAP_CLASSES] = {6, 3, 3, 3, 3, 3, 3, 3};
	for (int c = 0; c < KHEAP_CLASSES; c++)
		if (f->h.in_use[c] != want[c])
			fail_msg("class %d: in_use %llu, want %llu", c,
				 (unsigned long long)f->h.in_use[c], (unsigned long long)want[c]);
	assert_int_equal(f->h.pages, KHEAP_CLASSES + 1); /* 3 of 2048 take 2 pages */

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int k = 0; k < 3; k++)
			kheap_free(&f->h, obj[s][k], sizes[s]);
	for (int c = 0; c < KHEAP_CLASSES; c++)
		assert_int_equal(f->h.in_use[c], 0);
	kheap_free(&f->h, 0, 16); /* freeing nothing changes nothing */
	assert_int_equal(f->h.in_use[0], 0);
	assert_int_equal(f->h.pages, KHEAP_CLASSES + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_class_size),
	    cmocka_unit_test_setup_teardown(test_objects_aligned_disjoint_writable, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_zero_and_too_large, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_free_then_realloc_reuses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pages_grow_only_when_class_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_provider_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_in_use_counters, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
