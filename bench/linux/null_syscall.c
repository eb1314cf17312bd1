/* null_syscall: Linux baseline, getppid() by the SYSCALL instruction itself (no libc, no vDSO). */
#include <sys/syscall.h>

#include "common.h"

/*
 * usage: null_syscall N
 *
 * N/10 (at least 10) warm-up calls, then N measured ones of getppid (a
 * system call that does next to nothing and that no library caches),
 * made with an inline SYSCALL (RCX and R11 clobbered, SDM Vol. 2B).  One
 * RESULT line "null_syscall", mode "linux-process", variant "getppid".
 * Like the guest's, the number includes the loop; unlike the guest's, no
 * call to a trampoline (the guest's wrapper calls one).
 */

#define USAGE "null_syscall N"

static inline long raw_getppid(void)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"((long)SYS_getppid) : "rcx", "r11", "memory");
	return ret;
}

int main(int argc, char **argv)
{
	arg_total(argc, 2, USAGE);
	uint64_t n = arg_count(argv, 1, USAGE), warm = bench_warmup(n);
	long ppid = getppid();
	struct mark a, b;

	pin_one_cpu(argv[0]);
	for (uint64_t i = 0; i < warm; i++)
		raw_getppid();
	uint64_t s0 = switches(RUSAGE_SELF);
	mark_begin(&a);
	for (uint64_t i = 0; i < n; i++)
		if (raw_getppid() != ppid) {
			fprintf(stderr, "%s: getppid changed\n", argv[0]);
			return 1;
		}
	mark_end(&b);
	result("null_syscall", "linux-process", "getppid", n, warm, (double)(b.tsc - a.tsc),
	       (double)(b.ns - a.ns), (double)(switches(RUSAGE_SELF) - s0), (double)n, -1, NULL);
	return 0;
}
