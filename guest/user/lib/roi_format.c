/* roi_format.c: a region's RESULT line: cycles, nanoseconds and counter deltas per operation; no
 * system call. */
#include "lib/lib.h"
#include "roi_format.h"

uint64_t roi_ns(uint64_t cycles, uint64_t tsc_khz)
{
	if (!tsc_khz)
		return 0;
	/* ns = cycles * 10^6 / kHz, in two parts so that neither overflows
	 * (the remainder is below tsc_khz, itself far below 2^44). */
	return cycles / tsc_khz * 1000000 + cycles % tsc_khz * 1000000 / tsc_khz;
}

/* The counters in the order the reports list them (bench/report/lib.jq). */
static const struct {
	const char *name;
	size_t offset;
} counters[] = {
    {"task_switches", offsetof(struct shoji_stats, task_switches)},
    {"cr3_writes", offsetof(struct shoji_stats, cr3_writes)},
    {"wrpkru", offsetof(struct shoji_stats, wrpkru)},
    {"tlb_flushes", offsetof(struct shoji_stats, tlb_flushes)},
    {"syscalls", offsetof(struct shoji_stats, syscalls)},
    {"timer_ticks", offsetof(struct shoji_stats, timer_ticks)},
};

static uint64_t counter(const struct shoji_stats *st, size_t offset)
{
	return *(const unsigned long long *)((const char *)st + offset);
}

int roi_format(struct roi_line *l, const struct shoji_taskinfo *info, const struct roi *r,
	       const struct roi_report *rep)
{
	uint64_t cycles = rep->cycles ? rep->cycles : roi_cycles(r);
	uint64_t own = ROI_OWN_SYSCALLS + rep->own_syscalls;

	roi_line_start(l, info, rep->benchmark, rep->variant);
	roi_put(l, ",\"iterations\":%lu,\"warmup\":%lu,\"cycles_per_op\":", (unsigned long)rep->ops,
		(unsigned long)rep->warmup);
	roi_put_ratio(l, cycles, rep->ops);
	roi_put(l, ",\"ns_per_op\":");
	if (info->tsc_khz)
		roi_put_ratio(l, roi_ns(cycles, info->tsc_khz), rep->ops);
	else
		roi_put(l, "null");
	if (rep->extra)
		roi_put(l, "%s", rep->extra);
	roi_put(l, ",\"counters\":{");
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		uint64_t d = counter(&r->end.st, counters[i].offset) -
			     counter(&r->begin.st, counters[i].offset);
		/* The measurement's own calls are not the workload's. */
		if (counters[i].offset == offsetof(struct shoji_stats, syscalls))
			d = d > own ? d - own : 0;
		roi_put(l, "%s\"%s\":", i ? "," : "", counters[i].name);
		roi_put_ratio(l, d, rep->ops);
	}
	roi_put(l, "}");
	return roi_line_finish(l);
}
