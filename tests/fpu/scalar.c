/* Fixture: scalar float and double code (arithmetic, conversions, comparisons, libm-free helpers).
 */
#include "fpu.h"

__attribute__((noinline)) double fpu_poly(double x, const double *c, int n)
{
	double r = 0;
	for (int i = n - 1; i >= 0; i--)
		r = r * x + c[i];
	return r;
}

__attribute__((noinline)) float fpu_mixf(float a, float b, float t)
{
	return a + (b - a) * t / (1.0f + t * t);
}

__attribute__((noinline)) double fpu_sqrt(double x)
{
	return __builtin_sqrt(x);
}

__attribute__((noinline)) float fpu_sqrtf(float x)
{
	return __builtin_sqrtf(x);
}

__attribute__((noinline)) double fpu_fabs(double x)
{
	return __builtin_fabs(x);
}

__attribute__((noinline)) float fpu_copysignf(float x, float y)
{
	return __builtin_copysignf(x, y);
}

__attribute__((noinline)) double fpu_copysign(double x, double y)
{
	return __builtin_copysign(x, y);
}

__attribute__((noinline)) double fpu_neg(double x)
{
	return -x;
}

__attribute__((noinline)) double fpu_fmin(double a, double b)
{
	return a < b ? a : b;
}

__attribute__((noinline)) float fpu_fmaxf(float a, float b)
{
	return a > b ? a : b;
}

__attribute__((noinline)) int fpu_cmp(double a, double b)
{
	return (a < b) + 2 * (a == b) + 4 * (a >= b) + 8 * __builtin_isunordered(a, b);
}

__attribute__((noinline)) int fpu_cmpf(float a, float b)
{
	return (a <= b) | (a != b) << 1 | (a > b) << 2;
}

__attribute__((noinline)) long fpu_to_long(double x)
{
	return (long)x;
}

__attribute__((noinline)) int fpu_to_int(float x)
{
	return (int)x;
}

__attribute__((noinline)) unsigned long fpu_to_ulong(double x)
{
	return (unsigned long)x;
}

__attribute__((noinline)) unsigned fpu_to_uint(float x)
{
	return (unsigned)x;
}

__attribute__((noinline)) double fpu_from_long(long x)
{
	return (double)x;
}

__attribute__((noinline)) float fpu_from_int(int x)
{
	return (float)x;
}

__attribute__((noinline)) double fpu_from_ulong(unsigned long x)
{
	return (double)x;
}

__attribute__((noinline)) float fpu_from_uint(unsigned x)
{
	return (float)x;
}

__attribute__((noinline)) double fpu_widen(float x)
{
	return x;
}

__attribute__((noinline)) float fpu_narrow(double x)
{
	return (float)x;
}

__attribute__((noinline)) double fpu_select(double a, double b, int c)
{
	return c ? a : b;
}

__attribute__((noinline)) double fpu_bits(unsigned long u)
{
	union {
		unsigned long u;
		double d;
	} v = {.u = u};
	return v.d * 2.0;
}

__attribute__((noinline)) unsigned fpu_bitsf(float f)
{
	union {
		float f;
		unsigned u;
	} v = {.f = f};
	return v.u ^ 0x80000000u;
}

__attribute__((noinline)) double fpu_trunc(double x)
{
	return (double)(long)x;
}

__attribute__((noinline)) int fpu_signbit(double x)
{
	return __builtin_signbit(x) != 0;
}

__attribute__((noinline)) int fpu_isnan(double x)
{
	return __builtin_isnan(x);
}

__attribute__((noinline)) int fpu_isinf(float x)
{
	return __builtin_isinf(x);
}
