/* vsnprintf for freestanding code: the conversions listed in lib.h. */
#include <stdint.h>
#include "lib/lib.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	int left, zero, alt, width, prec;
};

/* n bytes of s, padded to the field width. */
static void put_padded(struct out *o, const struct spec *sp, const char *s, int n)
{
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	int n = 0;
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	put_padded(o, sp, s, n);
}

static void put_num(struct out *o, const struct spec *sp, unsigned long long v, unsigned base,
		    int neg, int upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int plen = (neg ? 1 : 0) + (prefix ? (int)strlen(prefix) : 0);
	int fill = sp->width - n - plen;
	if (!sp->left && !sp->zero)
		pad(o, ' ', fill);
	if (neg)
		put(o, '-');
	for (const char *p = prefix; p && *p; p++)
		put(o, *p);
	if (!sp->left && sp->zero)
		pad(o, '0', fill);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', fill);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		struct spec sp = {0, 0, 0, 0, -1};
		for (;; fmt++) {
			if (fmt[1] == '-')
				sp.left = 1;
			else if (fmt[1] == '0')
				sp.zero = 1;
			else if (fmt[1] == '#')
				sp.alt = 1;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) { /* C99 7.19.6.1: a '-' flag and the width */
				sp.left = 1;
				sp.width = -sp.width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			sp.prec = 0;
			if (*++fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1; /* a negative precision is taken as none */
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				sp.prec = sp.prec * 10 + (*fmt - '0');
		}
		int lng = 0, shrt = 0;
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z')
				lng = 1;
			else if (*fmt == 'h')
				shrt++;
			else
				break;
		}
		unsigned long long u;
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			if (shrt)
				v = shrt == 1 ? (short)v : (signed char)v;
			u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
			put_num(&o, &sp, u, 10, v < 0, 0, 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			if (shrt)
				u = shrt == 1 ? (unsigned short)u : (unsigned char)u;
			if (*fmt == 'u')
				put_num(&o, &sp, u, 10, 0, 0, 0);
			else if (*fmt == 'o')
				put_num(&o, &sp, u, 8, 0, 0, sp.alt && u ? "0" : 0);
			else
				put_num(&o, &sp, u, 16, 0, *fmt == 'X',
					sp.alt && u ? (*fmt == 'X' ? "0X" : "0x") : 0);
			break;
		case 'p':
			put_num(&o, &sp, (uintptr_t)va_arg(ap, void *), 16, 0, 0, "0x");
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			put_padded(&o, &sp, &c, 1);
			break;
		}
		case 's':
			put_str(&o, &sp, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		default: /* unknown conversion: print it as is, visibly */
			put(&o, '%');
			if (!*fmt)
				goto done;
			put(&o, *fmt);
		}
	}
done:
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
