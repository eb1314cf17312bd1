/* Task memory: mapping zeroed pages into a task's windows, and the heap
 * system calls (anonymous pages, never executable). */
#include "core/task_memory.h"
#include "core/group.h"
#include "core/memory.h"
#include "core/task.h"

#define AS(t) (&(t)->group->as)

/* aspace_unmap_range()'s callback for pages the task owns: every frame
 * goes back once no TLB maps it. */
static void free_frame(void *ctx, uint64_t va, uint64_t old)
{
	(void)ctx;
	(void)va;
	pmm_free_page(pte_addr(old));
}

int task_map_zeroed(struct task *t, uint64_t va, uint64_t pages, uint64_t flags)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t phys = page_alloc_zeroed();
		if (!phys ||
		    aspace_map(AS(t), va + i * PAGE_SIZE, pte_make(phys, flags, t->slot))) {
			if (phys)
				pmm_free_page(phys);
			aspace_unmap_range(AS(t), va, va + i * PAGE_SIZE, free_frame, 0);
			return -SHOJI_ENOMEM;
		}
	}
	t->pages += (uint32_t)pages;
	return 0;
}

int64_t sys_map(struct task *self, const struct regs *r)
{
	uint64_t len = r->rdi, prot = r->rsi;

	if (!len || !prot || (prot & ~(uint64_t)(SHOJI_PROT_READ | SHOJI_PROT_WRITE)))
		return -SHOJI_EINVAL;
	if (len > HEAP_WINDOW)
		return -SHOJI_ENOMEM;
	uint64_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t va = self->heap_next;
	/* heap_next may lie past the window (after its guard page): the
	 * check holds for any cursor. */
	if (!range_in_window(va, pages * PAGE_SIZE, heap_base(self->slot), HEAP_WINDOW))
		return -SHOJI_ENOMEM;
	if (task_map_zeroed(self, va, pages,
			    task_page_flags(prot & SHOJI_PROT_WRITE, false) | PTE_SW_ANON))
		return -SHOJI_ENOMEM;
	/* An unmapped guard page after each mapping: overruns fault. */
	self->heap_next = va + (pages + 1) * PAGE_SIZE;
	return (int64_t)va;
}

int64_t sys_unmap(struct task *self, const struct regs *r)
{
	uint64_t va = r->rdi, len = r->rsi;

	if (!len || (va & (PAGE_SIZE - 1)) ||
	    !range_in_window(va, len, heap_base(self->slot), HEAP_WINDOW))
		return -SHOJI_EINVAL;
	uint64_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	/* All or nothing: every page must be one SYS_MAP made. */
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t *e = aspace_leaf(AS(self), va + i * PAGE_SIZE);
		if (!e || !(*e & PTE_P) || !(*e & PTE_SW_ANON))
			return -SHOJI_EINVAL;
	}
	aspace_unmap_range(AS(self), va, va + pages * PAGE_SIZE, free_frame, 0);
	self->pages -= (uint32_t)pages;
	return 0;
}
