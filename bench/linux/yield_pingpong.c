/* yield_pingpong: Linux baseline, two processes or threads on one CPU passing it by sched_yield. */
#include "yield.h"

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

int main(int argc, char **argv)
{
	struct pingpong *p = pingpong_init(argc, argv, USAGE, sizeof(*p), 0);

	pingpong_start(p, yield_partner);
	return pingpong_measure(p, "yield_pingpong", "sched_yield", yield_op, NULL);
}
