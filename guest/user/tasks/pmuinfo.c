/* pmuinfo: prints what SYS_PMU answers, and checks that the answer is well formed (none: zeroed).
 */
#include "user.h"

/*
 * usage: pmuinfo
 *
 * Prints "pmuinfo: no counters" when the kernel has none (the answer
 * must then be all zeros, whatever the buffer held before), else
 * "pmuinfo: N counters: NAME/BITS=VALUE ...", and "pmuinfo: EFAULT ok"
 * when a pointer into the kernel is refused.  Exits 1 on anything else.
 */

static int check(const struct shoji_pmu *p, long n)
{
	static const struct shoji_pmu zero;

	if (n < 0 || n > SHOJI_PMU_MAX || p->count != (unsigned long)n) {
		printf("pmuinfo: returned %ld with count %u\n", n, p->count);
		return 1;
	}
	if (!n) {
		if (memcmp(p, &zero, sizeof(zero))) {
			printf("pmuinfo: no counters, but the answer is not zeroed\n");
			return 1;
		}
		printf("pmuinfo: no counters\n");
		return 0;
	}
	printf("pmuinfo: %ld counters:", n);
	for (long i = 0; i < n; i++)
		printf(" %s/%u=%llu", shoji_pmu_event_name(p->event[i]), p->bits[i], p->value[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct shoji_pmu p;

	if (argc != 1) {
		printf("usage: %s\n", argv[0]);
		return 1;
	}
	memset(&p, 0xa5, sizeof(p)); /* what a kernel that wrote nothing would leave */
	if (check(&p, sys_pmu(&p)))
		return 1;
	long err = sys_pmu((struct shoji_pmu *)KERNEL_IMAGE_ADDR);
	if (err != -SHOJI_EFAULT) {
		printf("pmuinfo: a kernel pointer gave %ld, want -EFAULT\n", err);
		return 1;
	}
	printf("pmuinfo: EFAULT ok\n");
	return 0;
}
