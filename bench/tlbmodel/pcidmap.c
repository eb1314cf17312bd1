/* pcidmap.c: the model PCIDs of the plugin's pcid=model, a hash from root frame to PCID with LRU
 * recycling. */
#include "bench/tlbmodel/pcidmap.h"

#include <stdlib.h>

/* Open addressing, linear probing, backward-shift deletion: at most 4095
 * keys in 8192 slots, so a probe ends at an empty slot. */
#define SLOT_BITS 13
#define SLOTS (1u << SLOT_BITS)
_Static_assert(SLOTS >= 2 * PCIDMAP_PCIDS, "the table stays at most half full");

struct pcidmap {
	uint64_t root[PCIDMAP_PCIDS + 1]; /* per PCID: its root's frame + 1, 0 when free */
	uint64_t last[PCIDMAP_PCIDS + 1]; /* per PCID: when its root was last activated */
	uint16_t slot[SLOTS];		  /* PCIDs by hash of their root, 0 empty */
	uint16_t free_pcid[PCIDMAP_PCIDS];
	unsigned nfree;
	uint64_t tick;
};

static unsigned home(uint64_t frame)
{
	return (unsigned)((frame * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - SLOT_BITS));
}

/* The slot holding frame's PCID, or the empty slot where it would go. */
static unsigned find(const struct pcidmap *pm, uint64_t frame)
{
	unsigned i = home(frame);
	while (pm->slot[i] && pm->root[pm->slot[i]] != frame + 1)
		i = (i + 1) & (SLOTS - 1);
	return i;
}

/* Empties slot i and moves later entries of its probe run back into the
 * hole, so every entry stays reachable from its home slot. */
static void unslot(struct pcidmap *pm, unsigned i)
{
	for (unsigned j = (i + 1) & (SLOTS - 1); pm->slot[j]; j = (j + 1) & (SLOTS - 1)) {
		unsigned h = home(pm->root[pm->slot[j]] - 1);
		/* An entry may move back to i when its home is not in (i, j]. */
		if (((j - h) & (SLOTS - 1)) >= ((j - i) & (SLOTS - 1))) {
			pm->slot[i] = pm->slot[j];
			i = j;
		}
	}
	pm->slot[i] = 0;
}

struct pcidmap *pcidmap_new(void)
{
	struct pcidmap *pm = calloc(1, sizeof *pm);
	if (!pm)
		return NULL;
	/* Popped from the end: PCID 1 first. */
	for (unsigned p = PCIDMAP_PCIDS; p >= 1; p--)
		pm->free_pcid[pm->nfree++] = (uint16_t)p;
	return pm;
}

void pcidmap_free(struct pcidmap *pm)
{
	free(pm);
}

/* The PCID whose root was activated longest ago, taken from that root. */
static uint16_t recycle(struct pcidmap *pm)
{
	uint16_t victim = 1;
	for (uint16_t p = 2; p <= PCIDMAP_PCIDS; p++)
		if (pm->last[p] < pm->last[victim])
			victim = p;
	unslot(pm, find(pm, pm->root[victim] - 1));
	return victim;
}

uint16_t pcidmap_activate(struct pcidmap *pm, uint64_t frame, int *fresh, int *recycled)
{
	unsigned i = find(pm, frame);
	uint16_t p = pm->slot[i];
	*fresh = !p;
	*recycled = 0;
	if (!p) {
		*recycled = !pm->nfree;
		p = pm->nfree ? pm->free_pcid[--pm->nfree] : recycle(pm);
		pm->root[p] = frame + 1;
		pm->slot[find(pm, frame)] = p; /* recycle() may have moved slots */
	}
	pm->last[p] = ++pm->tick;
	return p;
}

uint16_t pcidmap_release(struct pcidmap *pm, uint64_t frame)
{
	unsigned i = find(pm, frame);
	uint16_t p = pm->slot[i];
	if (!p)
		return 0;
	unslot(pm, i);
	pm->root[p] = 0;
	pm->free_pcid[pm->nfree++] = p;
	return p;
}
