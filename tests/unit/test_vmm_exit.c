/* Unit tests for the exit port's contract (vmm/exit_value.c): only a guest status ends as one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shoji/abi.h"

#include "../../vmm/exit_value.h"
#include "../../vmm/vmm.h"

static int status(uint16_t offset, uint32_t v, unsigned size, char *msg)
{
	uint8_t data[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	msg[0] = 0;
	return exit_value_status(offset, data, size, msg, 200);
}

static void test_guest_statuses(void **state)
{
	char msg[200];
	for (uint32_t v = SHOJI_EXIT_OK; v <= SHOJI_EXIT_REFUSED; v++) {
		assert_int_equal(status(0, v, 1, msg), (int)v);
		assert_string_equal(msg, "");
	}
}

/* Every other byte is refused: none can pose as shoji's own statuses. */
static void test_other_bytes(void **state)
{
	char msg[200];
	for (uint32_t v = SHOJI_EXIT_REFUSED + 1; v <= 0xff; v++)
		assert_int_equal(status(0, v, 1, msg), SHOJI_STATUS_BAD_EXIT);
	assert_int_equal(status(0, SHOJI_STATUS_TIMEOUT, 1, msg), SHOJI_STATUS_BAD_EXIT);
	assert_string_equal(msg, "shoji: the guest wrote 0x7c (1 byte) to port 0xf4: the exit port "
				 "takes one byte, 0..3, at port 0xf4");
}

/* Wider writes: 0x100's low byte is 0, which used to end as success. */
static void test_other_widths(void **state)
{
	char msg[200];
	assert_int_equal(status(0, 0x100, 2, msg), SHOJI_STATUS_BAD_EXIT);
	assert_string_equal(msg, "shoji: the guest wrote 0x100 (2 bytes) to port 0xf4: the exit "
				 "port takes one byte, 0..3, at port 0xf4");
	assert_int_equal(status(0, 0, 2, msg), SHOJI_STATUS_BAD_EXIT);
	assert_int_equal(status(0, 0, 4, msg), SHOJI_STATUS_BAD_EXIT);
	assert_int_equal(status(0, 0xffffffff, 4, msg), SHOJI_STATUS_BAD_EXIT);
	assert_non_null(strstr(msg, "0xffffffff (4 bytes)"));
}

/* The other three ports of the four claimed. */
static void test_other_ports(void **state)
{
	char msg[200];
	for (uint16_t off = 1; off < 4; off++)
		assert_int_equal(status(off, 0, 1, msg), SHOJI_STATUS_BAD_EXIT);
	assert_non_null(strstr(msg, "to port 0xf7"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_guest_statuses),
	    cmocka_unit_test(test_other_bytes),
	    cmocka_unit_test(test_other_widths),
	    cmocka_unit_test(test_other_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
