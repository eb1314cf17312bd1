/* spin: busy-loops for MS milliseconds without yielding, to show that the timer preempts it. */
#include "user.h"

/*
 * usage: spin [MS]        (default 500)
 *
 * Runs until MS ms of sys_clock() time have passed, making no system call
 * in the loop but a sys_clock() every CHECK_EVERY iterations, and never
 * yielding: only a timer interrupt lets another task run meanwhile.  A test
 * starts spin and then hello; with preemption hello's line comes first.
 */

#define CHECK_EVERY 4096

int main(int argc, char **argv)
{
	unsigned long ms = 500;

	if (argc > 2 || (argc == 2 && parse_ulong(argv[1], 10, &ms) < 0)) {
		printf("spin: usage: spin [MS]\n");
		return 1;
	}

	long start = sys_clock();
	long now = start;
	unsigned long counter = 0;

	while ((unsigned long)(now - start) < ms * 1000000UL) {
		/* The empty asm "changes" counter, so gcc cannot drop the loop. */
		for (int i = 0; i < CHECK_EVERY; i++)
			__asm__ volatile("" : "+r"(counter));
		counter += CHECK_EVERY;
		now = sys_clock();
		if (now < 0) {
			printf("spin: clock failed: %s (%ld)\n", sys_errname(now), -now);
			return 1;
		}
	}
	printf("spin: done after %ld ms\n", (now - start) / 1000000);
	return 0;
}
