/* roi.h: the runtime's measurement API: a region of interest's TSC and kernel counters, and its
 * tagged RESULT line. */
#ifndef SHOJI_ROI_H
#define SHOJI_ROI_H

/*
 * A task measures a region of interest with roi_begin() / roi_end() and
 * prints one line per measurement with roi_result() (docs/measuring.md
 * says what every field means):
 *
 *   RESULT {"benchmark":B,"mode":M,"variant":V,"task":I,"name":N,"group":G,
 *           "iterations":OPS,"warmup":W,"cycles_per_op":C,"ns_per_op":T,...,
 *           "counters":{"task_switches":S,"cr3_writes":R,"wrpkru":K,
 *           "tlb_flushes":F,"syscalls":Y,"timer_ticks":X,
 *           "shootdowns_sent":D,"shootdowns_received":E},
 *           "pmu":{"instructions":P,"cycles":Q,...}}
 *
 * The mode, task id, name and group come from SYS_TASKINFO (asked once,
 * roi_taskinfo()), never from the task's arguments.  C is TSC ticks per
 * operation, T the same in nanoseconds at the TSC frequency the kernel
 * calibrated (no clock call), and the counters are SYS_STATS deltas per
 * operation, the measurement's own system calls subtracted.  "pmu" is
 * there only when the kernel has performance counters (SYS_PMU): the
 * vCPU's counts per operation, from one SYS_PMU to the other, which
 * include those calls' own kernel paths (not subtracted).  Tasks have no
 * floating point: ratios are fixed point with three decimals.
 *
 * The text (roi_line.c, roi_format.c, declared in roi_format.h) is pure
 * and tested on the host (tests/unit/test_roi_format.c); roi.c adds the
 * system calls.  The three are an archive (USER_ROI_LIB, user.mk): a task
 * links the parts it uses.
 */

#include "roi_format.h"
#include "shoji/tlbmark.h"
#include "shoji/tsc.h"
#include "user.h"

/* The TSC, ordered (include/shoji/tsc.h). */
static inline uint64_t roi_tsc(void)
{
	return SHOJI_RDTSC("", "");
}

/* (roi_pmu.c) The counters of one end of a region, out of line (a
 * region's inline code stays the TSC read alone): at the beginning,
 * whether the kernel has performance counters (asked on the first call
 * only, before the counters are read, so that the question is not
 * counted), then SYS_STATS, then SYS_PMU where it has them; at the end,
 * SYS_PMU if the beginning read counters, then SYS_STATS. */
void roi_counters_begin(struct roi_mark *m);
void roi_counters_end(struct roi_mark *m, const struct roi_mark *begin);

/*
 * Starts a region: the counters (roi_counters_begin), then the TSC last,
 * so the cycles exclude the system calls.  Inline: nothing but the TSC
 * read lies in the region.  The TLB-model plugin's ROI_BEGIN marker
 * (include/shoji/tlbmark.h) comes right after the read and its ROI_END
 * right before roi_end()'s, so the plugin's region is the TSC's: 2
 * instructions per region, not per operation, which the TSC counts under
 * -icount (docs/tlb-model.md).
 */
static inline void roi_begin(struct roi *r)
{
	roi_counters_begin(&r->begin);
	r->begin.tsc = SHOJI_RDTSC("", TLBMARK_ASM(TLBMARK_ROI_BEGIN));
}

/* Ends it in the opposite order. */
static inline void roi_end(struct roi *r)
{
	r->end.tsc = SHOJI_RDTSC(TLBMARK_ASM(TLBMARK_ROI_END), "");
	roi_counters_end(&r->end, &r->begin);
}

/* --- roi.c: with the system calls -------------------------------------- */

/* The caller's SYS_TASKINFO, asked on the first call and kept: never
 * NULL (a task whose kernel refused the call ends with status 1, saying
 * so). */
const struct shoji_taskinfo *roi_taskinfo(void);
/* Writes @len bytes of @l, a line roi_format() or roi_line_finish()
 * returned @len for; a negative @len (the line did not fit) ends the task
 * with status 1, saying so. */
void roi_write(const struct roi_line *l, int len);

/* Prints the RESULT line of @r (roi_format()).  Inline, so that a task
 * that only builds lines of its own (bench_boot) links no roi_format.c:
 * the kernel-mode verifier's pass over its image stays as short. */
static inline void roi_result(const struct roi *r, const struct roi_report *rep)
{
	struct roi_line l;
	roi_write(&l, roi_format(&l, roi_taskinfo(), r, rep));
}

/* Closes a line built with roi_line_start() and roi_put*() and prints
 * it, as roi_result(). */
static inline void roi_line_print(struct roi_line *l)
{
	roi_write(l, roi_line_finish(l));
}

#endif
