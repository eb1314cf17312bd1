/* yield_pingpong: Linux baseline, two processes or threads on one CPU passing it by sched_yield. */
#include "pingpong.h"

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

static void *partner(void *arg)
{
	struct pingpong *p = arg;
	struct pingpong_tally t = {0};

	for (uint64_t i = 0; i < p->warm + p->n + 2; i++) {
		sched_yield();
		pingpong_tally(p, &t, i + 1);
	}
	return NULL;
}

static uint64_t yield(void *arg, uint64_t i)
{
	sched_yield();
	return 1;
}

int main(int argc, char **argv)
{
	struct pingpong *p = pingpong_init(argc, argv, USAGE, sizeof(*p));

	pingpong_start(p, partner);
	return pingpong_measure(p, "yield_pingpong", "sched_yield", yield, NULL);
}
