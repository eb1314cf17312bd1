/* tsc_loop: the harness's own check, TSC ticks over loops of a known number of instructions. */
#include "common.h"

/*
 * usage: tsc_loop N
 *
 * Times, with the baselines' bench_tsc(), a loop of exactly 2 x COUNT
 * instructions (DEC and JNZ, COUNT times) for COUNT N and 2N, TRIES
 * times each, and prints the fewest ticks of each (a try that a timer
 * interrupt lands in counts the handler too; keep 4N instructions well
 * under the tick's period):
 *
 *   TSCLOOP {"n":N,"ticks_n":A,"ticks_2n":B}
 *
 * Under QEMU -icount shift=0 the TSC advances one tick per instruction,
 * so B - A is exactly 2N: both intervals hold the same measuring
 * instructions, which the difference cancels (tests/bench/linux-icount.sh
 * checks it inside the Linux guest).  Anywhere else the figures are
 * cycles, and only printed.
 */

#define USAGE "tsc_loop N"
#define TRIES 16

/* TSC ticks over COUNT iterations of "dec; jnz" (2 x COUNT instructions). */
static uint64_t ticks(uint64_t count)
{
	uint64_t t0 = bench_tsc();
	__asm__ volatile("1:\n\tdec %0\n\tjnz 1b" : "+r"(count) : : "cc");
	return bench_tsc() - t0;
}

int main(int argc, char **argv)
{
	arg_total(argc, 2, USAGE);
	uint64_t n = arg_count(argv, 1, USAGE);
	uint64_t a = UINT64_MAX, b = UINT64_MAX;

	for (int i = 0; i < TRIES; i++) {
		uint64_t ta = ticks(n), tb = ticks(2 * n);
		a = ta < a ? ta : a;
		b = tb < b ? tb : b;
	}

	printf("TSCLOOP {\"n\":%llu,\"ticks_n\":%llu,\"ticks_2n\":%llu}\n", (unsigned long long)n,
	       (unsigned long long)a, (unsigned long long)b);
	return 0;
}
