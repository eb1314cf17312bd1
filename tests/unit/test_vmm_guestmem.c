/* Unit tests for the guest-memory accessor (vmm/guest_mem.c): bounds and overflow. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../vmm/guest_mem.h"

static uint8_t buf[64 * 1024];

static void test_in_range(void **state)
{
	struct guest_mem m;
	guest_mem_wrap(&m, buf, sizeof(buf));
	assert_ptr_equal(guest_ptr(&m, 0, 1), buf);
	assert_ptr_equal(guest_ptr(&m, 0x100, 0x200), buf + 0x100);
	assert_ptr_equal(guest_ptr(&m, 0, sizeof(buf)), buf);
	assert_ptr_equal(guest_ptr(&m, sizeof(buf) - 1, 1), buf + sizeof(buf) - 1);
	/* An empty range at the very end is valid (one past the end). */
	assert_ptr_equal(guest_ptr(&m, sizeof(buf), 0), buf + sizeof(buf));
}

static void test_out_of_range(void **state)
{
	struct guest_mem m;
	guest_mem_wrap(&m, buf, sizeof(buf));
	assert_null(guest_ptr(&m, sizeof(buf), 1));
	assert_null(guest_ptr(&m, sizeof(buf) - 1, 2));
	assert_null(guest_ptr(&m, 0, sizeof(buf) + 1));
	assert_null(guest_ptr(&m, sizeof(buf) + 1, 0));
	assert_null(guest_ptr(&m, 0x1000000, 16));
}

static void test_overflow(void **state)
{
	struct guest_mem m;
	guest_mem_wrap(&m, buf, sizeof(buf));
	/* gpa + len wraps to a small number: must still be refused. */
	assert_null(guest_ptr(&m, 16, UINT64_MAX));
	assert_null(guest_ptr(&m, UINT64_MAX, 2));
	assert_null(guest_ptr(&m, UINT64_MAX - 15, 32));
	assert_null(guest_ptr(&m, 1, UINT64_MAX - 0x10));
}

static void test_no_memory(void **state)
{
	struct guest_mem m = {0};
	assert_null(guest_ptr(&m, 0, 0));
	guest_mem_free(&m); /* safe on nothing */
}

static void test_alloc_sizes(void **state)
{
	struct guest_mem m = {0};
	assert_int_equal(guest_mem_alloc(&m, 0), -EINVAL);
	assert_int_equal(guest_mem_alloc(&m, 4096 + 1), -EINVAL);
	assert_int_equal(guest_mem_alloc(&m, GUEST_MEM_MAX + 4096), -EINVAL);
	assert_null(m.host);
}

static void test_alloc_and_resident(void **state)
{
	struct guest_mem m = {0};
	assert_int_equal(guest_mem_alloc(&m, 4 << 20), 0);
	assert_non_null(m.host);
	assert_int_equal(m.size, 4 << 20);
	uint64_t before = guest_mem_resident(&m);
	for (int i = 0; i < 3; i++)
		*(uint8_t *)guest_ptr(&m, (uint64_t)i << 20, 1) = 1;
	uint64_t after = guest_mem_resident(&m);
	assert_true(after >= before + 3 * GUEST_PAGE_SIZE);
	assert_true(after <= m.size);
	assert_null(guest_ptr(&m, 4 << 20, 1));
	guest_mem_free(&m);
	assert_null(m.host);
	guest_mem_free(&m); /* twice is fine */
}

static void test_wrapped_not_resident(void **state)
{
	struct guest_mem m;
	guest_mem_wrap(&m, buf, sizeof(buf));
	assert_int_equal(guest_mem_resident(&m), 0); /* only mapped RAM is measured */
	guest_mem_free(&m);			     /* leaves the buffer alone */
	buf[0] = 1;
}

/* Fresh mapped RAM is known zero until a write is recorded; a wrapped
 * buffer never is. */
static void test_known_zero(void **state)
{
	struct guest_mem m = {0};
	assert_int_equal(guest_mem_alloc(&m, 1 << 20), 0);
	assert_true(guest_mem_is_zero(&m, 0, m.size));
	assert_false(guest_mem_is_zero(&m, 0, m.size + 1)); /* outside RAM */
	assert_false(guest_mem_is_zero(&m, 16, UINT64_MAX));
	guest_mem_written(&m, 0x3000, 0x1000);
	assert_false(guest_mem_is_zero(&m, 0, m.size));
	assert_false(guest_mem_is_zero(&m, 0x3fff, 1));
	assert_false(guest_mem_is_zero(&m, 0x2000, 0x1001));
	assert_true(guest_mem_is_zero(&m, 0x2000, 0x1000)); /* just below */
	assert_true(guest_mem_is_zero(&m, 0x4000, 0x1000)); /* just above */
	guest_mem_written(&m, 0x8000, 0x1000);		    /* the span covers the gap too */
	assert_false(guest_mem_is_zero(&m, 0x5000, 0x1000));
	assert_true(guest_mem_is_zero(&m, 0x9000, m.size - 0x9000));
	guest_mem_written(&m, 0x9000, UINT64_MAX); /* clamped to the end of RAM */
	assert_false(guest_mem_is_zero(&m, m.size - 1, 1));
	assert_true(guest_mem_is_zero(&m, 0, 0x3000));
	guest_mem_free(&m);

	guest_mem_wrap(&m, buf, sizeof(buf));
	assert_false(guest_mem_is_zero(&m, 0, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_range),
	    cmocka_unit_test(test_out_of_range),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_no_memory),
	    cmocka_unit_test(test_alloc_sizes),
	    cmocka_unit_test(test_alloc_and_resident),
	    cmocka_unit_test(test_wrapped_not_resident),
	    cmocka_unit_test(test_known_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
