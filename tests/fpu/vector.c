/* Fixture: loops the compilers vectorize over float, double and integer arrays. */
#include "fpu.h"

__attribute__((noinline)) void fpu_saxpy(float *restrict y, const float *restrict x, float a, int n)
{
	for (int i = 0; i < n; i++)
		y[i] += a * x[i];
}

__attribute__((noinline)) double fpu_dot(const double *x, const double *y, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += x[i] * y[i];
	return s;
}

__attribute__((noinline)) float fpu_sumf(const float *x, int n)
{
	float s = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return s;
}

__attribute__((noinline)) void fpu_scale(double *restrict y, const double *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = x[i] / 3.0 - 1.0;
}

__attribute__((noinline)) void fpu_clamp(float *x, int n, float lo, float hi)
{
	for (int i = 0; i < n; i++)
		x[i] = x[i] < lo ? lo : x[i] > hi ? hi : x[i];
}

__attribute__((noinline)) void fpu_abs_all(double *x, int n)
{
	for (int i = 0; i < n; i++)
		x[i] = __builtin_fabs(x[i]);
}

__attribute__((noinline)) void fpu_sqrt_all(float *x, int n)
{
	for (int i = 0; i < n; i++)
		x[i] = __builtin_sqrtf(x[i]);
}

__attribute__((noinline)) void fpu_itof(float *restrict y, const int *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = (float)x[i];
}

__attribute__((noinline)) void fpu_ftoi(int *restrict y, const float *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = (int)x[i];
}

__attribute__((noinline)) void fpu_ftod(double *restrict y, const float *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = x[i];
}

__attribute__((noinline)) void fpu_dtof(float *restrict y, const double *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = (float)x[i];
}

__attribute__((noinline)) int fpu_count_less(const double *x, int n, double t)
{
	int c = 0;
	for (int i = 0; i < n; i++)
		c += x[i] < t;
	return c;
}

__attribute__((noinline)) float fpu_maxf(const float *x, int n)
{
	float m = x[0];
	for (int i = 1; i < n; i++)
		m = x[i] > m ? x[i] : m;
	return m;
}

__attribute__((noinline)) void fpu_cmul(float *restrict r, const float *restrict a,
					const float *restrict b, int n)
{
	for (int i = 0; i < n; i++) {
		r[2 * i] = a[2 * i] * b[2 * i] - a[2 * i + 1] * b[2 * i + 1];
		r[2 * i + 1] = a[2 * i] * b[2 * i + 1] + a[2 * i + 1] * b[2 * i];
	}
}

__attribute__((noinline)) void fpu_matmul4(float *restrict c, const float *restrict a,
					   const float *restrict b)
{
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++) {
			float s = 0;
			for (int k = 0; k < 4; k++)
				s += a[4 * i + k] * b[4 * k + j];
			c[4 * i + j] = s;
		}
}
