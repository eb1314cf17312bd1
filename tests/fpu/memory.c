/* Fixture: struct copies, zeroing and memset-like loops, which compilers do with XMM moves. */
#include "fpu.h"

struct fpu_big {
	double d[6];
	float f[5];
	long l[3];
};

__attribute__((noinline)) void fpu_copy(struct fpu_big *restrict dst,
					const struct fpu_big *restrict src)
{
	*dst = *src;
}

__attribute__((noinline)) struct fpu_big fpu_make(double x)
{
	struct fpu_big b = {{x, x, 0, 0, 1, 2}, {0}, {0}};
	return b;
}

__attribute__((noinline)) void fpu_zero(struct fpu_big *b)
{
	*b = (struct fpu_big){0};
}

__attribute__((noinline)) void fpu_fill(unsigned char *p, int n, unsigned char v)
{
	for (int i = 0; i < n; i++)
		p[i] = v;
}

__attribute__((noinline)) void fpu_fill_d(double *p, int n, double v)
{
	for (int i = 0; i < n; i++)
		p[i] = v;
}

__attribute__((noinline)) void fpu_move(long *restrict d, const long *restrict s, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = s[i];
}

struct fpu_pair {
	float x, y;
};

__attribute__((noinline)) struct fpu_pair fpu_pair_add(struct fpu_pair a, struct fpu_pair b)
{
	return (struct fpu_pair){a.x + b.x, a.y + b.y};
}

struct fpu_vec3 {
	double x, y, z;
};

__attribute__((noinline)) double fpu_len2(const struct fpu_vec3 *v)
{
	return v->x * v->x + v->y * v->y + v->z * v->z;
}

__attribute__((noinline)) void fpu_swap(struct fpu_vec3 *a, struct fpu_vec3 *b)
{
	struct fpu_vec3 t = *a;
	*a = *b;
	*b = t;
}
