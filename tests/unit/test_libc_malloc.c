/* Unit tests for the task runtime's malloc family, over a fake page source on host mmap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

/*
 * malloc.c is compiled into this file with its functions (and the abort()
 * it calls on a bad header) renamed to shoji_*, as
 * tests/unit/test_libc_parse.c explains.  Its pages come from
 * rt_pages_map()/rt_pages_unmap() (guest/user/lib/runtime.h), which a
 * task gets from sys_map()/sys_unmap() (pages.c) and this file defines
 * over mmap, counting what is mapped and failing on request.  The fake
 * abort() jumps back into the test that expects it.
 */
#define malloc shoji_malloc
#define calloc shoji_calloc
#define realloc shoji_realloc
#define free shoji_free
#define abort shoji_abort
#include "../../guest/user/include/stdlib.h"
#include "../../guest/user/lib/malloc.c"
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef abort

static size_t mapped_bytes;	    /* what the heap holds from the fake */
static int maps_until_failure = -1; /* -1: never fail */
static jmp_buf abort_jump;
static int abort_expected;

void *rt_pages_map(size_t len)
{
	if (len % RT_PAGE)
		fail_msg("rt_pages_map(%zu): not whole pages", len);
	if (maps_until_failure == 0)
		return NULL;
	if (maps_until_failure > 0)
		maps_until_failure--;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	mapped_bytes += len;
	return p;
}

void rt_pages_unmap(void *addr, size_t len)
{
	if ((uintptr_t)addr % RT_PAGE || munmap(addr, len))
		fail_msg("rt_pages_unmap(%p, %zu): not a mapping", addr, len);
	mapped_bytes -= len;
}

_Noreturn void shoji_abort(void)
{
	if (!abort_expected)
		fail_msg("malloc.c called abort()");
	abort_expected = 0;
	longjmp(abort_jump, 1);
}

/* A live block of the model: where, how big, its fill byte. */
struct live {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

enum { SLOTS = 300 };
static struct live live[SLOTS];

static size_t random_size(void)
{
	switch (rand() % 8) {
	case 0:
		return 0;
	case 1:
		return (size_t)(rand() % 70000); /* big: a mapping of its own */
	case 2:
		return 4080 + (size_t)(rand() % 40); /* around the largest class */
	default:
		return (size_t)(rand() % 600);
	}
}

/* Every live block: 16-byte aligned, its bytes intact, and no two
 * overlapping (sorted by address, each ends before the next begins). */
static int by_address(const void *a, const void *b)
{
	const struct live *x = a, *y = b;
	return (x->p > y->p) - (x->p < y->p);
}

static void check_live(void)
{
	static struct live sorted[SLOTS];
	size_t n = 0;
	for (size_t i = 0; i < SLOTS; i++) {
		if (!live[i].p)
			continue;
		assert_int_equal((uintptr_t)live[i].p % 16, 0);
		for (size_t j = 0; j < live[i].size; j++)
			if (live[i].p[j] != live[i].fill)
				fail_msg("block %zu lost byte %zu", i, j);
		sorted[n++] = live[i];
	}
	qsort(sorted, n, sizeof(sorted[0]), by_address);
	for (size_t i = 1; i < n; i++)
		if (sorted[i - 1].p + sorted[i - 1].size > sorted[i].p)
			fail_msg("blocks at %p (%zu bytes) and %p overlap", (void *)sorted[i - 1].p,
				 sorted[i - 1].size, (void *)sorted[i].p);
}

/* Random malloc, calloc, realloc and free against the model. */
static void test_random_ops(void **state)
{
	srand(11);
	for (int op = 0; op < 30000; op++) {
		struct live *l = &live[rand() % SLOTS];
		size_t size = random_size();
		unsigned char fill = (unsigned char)(op | 1);
		switch (rand() % 4) {
		case 0:
			shoji_free(l->p);
			l->p = shoji_malloc(size);
			break;
		case 1:
			shoji_free(l->p);
			l->p = shoji_calloc(size, 1);
			assert_non_null(l->p);
			for (size_t j = 0; j < size; j++)
				assert_int_equal(l->p[j], 0);
			break;
		case 2: { /* realloc keeps the bytes both sizes hold */
			size_t keep = l->p ? (l->size < size ? l->size : size) : 0;
			l->p = shoji_realloc(l->p, size);
			assert_non_null(l->p);
			for (size_t j = 0; j < keep; j++)
				assert_int_equal(l->p[j], l->fill);
			break;
		}
		default:
			shoji_free(l->p);
			l->p = NULL;
			size = 0;
		}
		if (l->p) {
			memset(l->p, fill, size);
			l->size = size;
			l->fill = fill;
		}
		if (op % 500 == 0)
			check_live();
	}
	check_live();
	for (size_t i = 0; i < SLOTS; i++) {
		shoji_free(live[i].p);
		live[i].p = NULL;
	}
	/* Only the small-block chunks stay mapped: every big block went back. */
	assert_int_equal(mapped_bytes % CHUNK, 0);
}

/* Sizes whose arithmetic overflows are refused, the old block kept. */
static void test_overflow(void **state)
{
	assert_null(shoji_malloc(SIZE_MAX));
	assert_null(shoji_malloc(SIZE_MAX - 15));
	assert_null(shoji_calloc(SIZE_MAX / 2 + 1, 2));
	assert_null(shoji_calloc((size_t)1 << 32, (size_t)1 << 32));
	assert_null(shoji_calloc(SIZE_MAX, SIZE_MAX));
	char *p = shoji_malloc(10);
	assert_non_null(p);
	memcpy(p, "kept", 5);
	assert_null(shoji_realloc(p, SIZE_MAX));
	assert_string_equal(p, "kept");
	shoji_free(p);
	shoji_free(NULL);
	assert_non_null(p = shoji_calloc(0, 8)); /* a unique pointer, freeable */
	shoji_free(p);
}

/* When the kernel refuses memory, malloc returns NULL. */
static void test_out_of_memory(void **state)
{
	maps_until_failure = 0;
	assert_null(shoji_malloc(100000));
	/* Small blocks come from the current chunk while it lasts, then fail. */
	void *last = (void *)1;
	for (int i = 0; i < 100000 && last; i++)
		last = shoji_malloc(1000);
	assert_null(last);
	maps_until_failure = -1;
	assert_non_null(shoji_malloc(1000));
}

static void do_free(char *p)
{
	shoji_free(p);
}

static void do_realloc(char *p)
{
	shoji_realloc(p, 1000);
}

/* Whether @op(@p) ends in abort(); setjmp in a function of its own, so
 * that no caller's variable lives across the longjmp. */
static __attribute__((noinline)) int aborts(void (*op)(char *), char *p)
{
	abort_expected = 1;
	if (!setjmp(abort_jump))
		op(p);
	int aborted = !abort_expected;
	abort_expected = 0;
	return aborted;
}

/* A double free, a stray pointer and an overwritten header end in abort()
 * rather than a corrupt heap. */
static void test_corruption_aborts(void **state)
{
	char *p = shoji_malloc(40), *q = shoji_malloc(40), *big = shoji_malloc(100000);
	shoji_free(p);
	assert_true(aborts(do_free, p));
	assert_true(aborts(do_free, q + 16));
	memset(q - 8, 0x41, 8); /* an underflowing write over the check word */
	assert_true(aborts(do_realloc, q));
	memset(big - 16, 0, 8); /* a big block's size, zeroed */
	assert_true(aborts(do_free, big));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_ops),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_out_of_memory),
	    cmocka_unit_test(test_corruption_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
