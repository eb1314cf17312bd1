/* method.h: the measuring rules both benchmark worlds follow: the ordered TSC, warm-up, xorshift64.
 */
#ifndef SHOJI_BENCH_METHOD_H
#define SHOJI_BENCH_METHOD_H

/*
 * Included by the guest tasks' bench/tasks/bench.h (freestanding, the task
 * runtime) and the Linux baselines' bench/linux/common.h (host libc), so
 * that a guest number and its Linux baseline are measured alike
 * (bench/METHODS.md, "Timing").  Nothing here may need more than
 * <stdint.h>: no libc, no system call, no floating point.
 */

#include <stdint.h>

#ifdef SHOJI_ROI_H
/* The TSC, ordered: in the guest, the task runtime's read
 * (guest/user/lib/roi.h, which bench/tasks/bench.h includes first), so
 * that the benchmarks and the runtime's measurements read it alike. */
static inline uint64_t bench_tsc(void)
{
	return roi_tsc();
}
#else
/* The TSC, ordered, as the guest's roi_tsc() reads it. */
#include "../include/shoji/tsc.h"
static inline uint64_t bench_tsc(void)
{
	return SHOJI_RDTSC("", "");
}
#endif

/* The warm-up operations before @n measured ones: N/10, at least 10. */
static inline uint64_t bench_warmup(uint64_t n)
{
	return n / 10 > 10 ? n / 10 : 10;
}

/* xorshift64 (Marsaglia 2003): a fixed, repeatable sequence per seed. */
static inline uint64_t bench_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

#endif
