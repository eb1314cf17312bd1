/* bench.h: what the guest benchmark tasks share beyond the runtime's measurement API: labelled TSC
 * reads, the command line. */
#ifndef SHOJI_BENCH_H
#define SHOJI_BENCH_H

/*
 * A benchmark task measures an interval with the runtime's measurement
 * API (guest/user/lib/roi.h: roi_begin(), roi_end(), roi_result()), which
 * prints one line per measurement:
 *
 *   RESULT {"benchmark":B,"mode":M,"variant":V,"task":I,"name":N,"group":G,
 *           "iterations":N,"warmup":W,"cycles_per_op":C,"ns_per_op":T,
 *           "counters":{...}}
 *
 * (docs/measuring.md says what each field means; bench/METHODS.md what
 * each counter includes).  The mode, id, name and group come from
 * SYS_TASKINFO.  The runners still pass MODE as an argument, which
 * bench_check_mode() holds against the mode the task runs in.  What is
 * left here is the benchmarks' own: the labelled TSC reads path-trace
 * uses, and the command line.
 */

#include "roi.h"
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

/* Returns 0 when @mode (the runner's MODE argument) is the mode the task
 * runs in (SYS_TASKINFO); else prints both and returns -1. */
int bench_check_mode(const char *mode);

/* Parses argv[i] as a decimal number > 0 into *out; prints the usage line
 * @usage and returns -1 when it is not one. */
int bench_arg(char **argv, int i, unsigned long *out, const char *usage);

/* Prints "usage: @usage"; returns main()'s status for a bad command line, 1. */
int bench_usage(const char *usage);

/* Ends the task with status 1 after printing which call failed. */
_Noreturn void bench_fail(const char *task, const char *call, long err);

#endif
