/* The monotonic clock: clock_gettime(CLOCK_MONOTONIC) and shoji_clock_ns() over sys_clock(). */
#include <time.h>
#include "user.h"

long shoji_clock_ns(void)
{
	return sys_clock();
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (clk != CLOCK_MONOTONIC)
		return -1;
	long ns = sys_clock();
	ts->tv_sec = ns / 1000000000L;
	ts->tv_nsec = ns % 1000000000L;
	return 0;
}
