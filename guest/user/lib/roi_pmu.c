/* roi_pmu.c: whether the kernel has performance counters, asked once (SYS_PMU). */
#include "roi.h"

/* 0: not asked yet; 1: the kernel has counters; -1: it has none. */
static int have_pmu;

int roi_pmu_present(void)
{
	if (!have_pmu) {
		struct shoji_pmu p;
		have_pmu = sys_pmu(&p) > 0 ? 1 : -1;
	}
	return have_pmu > 0;
}
