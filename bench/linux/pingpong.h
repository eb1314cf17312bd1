/* pingpong.h: the harness of the Linux ping-pong baselines: two tasks on one CPU taking turns. */
#ifndef SHOJI_BENCH_LINUX_PINGPONG_H
#define SHOJI_BENCH_LINUX_PINGPONG_H

/*
 * usage: PROG process|thread N
 *
 * A reporter and a partner, two processes (fork) or two threads, pinned
 * to one CPU (pin_one_cpu), so that each hand-over is a context switch,
 * as between two guest tasks.  The reporter makes N/10 (at least 10)
 * warm-up operations, then N measured ones, and prints one RESULT line
 * (common.h): the cycles and nanoseconds per operation, the context
 * switches of both sides and the system calls both made over the
 * measured operations.
 *
 * A program keeps only how one side signals the other:
 *
 *   state      its shared state, a struct that starts with a struct
 *              pingpong (pingpong_init maps it MAP_SHARED, so a forked
 *              partner's tally reaches the reporter);
 *   partner    the partner's loop, pingpong_start()'s @partner: it calls
 *              pingpong_tally() after each of its operations and returns
 *              when the reporter stops it;
 *   op, stop   the reporter's operation and how it ends the partner's
 *              loop, pingpong_measure()'s @op and @stop.
 *
 * Static inline, like common.h: each baseline is one C file, and
 * pingpong_measure(), inlined into main(), calls @op directly inside the
 * measured loop rather than through a pointer.
 */

#include <sys/mman.h>

#include "common.h"

/* The harness's part of the shared state. */
struct pingpong {
	const char *prog;	   /* argv[0], for die() */
	const char *mode;	   /* "linux-process" or "linux-thread" */
	int threads;		   /* two threads, else two processes */
	int who;		   /* RUSAGE_THREAD or RUSAGE_SELF: whose switches a side counts */
	uint64_t warm, n;	   /* the reporter's warm-up and measured operations */
	uint64_t partner_switches; /* the partner's, over the measured operations */
	uint64_t partner_syscalls; /* likewise */
	struct peer partner;
};

/* The partner's own count, on its stack (pingpong_tally). */
struct pingpong_tally {
	uint64_t ops, switches0, calls0;
};

/*
 * Parses argv as "process|thread N" (else prints @usage and exits 2),
 * maps @size bytes of shared state, which start with a struct pingpong,
 * and fills that in.  Returns the state; dies when it cannot map it.
 */
static inline void *pingpong_init(int argc, char **argv, const char *usage, size_t size)
{
	int threads;

	arg_total(argc, 3, usage);
	const char *mode = arg_mode(argv, 1, &threads, usage);
	uint64_t n = arg_count(argv, 2, usage);
	struct pingpong *p =
	    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die(argv[0], "mmap");
	p->prog = argv[0];
	p->mode = mode;
	p->threads = threads;
	p->who = threads ? RUSAGE_THREAD : RUSAGE_SELF;
	p->warm = bench_warmup(n);
	p->n = n;
	return p;
}

/* Pins the caller to one CPU, then starts @partner(@p) there as a thread
 * or a forked process (peer_start). */
static inline void pingpong_start(struct pingpong *p, void *(*partner)(void *))
{
	pin_one_cpu(p->prog);
	peer_start(&p->partner, p->threads, partner, p, p->prog);
}

/*
 * In the partner, after each of its operations; @calls is the system
 * calls it has made so far.  Its operations warm + 1 to warm + n are the
 * ones that answer the reporter's measured ones: their context switches
 * and system calls go to p->partner_switches and p->partner_syscalls.
 */
static inline void pingpong_tally(struct pingpong *p, struct pingpong_tally *t, uint64_t calls)
{
	t->ops++;
	if (t->ops == p->warm) {
		t->switches0 = switches(p->who);
		t->calls0 = calls;
	}
	if (t->ops == p->warm + p->n) {
		p->partner_switches = switches(p->who) - t->switches0;
		p->partner_syscalls = calls - t->calls0;
	}
}

/*
 * The reporter: @op(@p, i) for i below warm, then for i below n measured
 * (each returns the system calls it made), @stop(@p) to end the partner's
 * loop (none when NULL: the partner ends by itself), waits for the
 * partner and prints the RESULT line of @benchmark, @variant.  Returns
 * main()'s status, 0.
 */
static inline int pingpong_measure(struct pingpong *p, const char *benchmark, const char *variant,
				   uint64_t (*op)(void *state, uint64_t i),
				   void (*stop)(void *state))
{
	uint64_t n = p->n, calls = 0;
	struct mark a, b;

	for (uint64_t i = 0; i < p->warm; i++)
		op(p, i);
	uint64_t s0 = switches(p->who);
	mark_begin(&a);
	for (uint64_t i = 0; i < n; i++)
		calls += op(p, i);
	mark_end(&b);
	uint64_t own = switches(p->who) - s0;

	if (stop)
		stop(p);
	peer_join(&p->partner);
	result(benchmark, p->mode, variant, n, p->warm, (double)(b.tsc - a.tsc),
	       (double)(b.ns - a.ns), (double)(own + p->partner_switches),
	       (double)(calls + p->partner_syscalls), -1, NULL);
	return 0;
}

#endif
