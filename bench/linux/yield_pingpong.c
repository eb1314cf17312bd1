/* yield_pingpong: Linux baseline, two processes or threads on one CPU passing it by sched_yield. */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "common.h"

/*
 * usage: yield_pingpong process|thread N
 *
 * Both pinned to one CPU; the reporter makes N/10 (at least 10) warm-up
 * yields, then N measured ones; the partner yields two more times in all.
 * One RESULT line "yield_pingpong", variant "sched_yield", per yield of
 * the reporter: with the partner runnable, the partner's yield comes in
 * between, as with the guest's bench_yield.  Whether a yield switched
 * shows in task_switches (both sides' context switches per operation).
 */

#define USAGE "yield_pingpong process|thread N"

struct ctx {
	int who;
	uint64_t warm, n;
	uint64_t partner_switches;
};

static void *partner(void *arg)
{
	struct ctx *c = arg;
	uint64_t s0 = 0;

	for (uint64_t i = 0; i < c->warm + c->n + 2; i++) {
		if (i == c->warm)
			s0 = switches(c->who);
		if (i == c->warm + c->n)
			c->partner_switches = switches(c->who) - s0;
		sched_yield();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads;
	if (argc != 3) {
		fprintf(stderr, "usage: %s\n", USAGE);
		return 2;
	}
	const char *mode = arg_mode(argv, 1, &threads, USAGE);
	uint64_t n = arg_count(argv, 2, USAGE);
	struct ctx *c =
	    mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		die(argv[0], "mmap");
	c->warm = warmup_for(n);
	c->n = n;
	c->who = threads ? RUSAGE_THREAD : RUSAGE_SELF;
	pin_one_cpu(argv[0]);

	pthread_t th;
	pid_t pid = -1;
	if (threads) {
		if (pthread_create(&th, NULL, partner, c))
			die(argv[0], "pthread_create");
	} else {
		pid = fork();
		if (pid < 0)
			die(argv[0], "fork");
		if (pid == 0) {
			partner(c);
			_exit(0);
		}
	}

	struct mark a, b;
	for (uint64_t i = 0; i < c->warm; i++)
		sched_yield();
	uint64_t s0 = switches(c->who);
	mark_begin(&a);
	for (uint64_t i = 0; i < n; i++)
		sched_yield();
	mark_end(&b);
	uint64_t own = switches(c->who) - s0;

	if (threads)
		pthread_join(th, NULL);
	else
		waitpid(pid, NULL, 0);
	result("yield_pingpong", mode, "sched_yield", n, c->warm, (double)(b.tsc - a.tsc),
	       (double)(b.ns - a.ns), (double)(own + c->partner_switches), 2.0 * n, -1, NULL);
	return 0;
}
