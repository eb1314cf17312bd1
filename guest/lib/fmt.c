/* vsnprintf for freestanding code: the conversions listed in lib.h. */
#include <stdbool.h>
#include <stdint.h>
#include "lib/lib.h"
#include "lib/fmt.h"

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		fmt_putc(o, c);
}

/* The integer conversions: base, digit case and the '#' prefix of each.
 * No pointers: in a task (a static PIE) each would be a relocation, which
 * the kernel applies at every load.  convert() calls put_int() once, after
 * picking the entry, so that it is inlined. */
struct int_conv {
	bool is_signed, upper;
	uint8_t base;
	char alt_prefix[3]; /* with '#' and a nonzero value */
};
enum { INT_SIGNED, INT_UNSIGNED, INT_HEX, INT_HEX_UPPER, INT_OCTAL };
static const struct int_conv int_convs[] = {
    [INT_SIGNED] = {true, false, 10, ""},      /* d, i */
    [INT_UNSIGNED] = {false, false, 10, ""},   /* u */
    [INT_HEX] = {false, false, 16, "0x"},      /* x, and p */
    [INT_HEX_UPPER] = {false, true, 16, "0X"}, /* X */
    [INT_OCTAL] = {false, false, 8, "0"},      /* o */
};

/* Flags at fmt; returns what follows them. */
static const char *parse_flags(const char *fmt, struct spec *sp)
{
	for (;; fmt++) {
#ifdef SHOJI_USER
		if (*fmt == '+')
			sp->sign = '+';
		else if (*fmt == ' ') {
			if (!sp->sign)
				sp->sign = ' '; /* '+' wins (C11 7.21.6.1p6) */
		} else
#endif
		    if (*fmt == '-')
			sp->left = 1;
		else if (*fmt == '0')
			sp->zero = 1;
		else if (*fmt == '#')
			sp->alt = 1;
		else
			return fmt;
	}
}

/* A decimal number at *fmt added to *n, fmt moved past it. */
static const char *parse_digits(const char *fmt, int *n)
{
	for (; *fmt >= '0' && *fmt <= '9'; fmt++)
		*n = *n * 10 + (*fmt - '0');
	return fmt;
}

/* Width: '*' (an int argument) and/or digits. */
static const char *parse_width(const char *fmt, struct spec *sp, va_list *ap)
{
	if (*fmt == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) { /* C99 7.19.6.1: a '-' flag and the width */
			sp->left = 1;
			sp->width = -sp->width;
		}
		fmt++;
	}
	return parse_digits(fmt, &sp->width);
}

/* Precision: '.' then '*' (an int argument) and/or digits. */
static const char *parse_precision(const char *fmt, struct spec *sp, va_list *ap)
{
	if (*fmt != '.')
		return fmt;
	sp->prec = 0;
	if (*++fmt == '*') {
		sp->prec = va_arg(*ap, int);
		if (sp->prec < 0)
			sp->prec = -1; /* a negative precision is taken as none */
		fmt++;
	}
	return parse_digits(fmt, &sp->prec);
}

/* Length modifiers: l, ll, z (64 bits), h, hh. */
static const char *parse_length(const char *fmt, struct spec *sp)
{
	int lng = 0, shrt = 0; /* in registers, stored once: GCC keeps *sp's
				* fields in memory through the loop */
	for (;; fmt++) {
		if (*fmt == 'l' || *fmt == 'z')
			lng = 1;
		else if (*fmt == 'h')
			shrt++;
		else
			break;
	}
	sp->lng = lng;
	sp->shrt = shrt;
	return fmt;
}

/* The spec after a '%' at fmt, into *sp; returns its conversion
 * character's address (which may be the string's end). */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	sp->left = sp->zero = sp->alt = sp->width = 0; /* lng, shrt, conv: set below */
#ifdef SHOJI_USER
	sp->sign = 0;
#endif
	sp->prec = -1;
	fmt = parse_flags(fmt, sp);
	fmt = parse_width(fmt, sp, ap);
	fmt = parse_precision(fmt, sp, ap);
	fmt = parse_length(fmt, sp);
	sp->conv = *fmt;
	return fmt;
}

/* n bytes of s, padded to the field width.  Inlined into both callers,
 * as the one function it was before the steps were split: the kernel
 * formats every boot line, and bench/icount-baseline.json counts boot. */
