/* rand() and srand(): xorshift64*, one state per task (not glibc's sequence). */
#include <stdint.h>
#include <stdlib.h>

/* Marsaglia's xorshift64 step, then Vigna's multiplier (xorshift64*,
 * "An experimental exploration of Marsaglia's xorshift generators"): the
 * state must never be 0, so srand() mixes the seed into a nonzero one. */
static uint64_t rand_state = 0x9e3779b97f4a7c15ULL ^ 1;

void srand(unsigned seed)
{
	rand_state = 0x9e3779b97f4a7c15ULL ^ seed;
	if (!rand_state)
		rand_state = 1;
}

int rand(void)
{
	rand_state ^= rand_state >> 12;
	rand_state ^= rand_state << 25;
	rand_state ^= rand_state >> 27;
	return (int)((rand_state * 0x2545f4914f6cdd1dULL) >> 33); /* 31 bits: 0..RAND_MAX */
}
