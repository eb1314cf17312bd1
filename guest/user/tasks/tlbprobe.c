/* tlbprobe: touches N pages per pass inside a measured region, for the TLB-model plugin's tests. */
#include "roi.h"
#include "user.h"

/*
 * usage: tlbprobe PAGES PASSES YIELD     (YIELD: 1 yields between passes, 0 not)
 *        tlbprobe idle YIELDS            (yields YIELDS times: the other task)
 *
 * Maps PAGES pages (sys_map() maps them at once) and measures two regions
 * (roi_begin()/roi_end(), so the plugin sees ROI markers):
 *   "empty": PASSES passes over 0 pages, with the yields: what the region
 *            itself costs, the allowance tests/tlbmodel/run subtracts;
 *   "pages": PASSES passes, each reading one byte of every page once, in
 *            address order, with the same yields.
 * Each prints a RESULT line (benchmark "tlbprobe", one operation, so its
 * cycles_per_op is the region's TSC ticks).  The pages were never touched
 * through these addresses before the region (the kernel zeroes them
 * through its own mapping), so the first pass misses every page.  The
 * loop reads nothing else: the index and pointer stay in registers.
 * Yields once before the first region, so that the other task (idle) has
 * started when the regions run.
 */

#define USAGE "tlbprobe PAGES PASSES YIELD | tlbprobe idle YIELDS"
#define PAGE 4096ul

/* One region: `passes` passes over `pages` pages, yielding between them. */
static void probe(const volatile char *base, unsigned long pages, unsigned long passes, int yield,
		  const char *variant)
{
	struct roi r;
	unsigned long sum = 0;
	roi_begin(&r);
	for (unsigned long p = 0; p < passes; p++) {
		if (p && yield)
			sys_yield();
		for (unsigned long i = 0; i < pages; i++)
			sum += (unsigned char)base[i * PAGE];
	}
	roi_end(&r);
	if (sum) /* the pages are zero: never taken, but the loads cannot go */
		printf("tlbprobe: pages not zero\n");
	roi_result(&r, &(struct roi_report){.benchmark = "tlbprobe", .variant = variant, .ops = 1});
}

int main(int argc, char **argv)
{
	unsigned long pages, passes, yield;

	if (argc == 3 && !strcmp(argv[1], "idle") && !parse_ulong(argv[2], 10, &passes)) {
		for (unsigned long i = 0; i < passes; i++)
			sys_yield();
		return 0;
	}
	if (argc != 4 || parse_ulong(argv[1], 10, &pages) || parse_ulong(argv[2], 10, &passes) ||
	    parse_ulong(argv[3], 10, &yield) || yield > 1 || pages == 0 || pages > 4096) {
		printf("usage: %s\n", USAGE);
		return 2;
	}
	long m = sys_map(pages * PAGE, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	if (m < 0) {
		printf("tlbprobe: map of %lu pages failed: %s\n", pages, sys_errname(m));
		return 1;
	}
	sys_yield();
	probe((const volatile char *)m, 0, passes, (int)yield, "empty");
	probe((const volatile char *)m, pages, passes, (int)yield, "pages");
	return 0;
}
