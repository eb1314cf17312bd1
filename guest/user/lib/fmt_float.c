/* %f %e %g for tasks: a double's exact decimal value, integer arithmetic, ties to even. */
#include <stdbool.h>
#include <stdint.h>
#include "lib/fmt.h"
#include "runtime.h"

/*
 * A finite double is m * 2^e2 with m < 2^53 (IEEE 754-2008 3.4).  For
 * e2 >= 0 that is an integer; for e2 < 0 it is m * 5^-e2 / 10^-e2.  Either
 * way one big integer N, written in decimal, and a power of ten give every
 * digit of the exact value, so rounding to any precision is exact: ties
 * (a dropped part of exactly one half) go to the even digit, as glibc
 * rounds them.  N < 2^53 * 5^1074 < 10^767 (the smallest subnormal) or
 * < 2^1024 < 10^309 (the largest double): at most 86 limbs of 10^9.  No
 * floating point anywhere, so this file is general-register code; the
 * double's bits come from rt_va_double_bits() (printf_fp.c).
 */
#define LIMB 1000000000U
#define LIMBS 90
#define DIGITS (LIMBS * 9)

/* A big integer, base 10^9, least significant limb first. */
struct big {
	uint32_t l[LIMBS];
	int n;
};

/* The decimal digits of a value: d[0].d[1]d[2]... times 10^exp, d[0] not
 * '0'; digits past n are zeros.  n == 0 is the value 0. */
struct dec {
	char d[DIGITS];
	int n, exp;
};

/* b *= f, for f <= 2^31: a limb times f plus a carry fits 64 bits. */
static void big_mul(struct big *b, uint32_t f)
{
	uint64_t carry = 0;
	for (int i = 0; i < b->n; i++) {
		uint64_t v = (uint64_t)b->l[i] * f + carry;
		b->l[i] = (uint32_t)(v % LIMB);
		carry = v / LIMB;
	}
	for (; carry; carry /= LIMB)
		b->l[b->n++] = (uint32_t)(carry % LIMB);
}

/* b *= base^count, in steps of base^step (at most 2^31). */
static void big_mul_pow(struct big *b, uint32_t base, int step, int count)
{
	uint32_t big_step = 1;
	for (int i = 0; i < step; i++)
		big_step *= base;
	for (; count >= step; count -= step)
		big_mul(b, big_step);
	for (; count > 0; count--)
		big_mul(b, base);
}

/* Appends the decimal digits of @v to @x: all 9 when @full, else
 * without leading zeros. */
static void put_limb(struct dec *x, uint32_t v, bool full)
{
	char tmp[9];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || (full && n < 9));
	while (n)
		x->d[x->n++] = tmp[--n];
}

/* The exact decimal value of the finite double of bits @bits, sign aside. */
static void to_decimal(uint64_t bits, struct dec *x)
{
	uint64_t m = bits & ((1ULL << 52) - 1);
	int biased = (int)(bits >> 52) & 0x7ff;
	int e2 = biased ? biased - 1075 : -1074;
	if (biased)
		m |= 1ULL << 52;
	x->n = x->exp = 0;
	if (!m)
		return;
	for (; !(m & 1) && e2 < 0; m >>= 1)
		e2++;
	struct big b = {
	    {(uint32_t)(m % LIMB), (uint32_t)(m / LIMB % LIMB), (uint32_t)(m / LIMB / LIMB)},
	    m >= (uint64_t)LIMB * LIMB ? 3
	    : m >= LIMB		       ? 2
				       : 1};
	int k = 0; /* the value is b / 10^k */
	if (e2 >= 0) {
		big_mul_pow(&b, 2, 31, e2);
	} else {
		k = -e2;
		big_mul_pow(&b, 5, 13, k);
	}
	put_limb(x, b.l[b.n - 1], false);
	for (int i = b.n - 2; i >= 0; i--)
		put_limb(x, b.l[i], true);
	x->exp = x->n - 1 - k;
}

/* Keeps the first @keep digits of @x, rounding half to even on the exact
 * rest; the value may carry into a new leading digit or become 0. */
static void round_at(struct dec *x, long keep)
{
	if (keep >= x->n)
		return;
	if (keep < 0) { /* below half a unit of the last place kept */
		x->n = 0;
		return;
	}
	char first = x->d[keep];
	bool up = first > '5';
	if (first == '5') {
		up = keep > 0 && ((x->d[keep - 1] - '0') & 1); /* a tie: to even */
		for (int i = (int)keep + 1; i < x->n && !up; i++)
			up = x->d[i] != '0';
	}
	x->n = (int)keep;
	if (!up)
		return;
	int i = (int)keep - 1;
	while (i >= 0 && x->d[i] == '9')
		x->d[i--] = '0';
	if (i >= 0) {
		x->d[i]++;
	} else { /* 99.9 -> 100: one digit more */
		x->d[0] = '1';
		x->n = 1;
		x->exp++;
	}
}

