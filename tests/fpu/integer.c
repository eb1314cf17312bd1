/* Fixture: integer loops the compilers vectorize with SSE2 (add, mul, shifts, compares, packs). */
#include "fpu.h"

__attribute__((noinline)) void fpu_add32(int *restrict y, const int *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] += x[i] * 7 + (x[i] >> 3);
}

__attribute__((noinline)) void fpu_mul32(unsigned *restrict y, const unsigned *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = x[i] * y[i];
}

__attribute__((noinline)) void fpu_mul16(short *restrict y, const short *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = (short)(x[i] * y[i] + (x[i] >> 2));
}

__attribute__((noinline)) void fpu_add64(long *restrict y, const long *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = y[i] + (x[i] << 5) - (x[i] >> 1);
}

__attribute__((noinline)) void fpu_shr64(unsigned long *x, int n, int s)
{
	for (int i = 0; i < n; i++)
		x[i] = (x[i] >> s) ^ (x[i] << 3);
}

__attribute__((noinline)) void fpu_bytes(unsigned char *restrict y, const unsigned char *restrict x,
					 int n)
{
	for (int i = 0; i < n; i++)
		y[i] = (unsigned char)(x[i] + y[i]) ^ 0x5a;
}

__attribute__((noinline)) int fpu_sum8(const unsigned char *x, int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return s;
}

__attribute__((noinline)) long fpu_sum16(const short *x, int n)
{
	long s = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return s;
}

__attribute__((noinline)) void fpu_narrow16(unsigned char *restrict y, const unsigned short *x,
					    int n)
{
	for (int i = 0; i < n; i++)
		y[i] = (unsigned char)x[i];
}

__attribute__((noinline)) void fpu_sat(short *restrict y, const int *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = (short)(x[i] > 32767 ? 32767 : x[i] < -32768 ? -32768 : x[i]);
}

__attribute__((noinline)) int fpu_count_eq(const int *x, int n, int v)
{
	int c = 0;
	for (int i = 0; i < n; i++)
		c += x[i] == v;
	return c;
}

__attribute__((noinline)) int fpu_max32(const int *x, int n)
{
	int m = x[0];
	for (int i = 1; i < n; i++)
		m = x[i] > m ? x[i] : m;
	return m;
}

__attribute__((noinline)) unsigned char fpu_maxu8(const unsigned char *x, int n)
{
	unsigned char m = 0;
	for (int i = 0; i < n; i++)
		m = x[i] > m ? x[i] : m;
	return m;
}

__attribute__((noinline)) void fpu_avg(unsigned char *restrict y, const unsigned char *restrict a,
				       const unsigned char *restrict b, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = (unsigned char)((a[i] + b[i] + 1) >> 1);
}

__attribute__((noinline)) void fpu_widen8(int *restrict y, const signed char *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = x[i];
}

__attribute__((noinline)) void fpu_rev(int *restrict y, const int *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = x[n - 1 - i];
}

__attribute__((noinline)) long fpu_find(const char *s, int n, char c)
{
	for (int i = 0; i < n; i++)
		if (s[i] == c)
			return i;
	return -1;
}
