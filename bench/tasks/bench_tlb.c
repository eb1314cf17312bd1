/* bench_tlb: a TLB-sensitive workload: M tasks read N pages at random, switching every K reads. */
#include "bench.h"

/*
 * usage: bench_tlb MODE VARIANT report|work M N K OPS
 *
 * Start M-1 "work" tasks and one "report" task, nothing else.  Each maps
 * N pages (sys_map), touches them, then reads one 8-byte word of a random
 * page per operation and calls sys_yield() after every K reads, so the M
 * tasks take turns.  The word read in page p is at line p mod 64 of the
 * page: the data touched is N cache lines (N * 64 bytes per task) while
 * the pages touched are N, so the cost of a read after a switch is the
 * cost of the TLB entries the switch kept or lost more than of the cache.
 *
 * The reporter makes OPS/10 warm-up reads, then OPS measured ones, and
 * prints one RESULT line "tlb_reads" (VARIANT labels it, bench/run uses
 * "M<M>-N<N>-K<K>-..."; MODE must be the task's):
 *   cycles_per_op   TSC of its read slices only (from the first read after
 *                   a yield returned to the last read before the next), per
 *                   read: what switching did to the reads;
 *   cycles_per_op_with_switches  the whole interval over M * OPS reads:
 *                   everyone's reads plus the switches, assuming the M
 *                   tasks advance in step (round robin: they do).
 * Workers make K * 4 more reads than the reporter, so they are still
 * there at its end.
 */

#define USAGE "bench_tlb MODE VARIANT report|work M N K OPS"
#define PAGE 4096UL
#define WORDS_PER_PAGE (PAGE / 8)
#define LINE_WORDS 8 /* 64-byte lines */

static volatile uint64_t *pages;
static uint64_t npages, seed = 0x9e3779b97f4a7c15ull;
static uint64_t sink;

static inline uint64_t read_one(void)
{
	uint64_t p = bench_rand(&seed) % npages;
	return pages[p * WORDS_PER_PAGE + (p % 64) * LINE_WORDS];
}

/* Reads @ops words in slices of @k with a yield between; returns the TSC
 * ticks spent inside the slices. */
static uint64_t run(uint64_t ops, uint64_t k)
{
	uint64_t inside = 0, acc = 0;

	while (ops) {
		uint64_t slice = ops < k ? ops : k;
		uint64_t t0 = bench_tsc();
		for (uint64_t i = 0; i < slice; i++)
			acc += read_one();
		inside += bench_tsc() - t0;
		ops -= slice;
		sys_yield();
	}
	sink += acc;
	return inside;
}

int main(int argc, char **argv)
{
	unsigned long m, n, k, ops;
	struct roi r;

	if (argc != 8 || bench_check_mode(argv[1]) || bench_arg(argv, 4, &m, USAGE) ||
	    bench_arg(argv, 5, &n, USAGE) || bench_arg(argv, 6, &k, USAGE) ||
	    bench_arg(argv, 7, &ops, USAGE))
		return bench_usage(USAGE);
	int report = strcmp(argv[3], "report") == 0;
	if (!report && strcmp(argv[3], "work"))
		return bench_usage(USAGE);
	long addr = sys_map(n * PAGE, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	if (addr < 0)
		bench_fail("bench_tlb", "map", addr);
	pages = (volatile uint64_t *)addr;
	npages = n;
	seed ^= (uint64_t)sys_getpid() << 32; /* each task its own sequence */
	for (uint64_t p = 0; p < n; p++)
		pages[p * WORDS_PER_PAGE + (p % 64) * LINE_WORDS] = p;

	uint64_t warm = ops / 10 > k ? ops / 10 : k;
	if (!report) {
		run(warm + ops + 4 * k, k);
		return 0;
	}
	run(warm, k);
	roi_begin(&r);
	uint64_t inside = run(ops, k);
	roi_end(&r);

	struct roi_line extra = {.at = 0};
	roi_put(&extra, ",\"cycles_per_op_with_switches\":");
	roi_put_ratio(&extra, roi_cycles(&r), ops * m);
	roi_result(&r, &(struct roi_report){.benchmark = "tlb_reads",
					    .variant = argv[2],
					    .ops = ops,
					    .warmup = warm,
					    .cycles = inside,
					    .extra = extra.buf});
	return sink == 0x5a5a5a5a5a5a5a5aull; /* keeps the reads; practically always 0 */
}
