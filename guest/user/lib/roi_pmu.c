/* roi_pmu.c: a region end's counters: SYS_STATS, and SYS_PMU only where the kernel has performance
 * counters (asked once). */
#include "roi.h"

/* 0: not asked yet; 1: the kernel has counters; -1: it has none. */
static int have_pmu;

void roi_counters_begin(struct roi_mark *m)
{
	if (!have_pmu) {
		struct shoji_pmu p;
		have_pmu = sys_pmu(&p) > 0 ? 1 : -1;
	}
	sys_stats(&m->st);
	m->pmu.count = 0;
	if (have_pmu > 0)
		sys_pmu(&m->pmu);
}

void roi_counters_end(struct roi_mark *m, const struct roi_mark *begin)
{
	m->pmu.count = 0;
	if (begin->pmu.count)
		sys_pmu(&m->pmu);
	sys_stats(&m->st);
}
