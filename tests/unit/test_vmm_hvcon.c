/* Unit tests for shoji's console device's requests (vmm/hvcon.c): good ones, and hostile values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shoji/abi.h"

#include "../../vmm/hvcon.h"

#define RAM_SIZE (64u * 1024)
#define REQ_AT 0x100u /* where the tests put their request */

static uint8_t ram[RAM_SIZE];
static struct guest_mem mem;

static int setup(void **state)
{
	memset(ram, 0, sizeof(ram));
	guest_mem_wrap(&mem, ram, sizeof(ram));
	return 0;
}

/* A request at @at naming @len bytes at @addr with @flags. */
static void put_req(uint32_t at, uint64_t addr, uint32_t len, uint32_t flags)
{
	struct shoji_hvcon_req r = {.addr = addr, .len = len, .flags = flags};
	memcpy(ram + at, &r, sizeof(r));
}

/* The guest's 4-byte write of @at to the device's first port. */
static int submit(uint32_t at, struct hvcon_write *w, const char **why)
{
	uint8_t data[4];
	memcpy(data, &at, sizeof(data));
	*why = NULL;
	return hvcon_request(&mem, 0, data, sizeof(data), w, why);
}

static void refused(uint32_t at, const char *reason)
{
	struct hvcon_write w;
	const char *why;
	assert_int_equal(submit(at, &w, &why), -EINVAL);
	assert_non_null(why);
	assert_non_null(strstr(why, reason));
}

static void test_kernel_bytes(void **state)
{
	struct hvcon_write w;
	const char *why;
	memcpy(ram + 0x1000, "hello\n", 6);
	put_req(REQ_AT, 0x1000, 6, 0);
	assert_int_equal(submit(REQ_AT, &w, &why), 0);
	assert_ptr_equal(w.bytes, ram + 0x1000);
	assert_int_equal(w.len, 6);
	assert_false(w.task);
}

static void test_task_bytes(void **state)
{
	struct hvcon_write w;
	const char *why;
	put_req(REQ_AT, 0x2000, 3, SHOJI_HVCON_TASK);
	assert_int_equal(submit(REQ_AT, &w, &why), 0);
	assert_true(w.task);
	assert_int_equal(w.len, 3);
}

/* The edges of RAM: the last bytes and the last request are in it. */
static void test_edges_accepted(void **state)
{
	struct hvcon_write w;
	const char *why;
	put_req(RAM_SIZE - sizeof(struct shoji_hvcon_req), RAM_SIZE - 5, 5, 0);
	assert_int_equal(submit(RAM_SIZE - sizeof(struct shoji_hvcon_req), &w, &why), 0);
	assert_ptr_equal(w.bytes, ram + RAM_SIZE - 5);
	put_req(REQ_AT, 0x1000, SHOJI_HVCON_MAX, 0);
	assert_int_equal(submit(REQ_AT, &w, &why), 0);
	assert_int_equal(w.len, SHOJI_HVCON_MAX);
}

/* Nothing to write names no memory, at any address (as write(2)). */
static void test_empty(void **state)
{
	struct hvcon_write w;
	const char *why;
	put_req(REQ_AT, UINT64_MAX, 0, 0);
	assert_int_equal(submit(REQ_AT, &w, &why), 0);
	assert_int_equal(w.len, 0);
	assert_null(w.bytes);
}

/* Port accesses that are no request: other widths, other ports. */
static void test_bad_access(void **state)
{
	struct hvcon_write w;
	const char *why;
	uint8_t data[4];
	uint32_t at = REQ_AT;
	memcpy(data, &at, sizeof(data));
	put_req(REQ_AT, 0x1000, 1, 0); /* a good request: only the access is wrong */
	for (unsigned size = 1; size <= 2; size++)
		assert_int_equal(hvcon_request(&mem, 0, data, size, &w, &why), -EINVAL);
	for (uint16_t off = 1; off < SHOJI_HVCON_PORTS; off++)
		assert_int_equal(hvcon_request(&mem, off, data, 4, &w, &why), -EINVAL);
	assert_non_null(strstr(why, "4-byte write"));
}

static void test_request_outside_ram(void **state)
{
	refused(RAM_SIZE, "request is not in guest RAM");
	refused(RAM_SIZE - 8, "request is not in guest RAM"); /* straddles the end */
	refused(UINT32_MAX, "request is not in guest RAM");
	refused(UINT32_MAX - 15, "request is not in guest RAM");
}

static void test_bytes_outside_ram(void **state)
{
	put_req(REQ_AT, RAM_SIZE, 1, 0);
	refused(REQ_AT, "bytes are not in guest RAM");
	put_req(REQ_AT, RAM_SIZE - 4, 5, 0); /* one byte past the end */
	refused(REQ_AT, "bytes are not in guest RAM");
	put_req(REQ_AT, 1ull << 40, 1, 0);
	refused(REQ_AT, "bytes are not in guest RAM");
}

/* addr + len wraps around to a small number: still refused. */
static void test_bytes_wrap(void **state)
{
	put_req(REQ_AT, UINT64_MAX - 2, 16, 0);
	refused(REQ_AT, "bytes are not in guest RAM");
	put_req(REQ_AT, UINT64_MAX, 1, 0);
	refused(REQ_AT, "bytes are not in guest RAM");
	put_req(REQ_AT, (uint64_t)0 - SHOJI_HVCON_MAX, SHOJI_HVCON_MAX, 0);
	refused(REQ_AT, "bytes are not in guest RAM");
}

/* Over the cap, even where RAM would hold it. */
static void test_too_long(void **state)
{
	put_req(REQ_AT, 0x1000, SHOJI_HVCON_MAX + 1, 0);
	refused(REQ_AT, "longer than SHOJI_HVCON_MAX, 4096 bytes");
	put_req(REQ_AT, 0, UINT32_MAX, 0);
	refused(REQ_AT, "longer than");
	put_req(REQ_AT, UINT64_MAX, UINT32_MAX, SHOJI_HVCON_TASK);
	refused(REQ_AT, "longer than");
}

static void test_unknown_flags(void **state)
{
	put_req(REQ_AT, 0x1000, 1, 0x2);
	refused(REQ_AT, "unknown flags");
	put_req(REQ_AT, 0x1000, 1, 0x80000000u | SHOJI_HVCON_TASK);
	refused(REQ_AT, "unknown flags");
}

/* No RAM at all: nothing is in it. */
static void test_no_ram(void **state)
{
	guest_mem_wrap(&mem, NULL, 0);
	refused(0, "request is not in guest RAM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_kernel_bytes, setup),
	    cmocka_unit_test_setup(test_task_bytes, setup),
	    cmocka_unit_test_setup(test_edges_accepted, setup),
	    cmocka_unit_test_setup(test_empty, setup),
	    cmocka_unit_test_setup(test_bad_access, setup),
	    cmocka_unit_test_setup(test_request_outside_ram, setup),
	    cmocka_unit_test_setup(test_bytes_outside_ram, setup),
	    cmocka_unit_test_setup(test_bytes_wrap, setup),
	    cmocka_unit_test_setup(test_too_long, setup),
	    cmocka_unit_test_setup(test_unknown_flags, setup),
	    cmocka_unit_test_setup(test_no_ram, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
