/* yield_fifo: Linux baseline, sched_yield between two SCHED_FIFO tasks on one CPU. */
#include "yield.h"

/*
 * usage: yield_fifo process|thread N
 *
 * yield_pingpong's loop under the real-time scheduler: the reporter sets
 * SCHED_FIFO, priority 1, before the partner starts (a forked child and a
 * new thread inherit it), so that sched_yield() hands the CPU to the other
 * task of the same priority by the FIFO rule, without the fair
 * scheduler's accounting.  One RESULT line "yield_pingpong", variant
 * "sched_yield-fifo", per yield of the reporter (its own and its
 * partner's).  Without the privilege to set SCHED_FIFO it prints SKIP.
 */

#define USAGE "yield_fifo process|thread N"

int main(int argc, char **argv)
{
	struct pingpong *p = pingpong_init(argc, argv, USAGE, sizeof(*p), 0);
	struct sched_param sp = {.sched_priority = 1};

	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		skip("yield_pingpong", p->mode, "sched_yield-fifo",
		     "sched_setscheduler SCHED_FIFO refused (needs CAP_SYS_NICE)");
		return 0;
	}
	pingpong_start(p, yield_partner);
	return pingpong_measure(p, "yield_pingpong", "sched_yield-fifo", yield_op, NULL);
}
