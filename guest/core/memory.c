/* The kernel's memory: page allocator and heap set up from the memory map. */
#include "core/memory.h"
#include "core/console.h"
#include "core/kheap.h"
#include "arch/x86_64/arch.h"
#include "lib/lib.h"

/* RAM above this is left unused (and reported): the bitmap is static so
 * that it exists before any allocator does. */
#define RAM_LIMIT (16ull << 30)

extern char __kernel_end[];

/* Not zeroed at boot (kernel.ld, .noinit): pmm_init sets every word the
 * RAM needs, and pmm never reads past them. */
static uint64_t pmm_bitmap[RAM_LIMIT / PAGE_SIZE / 64] __attribute__((section(".noinit")));
static struct pmm pmm;
static struct kheap heap;

uint64_t pmm_alloc_page(void)
{
	return pmm_alloc(&pmm);
}

void pmm_free_page(uint64_t phys)
{
	if (pmm_free(&pmm, phys))
		panic("freeing frame %lx that is not allocated", phys);
}

uint64_t page_alloc_zeroed(void)
{
	uint64_t phys = pmm_alloc(&pmm);
	if (phys)
		memset(phys_to_virt(phys), 0, PAGE_SIZE);
	return phys;
}

uint64_t memory_free_pages(void)
{
	return pmm.free;
}

const struct pmm *memory_pmm(void)
{
	return &pmm;
}

static void *heap_page(void *ctx)
{
	uint64_t phys = pmm_alloc(&pmm);
	return phys ? phys_to_virt(phys) : 0;
}

void *kmalloc(size_t size)
{
	void *p = kheap_alloc(&heap, size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p, size_t size)
{
	kheap_free(&heap, p, size);
}

void memory_init(const struct boot_info *bi)
{
	uint64_t top = 0, total = 0;

	for (unsigned i = 0; i < bi->nranges; i++) {
		if (bi->ram_end[i] > top)
			top = bi->ram_end[i];
		total += bi->ram_end[i] - bi->ram_start[i];
	}
	if (top > RAM_LIMIT) {
		kprintf("memory: using the first %llu GiB of RAM only\n", RAM_LIMIT >> 30);
		top = RAM_LIMIT;
	}
	pmm_init(&pmm, pmm_bitmap, 0, top / PAGE_SIZE);
	for (unsigned i = 0; i < bi->nranges; i++)
		pmm_mark_free(&pmm, bi->ram_start[i], bi->ram_end[i]);
	/* Not ours to hand out: real-mode and firmware data below 1 MiB, the
	 * kernel image, and what the loader placed (start info, initrd). */
	pmm_mark_used(&pmm, 0, KERNEL_PHYS);
	pmm_mark_used(&pmm, KERNEL_PHYS, kernel_virt_to_phys(__kernel_end));
	for (unsigned i = 0; i < bi->nused; i++)
		pmm_mark_used(&pmm, bi->used_start[i], bi->used_end[i]);
	if (!pmm.free)
		panic("no free RAM in the memory map");

	paging_init(bi->ram_start, bi->ram_end, bi->nranges);
	kheap_init(&heap, heap_page, 0);
	kprintf("memory: %lu MiB RAM in %u ranges, %lu MiB free, kernel image %lu KiB\n",
		total >> 20, bi->nranges, (pmm.free * PAGE_SIZE) >> 20,
		(kernel_virt_to_phys(__kernel_end) - KERNEL_PHYS) >> 10);
}
