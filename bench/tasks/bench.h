/* bench.h: what the guest benchmark tasks share: the TSC, a measured interval, the RESULT line. */
#ifndef SHOJI_BENCH_H
#define SHOJI_BENCH_H

/*
 * A benchmark task measures an interval with bench_begin() / bench_end()
 * and prints one line per measurement with bench_result():
 *
 *   RESULT {"benchmark":B,"mode":M,"variant":V,"iterations":N,"warmup":W,
 *           "cycles_per_op":C,"ns_per_op":T,"counters":{...}}
 *
 * C is the TSC delta over N operations, T the sys_clock() delta, and the
 * counters the SYS_STATS deltas per operation (bench/METHODS.md says what
 * each includes).  Tasks have no floating point, so the per-operation
 * values are printed as fixed point with three decimals.
 *
 * The mode is the task's own argument (MODE, as the runner started it): a
 * task cannot ask the kernel which mode it runs in.
 */

#include "user.h"

/* bench_tsc(), bench_warmup(), bench_rand(): as the Linux baselines measure. */
#include "../method.h"

/*
 * bench_tsc() with a label on its RDTSC, a local symbol of the task image
 * that bench/tools/path-trace takes as SLOT:LABEL: the window it traces
 * then starts (or ends) at the very instruction the measurement reads.
 * Use each label once: a second copy (an unrolled loop) fails to assemble.
 */
#define BENCH_TSC_AT(label)                                                                        \
	({                                                                                         \
		uint32_t lo_, hi_;                                                                 \
		__asm__ volatile("lfence\n" #label ":\n\trdtsc\n\tlfence"                          \
				 : "=a"(lo_), "=d"(hi_)                                            \
				 :                                                                 \
				 : "memory");                                                      \
		(uint64_t) hi_ << 32 | lo_;                                                        \
	})

/* A label and no instruction: where bench/tools/path-trace may start and
 * end a window in a loop that reads no TSC (each label once per binary). */
#define BENCH_LABEL(label) __asm__ volatile(#label ":")

/* One end of a measured interval. */
struct bench_mark {
	uint64_t tsc;
	long ns;
	struct shoji_stats st;
};

/* The system calls a begin/end pair itself adds to the syscall counter:
 * the clock at both ends and the closing stats (the opening stats call
 * was counted before the kernel copied the counters out). */
#define BENCH_OWN_SYSCALLS 3

/* Starts an interval: the counters, the clock, then the TSC last, so the
 * cycles exclude the two system calls. */
static inline void bench_begin(struct bench_mark *m)
{
	sys_stats(&m->st);
	m->ns = sys_clock();
	m->tsc = bench_tsc();
}

/* Ends it in the opposite order. */
static inline void bench_end(struct bench_mark *m)
{
	m->tsc = bench_tsc();
	m->ns = sys_clock();
	sys_stats(&m->st);
}

/* Appends "num/den" with three decimals to buf at *at (rounded). */
void bench_put_ratio(char *buf, size_t size, int *at, uint64_t num, uint64_t den);

/* Appends printf-style text to buf at *at. */
void bench_put(char *buf, size_t size, int *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Prints the RESULT line of @ops operations measured from @a to @b.
 * @cycles and @ns are the TSC and nanosecond totals to report (usually
 * b->tsc - a->tsc and b->ns - a->ns; a task that sums only part of the
 * interval passes its own sums, see bench_scale_ns()).  @extra, when not
 * NULL, is more JSON members (",\"key\":value...") put before "counters".
 * @own_syscalls is subtracted from the syscall counter (the measuring
 * calls inside the interval, BENCH_OWN_SYSCALLS for a plain pair).
 */
void bench_result(const char *benchmark, const char *mode, const char *variant, uint64_t ops,
		  uint64_t warmup, uint64_t cycles, uint64_t ns, const struct bench_mark *a,
		  const struct bench_mark *b, uint64_t own_syscalls, const char *extra);

/* The RESULT of a plain interval: all of [a, b] over @ops operations. */
static inline void bench_result_span(const char *benchmark, const char *mode, const char *variant,
				     uint64_t ops, uint64_t warmup, const struct bench_mark *a,
				     const struct bench_mark *b)
{
	bench_result(benchmark, mode, variant, ops, warmup, b->tsc - a->tsc,
		     (uint64_t)(b->ns - a->ns), a, b, BENCH_OWN_SYSCALLS, 0);
}

/* Nanoseconds for @cycles TSC ticks, at the rate the clock and the TSC
 * advanced together from @a to @b (no division by the TSC frequency,
 * which a task does not know). */
static inline uint64_t bench_scale_ns(uint64_t cycles, const struct bench_mark *a,
				      const struct bench_mark *b)
{
	uint64_t dt = b->tsc - a->tsc;
	return dt ? cycles * (uint64_t)(b->ns - a->ns) / dt : 0;
}

/* Parses argv[i] as a decimal number > 0 into *out; prints the usage line
 * @usage and returns -1 when it is not one. */
int bench_arg(char **argv, int i, unsigned long *out, const char *usage);

/* Prints "usage: @usage"; returns main()'s status for a bad command line, 1. */
int bench_usage(const char *usage);

/* Ends the task with status 1 after printing which call failed. */
_Noreturn void bench_fail(const char *task, const char *call, long err);

#endif
