/* crunch: a CPU-bound task in double precision: the Mandelbrot set's area, by counting points. */
#include <stdio.h>
#include <roi.h>
#include <stdlib.h>
#include <user.h>

#include "mandel.h"

/*
 * usage: crunch [N]   (an N x N grid over [-2, 0.5] x [-1.25, 1.25],
 *                      default 64, at most 1024; 256 iterations a point)
 *
 * Prints the estimated area with printf's %f and the points inside, and a
 * RESULT line for the whole computation (per grid point).  The arithmetic
 * is IEEE double with SSE2 (mandel.h), the same in every mode and on the
 * host: tests/sdk/run compiles mandel.h into a host program and compares
 * its line, printed by glibc, with the task's.
 */

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 64;
	if (n < 1 || n > 1024) {
		printf("usage: crunch [N]  (1 <= N <= 1024)\n");
		return 2;
	}
	struct roi r;

	roi_begin(&r);
	long count = mandel_count(n);
	roi_end(&r);
	roi_result(&r, &(struct roi_report){.benchmark = "mandelbrot_point",
					    .variant = "grid",
					    .ops = (uint64_t)n * n});

	printf(MANDEL_LINE, count, n * n, mandel_area(count, n));
	return 0;
}