/* Digit @i of @x (digit 0 the leading one): '0' outside d[0..n). */
static char digit_at(const struct dec *x, long i)
{
	return i >= 0 && i < x->n ? x->d[i] : '0';
}

/* Where the text goes: counted always, written only when o is set (the
 * first pass measures the text for the field width). */
struct sink {
	struct out *o;
	long len;
};

static void emit(struct sink *s, const char *text, size_t n)
{
	s->len += (long)n;
	for (size_t i = 0; s->o && i < n; i++)
		fmt_putc(s->o, text[i]);
}

static void emit_char(struct sink *s, char c)
{
	emit(s, &c, 1);
}

/* How a value is written: %e style or %f style, the digits after the
 * point, whether the point stays without them ('#'). */
struct style {
	bool exp_style, upper, point;
	long frac;
};

/* The text of @x (rounded already) in @st, sign and padding aside. */
static void emit_body(struct sink *s, const struct dec *x, const struct style *st)
{
	long first = 0; /* the digit index written first after the point */
	if (st->exp_style) {
		emit_char(s, digit_at(x, 0));
		first = 1;
	} else if (x->n == 0 || x->exp < 0) {
		emit_char(s, '0');
		first = x->n ? x->exp + 1 : 1;
	} else {
		for (long i = 0; i <= x->exp; i++)
			emit_char(s, digit_at(x, i));
		first = x->exp + 1;
	}
	if (st->frac > 0 || st->point)
		emit_char(s, '.');
	for (long i = 0; i < st->frac; i++)
		emit_char(s, digit_at(x, first + i));
	if (!st->exp_style)
		return;
	int e = x->n ? x->exp : 0;
	char tmp[8];
	int n = 0;
	tmp[n++] = st->upper ? 'E' : 'e';
	tmp[n++] = e < 0 ? '-' : '+';
	unsigned u = e < 0 ? (unsigned)-e : (unsigned)e;
	if (u >= 100)
		tmp[n++] = (char)('0' + u / 100);
	tmp[n++] = (char)('0' + u / 10 % 10);
	tmp[n++] = (char)('0' + u % 10);
	emit(s, tmp, (size_t)n);
}

/* Rounds @x for conversion @lc (f, e or g) and precision @prec (-1: none)
 * and returns how to write it (C11 7.21.6.1p8). */
static struct style style_for(struct dec *x, char lc, long prec, bool alt)
{
	struct style st = {lc == 'e', false, alt, prec < 0 ? 6 : prec};
	if (lc == 'f') {
		round_at(x, x->n ? x->exp + 1 + st.frac : 0);
		return st;
	}
	if (lc == 'e') {
		round_at(x, st.frac + 1);
		return st;
	}
	long p = st.frac ? st.frac : 1; /* %g: P significant digits */
	round_at(x, p);
	long e = x->n ? x->exp : 0;
	st.exp_style = !(p > e && e >= -4);
	st.frac = st.exp_style ? p - 1 : p - 1 - e;
	if (!alt) { /* trailing zeros go, and the point with them */
		long first = st.exp_style ? 1 : e + 1;
		while (st.frac > 0 && digit_at(x, first + st.frac - 1) == '0')
			st.frac--;
	}
	return st;
}

/* The padding before or after the number. */
static void emit_pad(struct sink *s, char c, long n)
{
	for (; n > 0; n--)
		emit_char(s, c);
}

bool fmt_float(struct out *o, const struct spec *sp, va_list *ap)
{
	char lc = sp->conv | 0x20;
	if (lc != 'f' && lc != 'e' && lc != 'g')
		return false;
	bool upper = sp->conv != lc;
	uint64_t bits = rt_va_double_bits(ap);
	char sign = bits >> 63 ? '-' : sp->sign;
	bool finite = ((bits >> 52) & 0x7ff) != 0x7ff;
	struct dec x;
	struct style st = {0};
	x.n = x.exp = 0;
	const char *special = NULL;
	if (finite) {
		to_decimal(bits, &x);
		st = style_for(&x, lc, sp->prec, sp->alt);
		st.upper = upper;
	} else if (bits & ((1ULL << 52) - 1)) {
		special = upper ? "NAN" : "nan";
	} else {
		special = upper ? "INF" : "inf";
	}
	/* Measured first, for the field width, then written. */
	struct sink s = {NULL, 0};
	if (special)
		emit(&s, special, 3);
	else
		emit_body(&s, &x, &st);
	long fill = sp->width - s.len - (sign != 0);
	s.o = o;
	if (!sp->left && !(sp->zero && finite))
		emit_pad(&s, ' ', fill);
	if (sign)
		emit_char(&s, sign);
	if (!sp->left && sp->zero && finite)
		emit_pad(&s, '0', fill);
	if (special)
		emit(&s, special, 3);
	else
		emit_body(&s, &x, &st);
	if (sp->left)
		emit_pad(&s, ' ', fill);
	return true;
}
