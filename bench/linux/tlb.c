/* tlb: Linux baseline of bench_tlb: M processes or threads read N random pages, yield every K. */
#include <sys/mman.h>

#include "common.h"

/*
 * usage: tlb process|thread M N K OPS
 *
 * The guest's bench_tlb (bench/tasks/bench_tlb.c) on Linux: every task
 * (M-1 workers and the reporter, all pinned to one CPU) maps N pages of
 * its own (4 KiB pages: MADV_NOHUGEPAGE, else a 2 MiB page would hide the
 * TLB), touches them, then reads one word of a random page per operation
 * (the word at line p mod 64 of page p) and calls sched_yield() after
 * every K reads.  Processes switch address spaces (CR3, with PCID where
 * the kernel uses it), threads do not.  One RESULT line "tlb_reads",
 * variant "M<M>-N<N>-K<K>": cycles_per_op over the reporter's read slices
 * only, cycles_per_op_with_switches over the whole interval and M * OPS
 * reads.
 */

#define USAGE "tlb process|thread M N K OPS"
#define PAGE 4096UL
#define WORDS_PER_PAGE (PAGE / 8)
#define LINE_WORDS 8

struct task {
	uint64_t id, npages, k;
	volatile uint64_t *pages;
	uint64_t seed, sink;
};

static void setup(struct task *t)
{
	size_t len = t->npages * PAGE;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("tlb", "mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	t->pages = p;
	t->seed = 0x9e3779b97f4a7c15ull ^ (t->id << 32);
	for (uint64_t i = 0; i < t->npages; i++)
		t->pages[i * WORDS_PER_PAGE + (i % 64) * LINE_WORDS] = i;
}

/* Reads @ops words in slices of K with a yield between; returns the TSC
 * ticks spent inside the slices. */
static uint64_t run(struct task *t, uint64_t ops)
{
	uint64_t inside = 0, acc = 0;
	while (ops) {
		uint64_t slice = ops < t->k ? ops : t->k;
		uint64_t t0 = bench_tsc();
		for (uint64_t i = 0; i < slice; i++) {
			uint64_t p = bench_rand(&t->seed) % t->npages;
			acc += t->pages[p * WORDS_PER_PAGE + (p % 64) * LINE_WORDS];
		}
		inside += bench_tsc() - t0;
		ops -= slice;
		sched_yield();
	}
	t->sink += acc;
	return inside;
}

static uint64_t worker_ops;

static void *worker(void *arg)
{
	struct task *t = arg;
	setup(t);
	run(t, worker_ops);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads;

	arg_total(argc, 6, USAGE);
	const char *mode = arg_mode(argv, 1, &threads, USAGE);
	uint64_t m = arg_count(argv, 2, USAGE), n = arg_count(argv, 3, USAGE);
	uint64_t k = arg_count(argv, 4, USAGE), ops = arg_count(argv, 5, USAGE);
	uint64_t warm = ops / 10 > k ? ops / 10 : k;
	worker_ops = warm + ops + 4 * k;
	pin_one_cpu(argv[0]);

	struct task *tasks = calloc(m, sizeof(*tasks));
	struct peer *peers = calloc(m, sizeof(*peers));
	if (!tasks || !peers)
		die(argv[0], "calloc");
	for (uint64_t i = 0; i < m; i++)
		tasks[i] = (struct task){.id = i + 1, .npages = n, .k = k};
	for (uint64_t i = 1; i < m; i++)
		peer_start(&peers[i], threads, worker, &tasks[i], argv[0]);

	struct task *me = &tasks[0];
	struct mark a, b;
	setup(me);
	run(me, warm);
	uint64_t s0 = switches(threads ? RUSAGE_THREAD : RUSAGE_SELF);
	mark_begin(&a);
	uint64_t inside = run(me, ops);
	mark_end(&b);
	uint64_t own = switches(threads ? RUSAGE_THREAD : RUSAGE_SELF) - s0;
	for (uint64_t i = 1; i < m; i++)
		peer_join(&peers[i]);

	char variant[64], extra[96];
	snprintf(variant, sizeof(variant), "M%llu-N%llu-K%llu", (unsigned long long)m,
		 (unsigned long long)n, (unsigned long long)k);
	snprintf(extra, sizeof(extra), ",\"cycles_per_op_with_switches\":%.3f",
		 (double)(b.tsc - a.tsc) / (double)(ops * m));
	/* Context switches: the reporter's, times M (all advance in step). */
	result("tlb_reads", mode, variant, ops, warm, (double)inside,
	       (double)inside * (double)(b.ns - a.ns) / (double)(b.tsc - a.tsc), (double)(own * m),
	       (double)((ops + k - 1) / k), -1, extra);
	return me->sink == 0x5a5a5a5a5a5a5a5aull;
}