static inline __attribute__((always_inline)) void put_padded(struct out *o, const struct spec *sp,
							     const char *s, int n)
{
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		fmt_putc(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	int n = 0;
	while ((sp->prec < 0 || n < sp->prec) && s[n])
		n++;
	put_padded(o, sp, s, n);
}

/* The sign put_num() writes for a nonzero neg: in a task, neg is the
 * sign character itself ('-', or the '+' or ' ' flag's). */
#ifdef SHOJI_USER
#define SIGN_CHAR(neg) ((char)(neg))
#else
#define SIGN_CHAR(neg) '-'
#endif

/* v in ic's base and digits, after '-' when neg and the prefix, padded
 * to the field width with spaces or, with '0', zeros. */
static void put_num(struct out *o, const struct spec *sp, unsigned long long v,
		    const struct int_conv *ic, int neg, const char *prefix)
{
	const char *digits = ic->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 22 octal digits of 2^64 - 1 */
	int n = 0;

	do {
		tmp[n++] = digits[v % ic->base];
		v /= ic->base;
	} while (v);
	int plen = (neg ? 1 : 0) + (prefix ? (int)strlen(prefix) : 0);
	int fill = sp->width - n - plen;
	if (!sp->left && !sp->zero)
		pad(o, ' ', fill);
	if (neg)
		fmt_putc(o, SIGN_CHAR(neg));
	for (const char *p = prefix; p && *p; p++)
		fmt_putc(o, *p);
	if (!sp->left && sp->zero)
		pad(o, '0', fill);
	while (n)
		fmt_putc(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', fill);
}

/* An integer argument of conversion ic, read at the spec's length and
 * converted to short or char for h and hh (C99 7.19.6.1p7). */
static void put_int(struct out *o, const struct spec *sp, const struct int_conv *ic, va_list *ap)
{
	unsigned long long u;
	int neg = 0;
	if (ic->is_signed) {
		long long v = sp->lng ? va_arg(*ap, long long) : va_arg(*ap, int);
		if (sp->shrt)
			v = sp->shrt == 1 ? (short)v : (signed char)v;
#ifdef SHOJI_USER
		neg = v < 0 ? '-' : sp->sign;
		u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
#else
		neg = v < 0;
		u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
#endif
	} else {
		u = sp->lng ? va_arg(*ap, unsigned long long) : va_arg(*ap, unsigned);
		if (sp->shrt)
			u = sp->shrt == 1 ? (unsigned short)u : (unsigned char)u;
	}
	put_num(o, sp, u, ic, neg, sp->alt && u ? ic->alt_prefix : 0);
}

/* The conversion of sp, its argument taken from ap.  False when the
 * format ended inside the spec. */
static bool convert(struct out *o, const struct spec *sp, va_list *ap)
{
	const struct int_conv *ic;
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		ic = &int_convs[INT_SIGNED];
		break;
	case 'u':
		ic = &int_convs[INT_UNSIGNED];
		break;
	case 'x':
		ic = &int_convs[INT_HEX];
		break;
	case 'X':
		ic = &int_convs[INT_HEX_UPPER];
		break;
	case 'o':
		ic = &int_convs[INT_OCTAL];
		break;
	case 'p': /* %#x of the pointer, 0 included */
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), &int_convs[INT_HEX], 0, "0x");
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, sp, &c, 1);
		return true;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		return true;
	case '%':
		fmt_putc(o, '%');
		return true;
	default:
#ifdef SHOJI_USER
		/* %f %e %g and their capitals, when a task built with SSE
		 * linked them in (guest/user/lib/printf_fp.c); the only new
		 * test, off the other conversions' paths. */
		if (fmt_float_hook && fmt_float_hook(o, sp, ap))
			return true;
#endif
		/* unknown conversion: print it as is, visibly */
		fmt_putc(o, '%');
		if (!sp->conv)
			return false;
		fmt_putc(o, sp->conv);
		return true;
	}
	put_int(o, sp, ic, ap);
	return true;
}

#ifdef SHOJI_USER
bool (*fmt_float_hook)(struct out *o, const struct spec *sp, va_list *ap);
#endif

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};
	struct spec sp;
	va_list args;

	va_copy(args, ap); /* passed on by address, which a va_list parameter is not */
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			fmt_putc(&o, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!convert(&o, &sp, &args))
			break;
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
