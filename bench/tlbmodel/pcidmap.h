/* pcidmap.h: the model PCIDs of the plugin's pcid=model: which page-table root has which PCID. */
#ifndef SHOJI_TLBMODEL_PCIDMAP_H
#define SHOJI_TLBMODEL_PCIDMAP_H

/*
 * pcid=model (docs/tlb-model.md) asks what the TLB would do if every
 * address space had its own PCID, for a kernel that runs without them:
 * the feed (feed.c) gives each live page-table root, named by its frame
 * number (the kernel's CR3 hint), a PCID of 1..4095 (PCID 0 stays the
 * roots' the kernel does not name, as a PCID kernel keeps 0 for itself).
 * A root keeps its PCID until the kernel says it dies (the AS_FREE hint)
 * or, with all 4095 taken, until a new root takes the PCID of the root
 * activated longest ago (recycled): what a kernel short of PCIDs does.
 * The feed flushes a PCID when a root gets it, so neither a freed nor a
 * recycled PCID's entries reach the new root.
 */

#include <stdint.h>

#define PCIDMAP_PCIDS 4095u /* 1..4095: CR3 bits 11:0 (SDM Vol. 3A 4.10.1) */

struct pcidmap;

/* An empty map, or NULL when memory ran out.  Free with pcidmap_free(). */
struct pcidmap *pcidmap_new(void);

/* Frees the map (NULL is allowed). */
void pcidmap_free(struct pcidmap *pm);

/* The PCID of the root whose frame number is `frame`, activated now.
 * *fresh is 1 when the root had none and got one (free, or recycled),
 * else 0; *recycled is 1 when that PCID was taken from another root,
 * which has none from now on.  Never fails. */
uint16_t pcidmap_activate(struct pcidmap *pm, uint64_t frame, int *fresh, int *recycled);

/* The root `frame` dies: its PCID is free again.  Returns that PCID, or 0
 * when the root had none (never activated, or recycled away). */
uint16_t pcidmap_release(struct pcidmap *pm, uint64_t frame);

#endif
