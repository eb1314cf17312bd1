/* fpcalc's computation in double and float, shared by the task and the host program that computes
 * its expected results. */
#ifndef FPCALC_H
#define FPCALC_H

#include <stdint.h>

/*
 * Compiled twice: into the task (guest/user/tasks/fpcalc.c, with
 * USER_FPU_CFLAGS: SSE2 arithmetic) and into tests/guest/fpcalc-host.c
 * (x86-64's SSE2 too), which prints the results it gets as the header the
 * task compares with, bit for bit.  Everything here is IEEE 754 basic
 * arithmetic, square roots and conversions, each correctly rounded, so
 * the two agree exactly unless the task's registers are disturbed
 * between its instructions.  Inline, so that the task keeps its state in
 * XMM registers across its system calls.
 */

#define FPCALC_SEEDS 8	     /* seeds 0..7: copies of the task compute differently */
#define FPCALC_STEPS 120000  /* steps in all */
#define FPCALC_YIELDING 4000 /* the first steps, with a yield every few */
#define FPCALC_RESULTS 5

struct fpcalc {
	double a, s, b;
	float f;
	uint64_t n;
	uint32_t seed;
};

static inline void fpcalc_init(struct fpcalc *c, unsigned seed)
{
	c->a = 1.0 + (double)seed / 3.0;
	c->s = (double)seed;
	c->b = -0.25 * (double)seed;
	c->f = 1.5f + (float)seed;
	c->n = seed;
	c->seed = seed;
}

/* Step i: int to double (signed), arithmetic, division, square roots,
 * double to int (truncating), float arithmetic and float to double. */
static inline void fpcalc_step(struct fpcalc *c, uint32_t i)
{
	double x = (double)(int32_t)((i + c->seed * 7919u) * 2654435761u) / 4096.0;
	c->a = c->a * 0.999 + x / (1.0 + (double)i);
	c->s += __builtin_sqrt(c->a * c->a + x * x) / 1024.0;
	c->n = c->n * 31 + (uint64_t)(int64_t)(c->s * 0.001 - c->a);
	c->f = c->f * 0.5f + (float)x / ((float)i + 3.0f) + __builtin_sqrtf((float)(i & 1023));
	c->b += (double)c->f / (double)(i + 1) - c->a * 1e-6;
}

/* The results as bits: a, s, b, f (widened to 64 bits), n. */
static inline void fpcalc_results(const struct fpcalc *c, uint64_t out[FPCALC_RESULTS])
{
	union {
		double d;
		float f;
		uint64_t u;
		uint32_t u32;
	} v;
	v.d = c->a, out[0] = v.u;
	v.d = c->s, out[1] = v.u;
	v.d = c->b, out[2] = v.u;
	v.f = c->f, out[3] = v.u32;
	out[4] = c->n;
}

#endif
