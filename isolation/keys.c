/* Protection keys of one group: a 16-bit set, key 0 reserved. */
#include "isolation/isolation.h"

void pkey_set_init(struct pkey_set *s)
{
	s->used = 1; /* key 0: the default key, never a task's */
}

int pkey_alloc(struct pkey_set *s)
{
	for (int k = 1; k < PKEYS; k++) {
		if (!(s->used & (1u << k))) {
			s->used |= (uint16_t)(1u << k);
			return k;
		}
	}
	return -1;
}

int pkey_free(struct pkey_set *s, int key)
{
	if (key <= 0 || key >= PKEYS || !(s->used & (1u << key)))
		return -1;
	s->used &= (uint16_t) ~(1u << key);
	return 0;
}

unsigned pkey_count(const struct pkey_set *s)
{
	unsigned n = 0; /* no popcount builtin: freestanding, no libgcc */
	for (unsigned bits = s->used & ~1u; bits; bits &= bits - 1)
		n++;
	return n;
}
