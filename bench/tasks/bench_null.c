/* bench_null: the null system call, SYS_GETPID through the trampoline (SYSCALL, or the gate). */
#include "bench.h"

/*
 * usage: bench_null MODE VARIANT N
 *
 * N calls of sys_getpid() after N/10 (at least 10) warm-up calls; one
 * RESULT line "null_syscall" (VARIANT labels it; MODE must be the task's).  The
 * number includes the wrapper (lib/user.h, inline: a call to the trampoline at
 * SHOJI_GATE_OFFSET) and the loop, a few instructions.
 */

#define USAGE "bench_null MODE VARIANT N"

int main(int argc, char **argv)
{
	unsigned long n;
	struct roi r;

	if (argc != 4 || bench_check_mode(argv[1]) || bench_arg(argv, 3, &n, USAGE))
		return bench_usage(USAGE);
	uint64_t warm = bench_warmup(n);
	long pid = sys_getpid();

	for (uint64_t i = 0; i < warm; i++)
		sys_getpid();
	roi_begin(&r);
	for (uint64_t i = 0; i < n; i++)
		if (sys_getpid() != pid)
			bench_fail("bench_null", "getpid", -SHOJI_EINVAL);
	roi_end(&r);
	roi_result(&r,
		   &(struct roi_report){
		       .benchmark = "null_syscall", .variant = argv[2], .ops = n, .warmup = warm});
	return 0;
}
