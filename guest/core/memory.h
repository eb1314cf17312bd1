/* The kernel's allocators, set up from the memory map (memory.c). */
#ifndef CORE_MEMORY_H
#define CORE_MEMORY_H

#include <stddef.h>
#include <stdint.h>
#include "core/bootinfo.h"
#include "core/pmm.h"

/* Builds the page allocator from bi's RAM ranges minus the kernel image,
 * the loader's data and the first MiB, then the page tables and the heap.
 * Prints one line with the memory the kernel has. */
void memory_init(const struct boot_info *bi);
uint64_t pmm_alloc_page(void);	   /* not zeroed; 0 when none */
void pmm_free_page(uint64_t phys); /* panics on a double free */
uint64_t page_alloc_zeroed(void);  /* 0 when none */
void *kmalloc(size_t size);	   /* kheap_alloc on the kernel heap, zeroed */
void kfree(void *p, size_t size);
uint64_t memory_free_pages(void);
/* The page allocator itself, read-only, for the audit (audit.c). */
const struct pmm *memory_pmm(void);

#endif
