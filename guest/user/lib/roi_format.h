/* roi_format.h: the measurement API's pure part (roi_line.c, roi_format.c): a region's two ends and
 * the RESULT line's text. */
#ifndef SHOJI_ROI_FORMAT_H
#define SHOJI_ROI_FORMAT_H

/*
 * roi_line.c and roi_format.c build a RESULT line from a region's marks and
 * the task's SYS_TASKINFO without a system call, so the host's unit tests
 * (tests/unit/test_roi_format.c) compile them as they are; the API tasks
 * use is roi.h, which includes this.
 */

#include <stdint.h>
#include <shoji/abi.h>

/* One end of a region: the TSC, the kernel's counters, and the vCPU's
 * performance counters (pmu.count 0 when the kernel has none: then no
 * SYS_PMU is made). */
struct roi_mark {
	uint64_t tsc;
	struct shoji_stats st;
	struct shoji_pmu pmu;
};

/* A region of interest: its two ends. */
struct roi {
	struct roi_mark begin, end;
};

/* The system calls a begin/end pair adds to the syscall counter: the
 * closing SYS_STATS (the opening one was counted before the kernel copied
 * the counters out). */
#define ROI_OWN_SYSCALLS 1
/* With performance counters, one SYS_PMU at each end as well. */
#define ROI_OWN_PMU_SYSCALLS 2

/* The TSC ticks from begin to end. */
static inline uint64_t roi_cycles(const struct roi *r)
{
	return r->end.tsc - r->begin.tsc;
}

/* What a RESULT line says beyond the tags and the counters. */
struct roi_report {
	const char *benchmark; /* "benchmark" */
	const char *variant;   /* "variant": what the runner calls this configuration */
	uint64_t ops;	       /* "iterations": operations in the region (> 0) */
	uint64_t warmup;       /* "warmup": operations before it, not measured */
	uint64_t cycles;       /* TSC ticks of the ops: 0 for the whole region, else
				  the task's own sum over part of it */
	uint64_t own_syscalls; /* more system calls to subtract: the task's own
				  measuring calls inside the region (usually 0) */
	const char *extra;     /* more members (",\"key\":value..."), put before
				  "counters", or NULL */
};

/* A RESULT line being built, written in one sys_write(), so never
 * interleaved with another task's output: room for the tags, the
 * counters, the performance counters and a task's extra members. */
#define ROI_LINE_MAX 1024
struct roi_line {
	char buf[ROI_LINE_MAX];
	int at; /* bytes so far; ROI_LINE_MAX once the line overflowed */
};
/* After a roi_put*() and while at < ROI_LINE_MAX, buf is NUL-terminated
 * (vsnprintf's), so a line may also serve as the "extra" members of
 * another (bench/tasks/bench_tlb.c). */

/* --- roi_line.c: the line's text ---------------------------------------- */

/* Appends printf-style text (cut at the end of the buffer). */
void roi_put(struct roi_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends @s as a JSON string, quoted, with '"', '\' and control
 * characters escaped. */
void roi_put_string(struct roi_line *l, const char *s);
/* Appends @num / @den with three decimals, rounded; "null" when @den is 0. */
void roi_put_ratio(struct roi_line *l, uint64_t num, uint64_t den);
/* Starts @l with "RESULT {" and the tags: benchmark, mode, variant, task,
 * name, group (@info says the last four). */
void roi_line_start(struct roi_line *l, const struct shoji_taskinfo *info, const char *benchmark,
		    const char *variant);
/* Closes @l with "}\n".  Returns its length, or -SHOJI_EMSGSIZE when the
 * line did not fit ROI_LINE_MAX - 1 bytes. */
int roi_line_finish(struct roi_line *l);
/* --- roi_format.c: a region's numbers ----------------------------------- */

/* The performance counters' delta of counter @i over region @r, modulo
 * its width; 0 when the two ends do not hold the same event there. */
uint64_t roi_pmu_delta(const struct roi *r, unsigned i);
/* Nanoseconds for @cycles TSC ticks at @tsc_khz (0 when it is unknown). */
uint64_t roi_ns(uint64_t cycles, uint64_t tsc_khz);
/* The whole RESULT line of region @r as @rep describes it, for the task
 * @info.  Returns as roi_line_finish(). */
int roi_format(struct roi_line *l, const struct shoji_taskinfo *info, const struct roi *r,
	       const struct roi_report *rep);

#endif
