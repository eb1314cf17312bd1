/* The physical page allocator (pmm.c): a bitmap, pure, no hardware access. */
#ifndef CORE_PMM_H
#define CORE_PMM_H

#include <stdbool.h>
#include <stdint.h>
#include <shoji/abi.h>

struct pmm {
	uint64_t base;	  /* physical address of frame 0 */
	uint64_t npages;  /* frames covered by the bitmap */
	uint64_t *bitmap; /* bit set = frame used; npages bits */
	uint64_t free;	  /* frames free now */
	uint64_t hint;	  /* next frame to look at */
};
/* Covers [base, base + npages pages) with every frame marked used.
 * bitmap must hold npages bits.  base must be page-aligned. */
void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t base, uint64_t npages);
/* Marks whole frames inside [start, end) free or used; the parts of the
 * range outside the bitmap are ignored.  Returns frames changed. */
uint64_t pmm_mark_free(struct pmm *p, uint64_t start, uint64_t end);
uint64_t pmm_mark_used(struct pmm *p, uint64_t start, uint64_t end);
/* Lowest-first allocation of one frame: its physical address, 0 when none. */
uint64_t pmm_alloc(struct pmm *p);
/* Frees one frame; returns -SHOJI_EINVAL for an address outside the
 * allocator, unaligned, or already free (a double free). */
int pmm_free(struct pmm *p, uint64_t phys);
/* 1 when the frame at phys is allocated, 0 when free, -SHOJI_EINVAL for
 * an address outside the allocator or unaligned. */
int pmm_frame_used(const struct pmm *p, uint64_t phys);

#endif
