/* clobber: values live across calls to leaf functions survive the bundled return (R11). */
#include "user.h"

/*
 * usage: clobber
 *
 * tools/bundle-asm rewrites every `ret` as `pop %r11` and a masked jump
 * through R11, so R11 changes at every return, whatever the callee's
 * body says.  GCC's inter-procedural register allocation (-fipa-ra, on at
 * -O2) sees that a leaf like triple() leaves R11 alone and keeps a live
 * value of its caller in R11 across the call: built that way, spill()
 * loses v5 (GCC 12 puts it in R11), and a pointer kept there would fault.
 * The task build turns IPA-RA off (USER_CFLAGS, Makefile); this task is
 * the check that it stays off: it prints "clobber: 10 values intact" and
 * exits 0, or names the value that changed and exits 1.
 */

__attribute__((noinline)) static uint64_t triple(uint64_t x)
{
	return x * 3 + 1;
}

/* Ten values live across two calls, more than the callee-saved registers
 * hold: the allocator must put some in call-clobbered ones. */
__attribute__((noinline)) static uint64_t spill(uint64_t *p, uint64_t a, uint64_t b, uint64_t c,
						uint64_t d, uint64_t e)
{
	uint64_t v0 = p[0] + a, v1 = p[1] + b, v2 = p[2] + c, v3 = p[3] + d, v4 = p[4] + e;
	uint64_t v5 = p[5] * a, v6 = p[6] * b, v7 = p[7] * c, v8 = p[8] * d, v9 = p[9] * e;
	uint64_t r = triple(a);
	r += triple(r);
	p[10] = v0, p[11] = v1, p[12] = v2, p[13] = v3, p[14] = v4;
	p[15] = v5, p[16] = v6, p[17] = v7, p[18] = v8, p[19] = v9;
	return r;
}

int main(int argc, char **argv)
{
	static uint64_t p[20];
	const uint64_t arg[5] = {3, 5, 7, 11, 13};

	for (unsigned i = 0; i < 10; i++)
		p[i] = 1000 + 17 * i;
	uint64_t r = spill(p, arg[0], arg[1], arg[2], arg[3], arg[4]);
	int bad = r != (arg[0] * 3 + 1) * 4 + 1;
	if (bad)
		printf("clobber: FAIL result %lu\n", (unsigned long)r);
	for (unsigned i = 0; i < 10; i++) {
		uint64_t want = i < 5 ? p[i] + arg[i] : p[i] * arg[i - 5];
		if (p[10 + i] != want) {
			printf("clobber: FAIL v%u is %#lx, want %#lx\n", i,
			       (unsigned long)p[10 + i], (unsigned long)want);
			bad = 1;
		}
	}
	if (!bad)
		printf("clobber: 10 values intact\n");
	return bad;
}
