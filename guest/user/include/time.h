/* time.h for tasks: the monotonic clock, nanoseconds since boot (docs/task-runtime.md). */
#ifndef SHOJI_TIME_H
#define SHOJI_TIME_H

typedef long time_t;
typedef int clockid_t;

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

/* The one clock there is: sys_clock(), nanoseconds since boot.  There is
 * no wall clock (CLOCK_REALTIME is not provided). */
#define CLOCK_MONOTONIC 1

/* (lib/clock.c) Stores the time of @clk in *@ts; returns 0, or -1 when
 * @clk is not CLOCK_MONOTONIC (no errno). */
int clock_gettime(clockid_t clk, struct timespec *ts);
/* (lib/clock.c) Nanoseconds since boot (sys_clock()). */
long shoji_clock_ns(void);

#endif
