/* Freestanding C library shared by the kernel and the task runtime. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stddef.h>

/* string.c: memcpy, memmove, memset, memcmp, strlen, strcmp, strncmp,
 * strchr (lib/string.h); a task's <string.h> declares more. */
#ifdef SHOJI_USER
#include <string.h>
#else
#include "lib/string.h"
#endif

/* fmt.c: C99 vsnprintf/snprintf for the conversions the project uses:
 * %d %i %u %x %X %o %c %s %p %%, the hh, h, l, ll, z length modifiers, width
 * (also *), precision for strings, and the '-', '0', '#' flags.  Always
 * NUL-terminates when size > 0; returns the length the full output
 * would have. */
#ifdef SHOJI_USER
/* A task's declarations are stdio.h's (guest/user/include/stdio.h): code
 * built with SSE gets its own snprintf, which takes doubles. */
#include <stdio.h>
#else
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

/* The value of digit c in bases up to 36 ('a'/'A' is 10), or 36 for a
 * non-digit: parse_ulong's and the task runtime's strtol's (one table of
 * what a digit is). */
static inline unsigned parse_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A' + 10);
	return 36;
}

/* parse.c: parses all of s as an unsigned number in base (2..36), or, with base 0,
 * in hexadecimal after "0x", octal after "0" and decimal otherwise.  Stores
 * it in *out and returns 0; returns -SHOJI_EINVAL when s is empty, holds
 * anything but digits or overflows, leaving *out untouched. */
int parse_ulong(const char *s, int base, unsigned long *out);

#endif
