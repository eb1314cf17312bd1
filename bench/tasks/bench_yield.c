/* bench_yield: yield ping-pong, two tasks handing the CPU to each other with sys_yield(). */
#include "bench.h"

/*
 * usage: bench_yield MODE VARIANT partner N
 *        bench_yield MODE VARIANT report N
 *
 * Start the partner first, then the reporter, and nothing else runnable:
 * each sys_yield() then switches to the other task.  The reporter makes
 * N/10 (at least 10) warm-up yields, then N measured ones, and prints one
 * RESULT line "yield_pingpong" per yield of its own: its yield and the
 * partner's in between, two switches and two system calls per operation
 * (VARIANT labels the line; MODE must be the task's).  The partner yields two more
 * times than the reporter in all, so it is still there for the reporter's
 * last yield.
 */

#define USAGE "bench_yield MODE VARIANT partner|report N"

int main(int argc, char **argv)
{
	unsigned long n;
	struct roi r;

	if (argc != 5 || bench_check_mode(argv[1]) || bench_arg(argv, 4, &n, USAGE))
		return bench_usage(USAGE);
	uint64_t warm = bench_warmup(n);

	if (strcmp(argv[3], "partner") == 0) {
		for (uint64_t i = 0; i < warm + n + 2; i++)
			sys_yield();
		return 0;
	}
	if (strcmp(argv[3], "report"))
		return bench_usage(USAGE);
	for (uint64_t i = 0; i < warm; i++)
		sys_yield();
	roi_begin(&r);
	for (uint64_t i = 0; i < n; i++)
		sys_yield();
	roi_end(&r);
	roi_result(
	    &r, &(struct roi_report){
		    .benchmark = "yield_pingpong", .variant = argv[2], .ops = n, .warmup = warm});
	return 0;
}
