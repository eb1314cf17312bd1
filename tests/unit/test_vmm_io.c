/* Unit tests for port and MMIO dispatch (vmm/io.c): registration rules and unclaimed accesses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../vmm/io.h"

static struct io_bus bus;

struct seen {
	int calls;
	uint16_t offset;
	bool write;
	unsigned size;
	uint8_t value;
	int result;
};

static int handler(void *ctx, uint16_t offset, bool write, uint8_t *data, unsigned size)
{
	struct seen *s = ctx;
	s->calls++;
	s->offset = offset;
	s->write = write;
	s->size = size;
	if (write)
		s->value = data[0];
	else
		data[0] = 0x42;
	return s->result;
}

static void test_register(void **state)
{
	struct seen a = {0};
	io_init(&bus, false);
	assert_int_equal(io_register(&bus, 0x3f8, 8, "uart", handler, &a), 0);
	assert_int_equal(io_register(&bus, 0x3f0, 8, "below", handler, &a), 0); /* adjacent */
	assert_int_equal(io_register(&bus, 0x400, 1, "above", handler, &a), 0);
	assert_int_equal(io_register(&bus, 0x3ff, 1, "last port", handler, &a), -EBUSY);
	assert_int_equal(io_register(&bus, 0x3f0, 0x20, "around", handler, &a), -EBUSY);
	assert_int_equal(io_register(&bus, 0x3fa, 1, "inside", handler, &a), -EBUSY);
	assert_int_equal(io_register(&bus, 0x10, 0, "empty", handler, &a), -EINVAL);
	assert_int_equal(io_register(&bus, 0xfffe, 3, "wraps", handler, &a), -EINVAL);
	assert_int_equal(io_register(&bus, 0xffff, 1, "last", handler, &a), 0);
	assert_int_equal(bus.nranges, 4);
}

static void test_full(void **state)
{
	struct seen a = {0};
	io_init(&bus, false);
	for (unsigned i = 0; i < IO_MAX_RANGES; i++)
		assert_int_equal(io_register(&bus, (uint16_t)(i * 16), 16, "x", handler, &a), 0);
	assert_int_equal(io_register(&bus, 0x1000, 1, "one too many", handler, &a), -ENOSPC);
}

static void test_dispatch(void **state)
{
	struct seen a = {.result = RUN_CONTINUE}, b = {.result = 3};
	uint8_t data[4] = {0x7e, 0, 0, 0};
	io_init(&bus, false);
	assert_int_equal(io_register(&bus, 0x3f8, 8, "uart", handler, &a), 0);
	assert_int_equal(io_register(&bus, 0xf4, 4, "exit", handler, &b), 0);

	assert_int_equal(io_port(&bus, 0x3fd, true, data, 1), RUN_CONTINUE);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.offset, 5);
	assert_true(a.write);
	assert_int_equal(a.value, 0x7e);
	assert_int_equal(io_port(&bus, 0x3f8, false, data, 1), RUN_CONTINUE);
	assert_int_equal(a.offset, 0);
	assert_int_equal(data[0], 0x42);
	/* A device's status ends the run. */
	assert_int_equal(io_port(&bus, 0xf7, true, data, 2), 3);
	assert_int_equal(b.offset, 3);
	assert_int_equal(b.size, 2);
	assert_int_equal(bus.unknown_port_exits, 0);
}

static void test_unclaimed(void **state)
{
	uint8_t data[4] = {1, 2, 3, 4};
	io_init(&bus, true);
	assert_int_equal(io_port(&bus, 0x80, false, data, 4), RUN_CONTINUE);
	assert_memory_equal(data, "\xff\xff\xff\xff", 4);
	data[0] = 9;
	assert_int_equal(io_port(&bus, 0x80, true, data, 1), RUN_CONTINUE);
	assert_int_equal(data[0], 9); /* dropped, untouched */
	assert_int_equal(bus.unknown_port_exits, 2);
	assert_true(bus.port_seen[0x80 / 8] & (1u << (0x80 % 8))); /* logged once */
	assert_false(bus.port_seen[0x81 / 8] & (1u << (0x81 % 8)));
}

static void test_mmio(void **state)
{
	uint8_t data[8] = {0};
	io_init(&bus, true);
	assert_int_equal(io_mmio(&bus, 0xfed00000, false, data, 8), RUN_CONTINUE);
	assert_memory_equal(data, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	memset(data, 5, sizeof(data));
	assert_int_equal(io_mmio(&bus, 0xfed00008, true, data, 4), RUN_CONTINUE);
	assert_int_equal(data[0], 5);
	assert_int_equal(bus.mmio_exits, 2);
	assert_int_equal(bus.nmmio_seen, 1); /* the same page: logged once */
	for (uint64_t i = 0; i < IO_MMIO_LOGGED_MAX + 10; i++)
		io_mmio(&bus, 0xe0000000 + i * 4096, false, data, 1);
	assert_int_equal(bus.nmmio_seen, IO_MMIO_LOGGED_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register), cmocka_unit_test(test_full),
	    cmocka_unit_test(test_dispatch), cmocka_unit_test(test_unclaimed),
	    cmocka_unit_test(test_mmio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
