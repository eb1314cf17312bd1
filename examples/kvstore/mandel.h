/* mandel.h: crunch's computation in plain C, which the host runs too (tests/sdk/run). */
#ifndef MANDEL_H
#define MANDEL_H

#define MANDEL_ITER 256
#define MANDEL_LINE "crunch: %ld of %d points inside, area %.6f\n"

/* Whether c = cr + i*ci stays bounded for MANDEL_ITER steps. */
static int mandel_inside(double cr, double ci)
{
	double zr = 0, zi = 0;
	for (int k = 0; k < MANDEL_ITER; k++) {
		double zr2 = zr * zr, zi2 = zi * zi;
		if (zr2 + zi2 > 4.0)
			return 0;
		zi = 2 * zr * zi + ci;
		zr = zr2 - zi2 + cr;
	}
	return 1;
}

/* The points inside, of the centres of an n x n grid over [-2, 0.5] x
 * [-1.25, 1.25]. */
static long mandel_count(int n)
{
	double w = 2.5 / n;
	long count = 0;
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			count += mandel_inside(-2.0 + (x + 0.5) * w, -1.25 + (y + 0.5) * w);
	return count;
}

/* The area they stand for. */
static double mandel_area(long count, int n)
{
	double w = 2.5 / n;
	return count * w * w;
}

#endif
