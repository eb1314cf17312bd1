/* strtol and its kin: one parser, C11 7.22.1.4, clamped to each type's range (no errno). */
#include <stdbool.h>
#include <stdlib.h>
#include <ctype.h>

#include "lib/lib.h"

/* A parsed number: its magnitude (saturated at max + 1 at most), its sign
 * and where it ended. */
struct parsed {
	unsigned long long mag;
	bool neg, overflow;
	const char *end;
};

/*
 * The subject sequence at @s in @base, C11 7.22.1.4p2-5: white space,
 * sign, the "0x" prefix (bases 0 and 16: only when a hex digit follows,
 * else the "0" alone is the number) and digits.  p->end is @s when there
 * is no number.  p->overflow when the magnitude exceeds @max.
 */
static void parse(const char *s, int base, unsigned long long max, struct parsed *p)
{
	const unsigned char *c = (const unsigned char *)s;
	*p = (struct parsed){0, false, false, s};
	if (base < 0 || base == 1 || base > 36)
		return;
	while (isspace(*c))
		c++;
	if (*c == '+' || *c == '-')
		p->neg = *c++ == '-';
	if ((base == 0 || base == 16) && c[0] == '0' && (c[1] | 0x20) == 'x' &&
	    parse_digit(c[2]) < 16) {
		c += 2;
		base = 16;
	} else if (base == 0) {
		base = c[0] == '0' ? 8 : 10;
	}
	const unsigned char *digits = c;
	for (unsigned d; (d = parse_digit(*c)) < (unsigned)base; c++) {
		if (p->mag > (max - d) / (unsigned)base)
			p->overflow = true;
		else
			p->mag = p->mag * (unsigned)base + d;
	}
	if (c != digits)
		p->end = (const char *)c;
}

/* The signed result in [-max - 1, max]. */
static long long to_signed(const struct parsed *p, unsigned long long max)
{
	if (p->neg) {
		if (p->overflow || p->mag > max + 1)
			return -(long long)max - 1;
		return (long long)(0 - p->mag);
	}
	return p->overflow || p->mag > max ? (long long)max : (long long)p->mag;
}

/* The unsigned result: C negates the magnitude in the unsigned type. */
static unsigned long long to_unsigned(const struct parsed *p, unsigned long long max)
{
	if (p->overflow)
		return max;
	return p->neg ? (0 - p->mag) & max : p->mag;
}

static void set_end(char **endptr, const struct parsed *p)
{
	if (endptr)
		*endptr = (char *)p->end;
}

long long strtoll(const char *nptr, char **endptr, int base)
{
	struct parsed p;
	parse(nptr, base, (unsigned long long)__LONG_LONG_MAX__ + 1, &p);
	set_end(endptr, &p);
	return to_signed(&p, __LONG_LONG_MAX__);
}

long strtol(const char *nptr, char **endptr, int base)
{
	struct parsed p;
	parse(nptr, base, (unsigned long long)__LONG_MAX__ + 1, &p);
	set_end(endptr, &p);
	return (long)to_signed(&p, __LONG_MAX__);
}

unsigned long long strtoull(const char *nptr, char **endptr, int base)
{
	struct parsed p;
	parse(nptr, base, ~0ULL, &p);
	set_end(endptr, &p);
	return to_unsigned(&p, ~0ULL);
}

unsigned long strtoul(const char *nptr, char **endptr, int base)
{
	struct parsed p;
	parse(nptr, base, ~0UL, &p);
	set_end(endptr, &p);
	return (unsigned long)to_unsigned(&p, ~0UL);
}
