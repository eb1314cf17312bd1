/* Unit tests for the kernel's one range check (range_in_window, guest/arch/x86_64/layout.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "arch/x86_64/layout.h"

/* The reference, in 128-bit arithmetic where nothing wraps. */
static int reference(uint64_t va, uint64_t len, uint64_t base, uint64_t size)
{
	unsigned __int128 end = (unsigned __int128)va + len;
	return va >= base && end <= (unsigned __int128)base + size;
}

static uint64_t rng_state = 0x5eed;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Values near the window's edges and the ends of the address space. */
static uint64_t edge(uint64_t base, uint64_t size)
{
	static const int64_t near[] = {-4097, -4096, -1, 0, 1, 4095, 4096};
	const uint64_t points[] = {0, base, base + size, size, UINT64_MAX, UINT64_MAX / 2 + 1};
	return points[rng() % 6] + (uint64_t)near[rng() % 7];
}

static void check(uint64_t va, uint64_t len, uint64_t base, uint64_t size)
{
	if (range_in_window(va, len, base, size) != reference(va, len, base, size))
		fail_msg("range_in_window(%#llx, %#llx, %#llx, %#llx) = %d", (unsigned long long)va,
			 (unsigned long long)len, (unsigned long long)base,
			 (unsigned long long)size, range_in_window(va, len, base, size));
}

/* Every window the kernel uses lies in the user half: there the one
 * comparison agrees with the reference for any va and len. */
static void test_task_windows(void **state)
{
	const uint64_t windows[][2] = {
	    {TASK_AREA, SLOT_SIZE},
	    {TASK_AREA + 15 * SLOT_SIZE, SLOT_SIZE},
	    {TASK_AREA + SLOT_SIZE - USER_STACK_SIZE, USER_STACK_SIZE},
	    {HEAP_AREA, HEAP_WINDOW},
	    {HEAP_AREA + 15 * HEAP_WINDOW, HEAP_WINDOW},
	    {0, USER_END},
	};
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		uint64_t base = windows[w][0], size = windows[w][1];
		for (int i = 0; i < 200000; i++) {
			uint64_t va = i % 3 ? edge(base, size) : rng();
			uint64_t len = i % 5 ? edge(0, size) : rng();
			check(va, len, base, size);
		}
	}
}

/* Windows of random placement (not reaching 2^64). */
static void test_random_windows(void **state)
{
	for (int i = 0; i < 1000000; i++) {
		uint64_t base = rng() >> (rng() % 64), size = rng() >> (rng() % 64);
		if (base + size < base || base + size == 0)
			continue; /* reaches 2^64: outside the helper's contract */
		check(i % 2 ? edge(base, size) : rng(), i % 3 ? edge(0, size) : rng(), base, size);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_task_windows),
	    cmocka_unit_test(test_random_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
