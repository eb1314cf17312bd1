/* crunch: a CPU-bound task in double precision: the Mandelbrot set's area by counting grid points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <user.h>

/*
 * usage: crunch [N]   (an N x N grid over [-2, 0.5] x [-1.25, 1.25],
 *                      default 64, at most 1024; 256 iterations a point)
 *
 * Prints the estimated area with printf's %f and the points inside, and a
 * RESULT line for the whole computation (per grid point).  The arithmetic
 * is IEEE double with SSE2, the same in every mode and on the host: the
 * printed numbers are exact functions of N (docs/task-sdk.md).
 */

#define ITER 256

static int inside(double cr, double ci)
{
	double zr = 0, zi = 0;
	for (int k = 0; k < ITER; k++) {
		double zr2 = zr * zr, zi2 = zi * zi;
		if (zr2 + zi2 > 4.0)
			return 0;
		zi = 2 * zr * zi + ci;
		zr = zr2 - zi2 + cr;
	}
	return 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 64;
	if (n < 1 || n > 1024) {
		printf("usage: crunch [N]  (1 <= N <= 1024)\n");
		return 2;
	}
	long count = 0;
	double w = 2.5 / n, h = 2.5 / n;

	ROI_BEGIN();
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			count += inside(-2.0 + (x + 0.5) * w, -1.25 + (y + 0.5) * h);
	ROI_END("mandelbrot_point", (unsigned long)n * n);

	printf("crunch: %ld of %d points inside, area %.6f\n", count, n * n, count * w * h);
	return 0;
}
