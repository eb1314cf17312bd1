/* pingpong.h: the harness of the Linux ping-pong baselines: two tasks taking turns, on one CPU or
 * on two. */
#ifndef SHOJI_BENCH_LINUX_PINGPONG_H
#define SHOJI_BENCH_LINUX_PINGPONG_H

/*
 * usage: PROG process|thread N [xcpu]
 *
 * A reporter and a partner, two processes (fork) or two threads, pinned
 * to one CPU (pin_one_cpu), so that each hand-over is a context switch,
 * as between two guest tasks.  The reporter makes N/10 (at least 10)
 * warm-up operations, then N measured ones, and prints one RESULT line
 * (common.h): the cycles and nanoseconds per operation, the context
 * switches of both sides and the system calls both made over the
 * measured operations.
 *
 * With xcpu (the IPC baselines only: pingpong_init's @xcpu_ok) the two
 * sides run on two CPUs instead, the reporter on the lowest the process
 * may use and the partner on the next (usable_cpus: CPUs 0 and 1 where it
 * may use all), so that each hand-over wakes the other CPU: the benchmark
 * is named BENCHMARK_xcpu, and the line has "cpus":2, "pairs":1 and
 * "pinned":"A,B".  Where the process may use only one CPU it prints a
 * SKIP line saying so instead, and exits 0.
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
	int xcpu;		   /* the sides on two CPUs, cpu[0] the reporter's */
	int cpu[2];
	const char *skip; /* why the xcpu run cannot be, else NULL */
	struct peer partner;
};

/* The partner's own count, on its stack (pingpong_tally). */
struct pingpong_tally {
	uint64_t ops, switches0, calls0;
};

/*
 * Parses argv as "process|thread N", or "process|thread N xcpu" when
 * @xcpu_ok (else prints @usage and exits 2), maps @size bytes of shared
 * state, which start with a struct pingpong, and fills that in.  Returns
 * the state; dies when it cannot map it.
 */
static inline void *pingpong_init(int argc, char **argv, const char *usage, size_t size,
				  int xcpu_ok)
{
	int threads, xcpu = xcpu_ok && argc == 4;

	arg_total(argc, 3 + xcpu, usage);
	if (xcpu && strcmp(argv[3], "xcpu")) {
		fprintf(stderr, "%s: '%s' is not xcpu; usage: %s\n", argv[0], argv[3], usage);
		exit(2);
	}
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
	p->xcpu = xcpu;
	return p;
}

/*
 * Pins the caller to one CPU, then starts @partner(@p) there as a thread
 * or a forked process (peer_start).  xcpu: starts the partner pinned to
 * the second CPU, then pins the caller to the first; with one CPU it
 * starts nothing and pingpong_measure() prints the SKIP line.
 */
static inline void pingpong_start(struct pingpong *p, void *(*partner)(void *))
{
	if (!p->xcpu) {
		pin_one_cpu(p->prog);
		peer_start(&p->partner, p->threads, partner, p, p->prog);
		return;
	}
	if (usable_cpus(p->prog, p->cpu, 2) < 2) {
		p->skip = "the process may use one CPU only (sched_getaffinity): xcpu needs two";
		return;
	}
	pin_cpu(p->prog, p->cpu[1]);
	peer_start(&p->partner, p->threads, partner, p, p->prog);
	pin_cpu(p->prog, p->cpu[0]);
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
 * partner and prints the RESULT line of @benchmark (BENCHMARK_xcpu with
 * xcpu), @variant, or the SKIP line when pingpong_start() could not start
 * the partner.  Returns main()'s status, 0.
 */
static inline int pingpong_measure(struct pingpong *p, const char *benchmark, const char *variant,
				   uint64_t (*op)(void *state, uint64_t i),
				   void (*stop)(void *state))
{
	uint64_t n = p->n, calls = 0;
	struct mark a, b;
	char name[64], extra[96], cpus[32];

	snprintf(name, sizeof(name), "%s%s", benchmark, p->xcpu ? "_xcpu" : "");
	if (p->skip) {
		skip(name, p->mode, variant, p->skip);
		return 0;
	}
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
	cpu_list(cpus, sizeof(cpus), p->cpu, 2);
	snprintf(extra, sizeof(extra), ",\"cpus\":2,\"pairs\":1,\"pinned\":\"%s\"", cpus);
	result(name, p->mode, variant, n, p->warm, (double)(b.tsc - a.tsc), (double)(b.ns - a.ns),
	       (double)(own + p->partner_switches), (double)(calls + p->partner_syscalls), -1,
	       p->xcpu ? extra : NULL);
	return 0;
}

#endif
