/* yield.h: the two sides of the sched_yield baselines (yield_pingpong.c, yield_fifo.c), which
 * differ only in the scheduler they run under. */
#ifndef SHOJI_BENCH_LINUX_YIELD_H
#define SHOJI_BENCH_LINUX_YIELD_H

#include "pingpong.h"

/* The partner yields two more times in all than the reporter, so the
 * reporter's last yield still finds it runnable. */
static inline void *yield_partner(void *arg)
{
	struct pingpong *p = arg;
	struct pingpong_tally t = {0};

	for (uint64_t i = 0; i < p->warm + p->n + 2; i++) {
		sched_yield();
		pingpong_tally(p, &t, i + 1);
	}
	return NULL;
}

/* The reporter's operation: one yield, one system call. */
static inline uint64_t yield_op(void *arg, uint64_t i)
{
	sched_yield();
	return 1;
}

#endif
