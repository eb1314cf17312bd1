/* Number parsing for freestanding code (command lines, task arguments). */
#include <shoji/abi.h>
#include "lib/lib.h"

int parse_ulong(const char *s, int base, unsigned long *out)
{
	unsigned long v = 0;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		} else if (s[0] == '0' && s[1]) {
			base = 8;
			s++;
		} else {
			base = 10;
		}
	}
	if (base < 2 || base > 36 || !*s)
		return -SHOJI_EINVAL;
	for (; *s; s++) {
		unsigned d = parse_digit((unsigned char)*s);

		if (d >= (unsigned)base)
			return -SHOJI_EINVAL;
		if (v > (~0UL - d) / (unsigned)base)
			return -SHOJI_EINVAL; /* overflow */
		v = v * (unsigned)base + d;
	}
	*out = v;
	return 0;
}
