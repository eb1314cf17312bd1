/* fmt.c's internal header: output and spec types, shared with the task float conversions. */
#ifndef GUEST_LIB_FMT_H
#define GUEST_LIB_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* The output so far: bytes past size - 1 are counted, not written. */
struct out {
	char *buf;
	size_t size, len;
};

/* Appends @c to @o (fmt.c's every byte, and the float conversions'). */
static inline void fmt_putc(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* One conversion spec, %[flags][width][.precision][length]conv
 * (C99 7.19.6.1); prec -1 when none was given. */
struct spec {
	int left, zero, alt, width, prec;
	int lng;  /* l, ll or z: the argument is 64 bits wide */
	int shrt; /* h: 1, hh: 2 */
	char conv;
#ifdef SHOJI_USER
	char sign; /* '+' or ' ' flag for a positive number, or 0 */
#endif
};

#ifdef SHOJI_USER
/* (guest/user/lib/fmt_float.c) When sp->conv is one of f F e E g G:
 * takes a double from @ap, appends its conversion to @o and returns true;
 * otherwise takes nothing and returns false. */
bool fmt_float(struct out *o, const struct spec *sp, va_list *ap);

/* (fmt.c, the task build only) fmt_float, once an entry point of a task
 * built with SSE set it (guest/user/lib/printf_fp.c); NULL before, and
 * always in a task built without SSE, which then links no float code:
 * vsnprintf prints such a conversion as an unknown one.  A pointer set by
 * code, not a weak symbol: a static PIE would get a PLT for that, and the
 * kernel-mode verifier refuses its jump through memory. */
extern bool (*fmt_float_hook)(struct out *o, const struct spec *sp, va_list *ap);
#endif

#endif
