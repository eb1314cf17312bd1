/* roi_format.c: a region's RESULT line: cycles, nanoseconds, counter and performance-counter
 * deltas per operation; no system call. */
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
    {"shootdowns_sent", offsetof(struct shoji_stats, shootdowns_sent)},
    {"shootdowns_received", offsetof(struct shoji_stats, shootdowns_received)},
};

static uint64_t counter(const struct shoji_stats *st, size_t offset)
{
	return *(const unsigned long long *)((const char *)st + offset);
}

uint64_t roi_pmu_delta(const struct roi *r, unsigned i)
{
	const struct shoji_pmu *b = &r->begin.pmu, *e = &r->end.pmu;

	if (i >= SHOJI_PMU_MAX || i >= b->count || b->count != e->count ||
	    b->event[i] != e->event[i] || b->bits[i] != e->bits[i] || !b->bits[i])
		return 0;
	uint64_t mask = b->bits[i] >= 64 ? ~0ull : (1ull << b->bits[i]) - 1;
	return (e->value[i] - b->value[i]) & mask;
}

/* ,"pmu":{NAME:PER_OP,...}: the vCPU's counters per operation, where both
 * ends read the same ones; nothing when the kernel has none. */
static void put_pmu(struct roi_line *l, const struct roi *r, uint64_t ops)
{
	unsigned n = r->begin.pmu.count;

	if (!n || n != r->end.pmu.count || n > SHOJI_PMU_MAX)
		return;
	roi_put(l, ",\"pmu\":{");
	for (unsigned i = 0; i < n; i++) {
		roi_put(l, "%s\"%s\":", i ? "," : "", shoji_pmu_event_name(r->begin.pmu.event[i]));
		roi_put_ratio(l, roi_pmu_delta(r, i), ops);
	}
	roi_put(l, "}");
}

int roi_format(struct roi_line *l, const struct shoji_taskinfo *info, const struct roi *r,
	       const struct roi_report *rep)
{
	uint64_t cycles = rep->cycles ? rep->cycles : roi_cycles(r);
	uint64_t own =
	    ROI_OWN_SYSCALLS + rep->own_syscalls + (r->begin.pmu.count ? ROI_OWN_PMU_SYSCALLS : 0);

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
	put_pmu(l, r, rep->ops);
	return roi_line_finish(l);
}
