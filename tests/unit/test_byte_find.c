/* Unit tests for the scans' byte finder (isolation/byte_find.c) and the CFI marker patch built on
 * it (isolation/cfi_patch.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../isolation/isolation.h"

/* xorshift64*: a fixed seed keeps every run identical. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* The byte-at-a-time definition byte_find() must match. */
static size_t ref_find(const uint8_t *buf, size_t from, size_t len, uint8_t b)
{
	for (size_t i = from; i < len; i++)
		if (buf[i] == b)
			return i;
	return len;
}

/* The byte-at-a-time patch (the code before byte_find), as the reference. */
static const uint8_t marker[7] = {0x49,
				  0x81,
				  0xcb,
				  CFI_MARKER & 0xff,
				  (CFI_MARKER >> 8) & 0xff,
				  (CFI_MARKER >> 16) & 0xff,
				  CFI_MARKER >> 24};

static unsigned ref_patch(uint8_t *buf, size_t len, uint32_t base)
{
	unsigned n = 0;
	for (size_t i = 0; i + sizeof(marker) <= len; i++) {
		if (memcmp(buf + i, marker, sizeof(marker)))
			continue;
		for (int b = 0; b < 4; b++)
			buf[i + 3 + b] = (uint8_t)(base >> (8 * b));
		n++;
		i += sizeof(marker) - 1;
	}
	return n;
}

/* Every byte value at every position of a word, and the first of two wins. */
static void test_each_position_and_value(void **state)
{
	uint8_t buf[40];
	(void)state;
	for (unsigned v = 0; v < 256; v++) {
		for (size_t at = 0; at < sizeof(buf); at++) {
			memset(buf, (uint8_t)(v + 1), sizeof(buf));
			buf[at] = (uint8_t)v;
			if (at + 9 < sizeof(buf))
				buf[at + 9] = (uint8_t)v;
			assert_int_equal(byte_find(buf, 0, sizeof(buf), (uint8_t)v), at);
			assert_int_equal(byte_find(buf, at, sizeof(buf), (uint8_t)v), at);
			assert_int_equal(byte_find(buf, at + 1, sizeof(buf), (uint8_t)v),
					 at + 9 < sizeof(buf) ? at + 9 : sizeof(buf));
			/* Not past len, though the byte is there. */
			assert_int_equal(byte_find(buf, 0, at, (uint8_t)v), at);
		}
	}
}

/* A high byte next to the one sought must not be taken for it (the SWAR
 * borrow), and from >= len finds nothing. */
static void test_borrow_and_empty(void **state)
{
	uint8_t buf[16] = {0x01, 0x00, 0x80, 0xff, 0x7f, 0xfe, 0x81, 0x02,
			   0x00, 0x01, 0x00, 0x01, 0x0f, 0x10, 0x0e, 0x0f};
	(void)state;
	for (unsigned v = 0; v < 256; v++)
		for (size_t from = 0; from <= sizeof(buf) + 2; from++)
			assert_int_equal(byte_find(buf, from, sizeof(buf), (uint8_t)v),
					 ref_find(buf, from, sizeof(buf), (uint8_t)v));
	assert_int_equal(byte_find(buf, 5, 3, 0x0f), 3);
	assert_int_equal(byte_find(buf, 0, 0, 0x01), 0);
}

static void test_random_against_reference(void **state)
{
	uint8_t buf[200];
	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		size_t len = rng() % sizeof(buf), from = rng() % (sizeof(buf) + 1);
		uint8_t b = (uint8_t)(rng() % 4);
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)(rng() % 16 ? rng() % 8 + 4 : rng() % 4);
		assert_int_equal(byte_find(buf, from, len, b), ref_find(buf, from, len, b));
	}
}

/* The patch against the reference: markers planted at random, overlapping,
 * cut short by the end, and REX.WB bytes that start no marker. */
static void test_patch_against_reference(void **state)
{
	uint8_t a[300], b[300];
	unsigned total = 0;
	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = rng() % sizeof(a);
		for (size_t i = 0; i < len; i++)
			a[i] = rng() % 4 ? (uint8_t)rng() : marker[rng() % 2];
		for (unsigned k = rng() % 6; k > 0 && len >= sizeof(marker); k--) {
			size_t at = rng() % (len - sizeof(marker) + 1 + 3);
			size_t m = at + sizeof(marker) <= len ? sizeof(marker) : len - at;
			if (at < len)
				memcpy(a + at, marker, m);
		}
		memcpy(b, a, len);
		uint32_t base = (uint32_t)rng() & 0x7ffe0000u;
		unsigned want = ref_patch(b, len, base);
		assert_int_equal(cfi_patch_markers(a, len, base), want);
		assert_memory_equal(a, b, len ? len : 1);
		total += want;
	}
	assert_true(total > 10000); /* the generator plants markers */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_position_and_value),
	    cmocka_unit_test(test_borrow_and_empty),
	    cmocka_unit_test(test_random_against_reference),
	    cmocka_unit_test(test_patch_against_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
