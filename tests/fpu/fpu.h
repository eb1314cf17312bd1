/* Fixture functions of tests/fpu/: float-heavy task code built with USER_FPU_CFLAGS. */
#ifndef TESTS_FPU_H
#define TESTS_FPU_H

/*
 * Nothing here is a test by itself: tests/unit/test_fpu_code.c loads the
 * task these files make (build/tests/fpu/fpu-code.elf) in kernel mode on
 * the host and the verifier must accept it.  Each function is what the
 * compilers turn into the SSE/SSE2 instructions of one kind of C; they are
 * noinline so that each keeps its own code.
 */

struct fpu_big;
struct fpu_pair;
struct fpu_vec3;

/* scalar.c */
double fpu_poly(double x, const double *c, int n);
float fpu_mixf(float a, float b, float t);
double fpu_sqrt(double x);
float fpu_sqrtf(float x);
double fpu_fabs(double x);
float fpu_copysignf(float x, float y);
double fpu_copysign(double x, double y);
double fpu_neg(double x);
double fpu_fmin(double a, double b);
float fpu_fmaxf(float a, float b);
int fpu_cmp(double a, double b);
int fpu_cmpf(float a, float b);
long fpu_to_long(double x);
int fpu_to_int(float x);
unsigned long fpu_to_ulong(double x);
unsigned fpu_to_uint(float x);
double fpu_from_long(long x);
float fpu_from_int(int x);
double fpu_from_ulong(unsigned long x);
float fpu_from_uint(unsigned x);
double fpu_widen(float x);
float fpu_narrow(double x);
double fpu_select(double a, double b, int c);
double fpu_bits(unsigned long u);
unsigned fpu_bitsf(float f);
double fpu_trunc(double x);
int fpu_signbit(double x);
int fpu_isnan(double x);
int fpu_isinf(float x);

/* vector.c */
void fpu_saxpy(float *restrict y, const float *restrict x, float a, int n);
double fpu_dot(const double *x, const double *y, int n);
float fpu_sumf(const float *x, int n);
void fpu_scale(double *restrict y, const double *restrict x, int n);
void fpu_clamp(float *x, int n, float lo, float hi);
void fpu_abs_all(double *x, int n);
void fpu_sqrt_all(float *x, int n);
void fpu_itof(float *restrict y, const int *restrict x, int n);
void fpu_ftoi(int *restrict y, const float *restrict x, int n);
void fpu_ftod(double *restrict y, const float *restrict x, int n);
void fpu_dtof(float *restrict y, const double *restrict x, int n);
int fpu_count_less(const double *x, int n, double t);
float fpu_maxf(const float *x, int n);
void fpu_cmul(float *restrict r, const float *restrict a, const float *restrict b, int n);
void fpu_matmul4(float *restrict c, const float *restrict a, const float *restrict b);

/* integer.c */
void fpu_add32(int *restrict y, const int *restrict x, int n);
void fpu_mul32(unsigned *restrict y, const unsigned *restrict x, int n);
void fpu_mul16(short *restrict y, const short *restrict x, int n);
void fpu_add64(long *restrict y, const long *restrict x, int n);
void fpu_shr64(unsigned long *x, int n, int s);
void fpu_bytes(unsigned char *restrict y, const unsigned char *restrict x, int n);
int fpu_sum8(const unsigned char *x, int n);
long fpu_sum16(const short *x, int n);
void fpu_narrow16(unsigned char *restrict y, const unsigned short *x, int n);
void fpu_sat(short *restrict y, const int *restrict x, int n);
int fpu_count_eq(const int *x, int n, int v);
int fpu_max32(const int *x, int n);
unsigned char fpu_maxu8(const unsigned char *x, int n);
void fpu_avg(unsigned char *restrict y, const unsigned char *restrict a,
	     const unsigned char *restrict b, int n);
void fpu_widen8(int *restrict y, const signed char *restrict x, int n);
void fpu_rev(int *restrict y, const int *restrict x, int n);
long fpu_find(const char *s, int n, char c);

/* memory.c */
void fpu_copy(struct fpu_big *restrict dst, const struct fpu_big *restrict src);
struct fpu_big fpu_make(double x);
void fpu_zero(struct fpu_big *b);
struct fpu_pair fpu_pair_add(struct fpu_pair a, struct fpu_pair b);
void fpu_fill(unsigned char *p, int n, unsigned char v);
void fpu_fill_d(double *p, int n, double v);
void fpu_move(long *restrict d, const long *restrict s, int n);
double fpu_len2(const struct fpu_vec3 *v);
void fpu_swap(struct fpu_vec3 *a, struct fpu_vec3 *b);

#endif
