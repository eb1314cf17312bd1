/* Checked access to task memory: every pointer a task hands the kernel is
 * validated against the task's own windows, page tables and protection
 * key, then reached through the physmap, so a bad pointer is an error
 * code, never a fault, and never a way into a neighbour's memory. */
#include "core/uaccess.h"
#include "core/group.h"
#include "core/task.h"
#include "lib/lib.h"

extern const uint64_t __uaccess_sites_start[], __uaccess_sites_end[];

void uaccess_init(void)
{
	/* NOPL (%rax), 0F 1F 00 (SDM Vol. 2B, NOP): as long as STAC and CLAC,
	 * 0F 01 CB and 0F 01 CA (Vol. 2B, STAC; Vol. 2A, CLAC). */
	static const uint8_t nop3[3] = {0x0f, 0x1f, 0x00};
	if (cpu.smap)
		return;
	for (const uint64_t *site = __uaccess_sites_start; site < __uaccess_sites_end; site++) {
		/* .text is read-only in its own mapping: its physmap alias */
		uint8_t *code = phys_to_virt(kernel_virt_to_phys((const void *)*site));
		memcpy(code, nop3, sizeof(nop3));
	}
	/* Code written through another address runs as written after a
	 * serializing instruction (SDM Vol. 3A, "Handling Self- and
	 * Cross-Modifying Code"). */
	uint32_t r[4];
	cpuid(0, 0, r);
}

/* The leaf entry allowing the access, or 0.  The key check is the
 * kernel's own PKRU: the physmap is not subject to the task's. */
static uint64_t user_pte(struct task *t, uint64_t va, bool write)
{
	uint64_t *e = aspace_leaf(&t->group->as, va);
	if (!e)
		return 0;
	uint64_t need = PTE_P | PTE_U | (write ? PTE_W : 0);
	return (*e & need) == need && pte_pkey(*e) == t->slot ? *e : 0;
}

static bool in_region(struct task *t, uint64_t va, uint64_t len)
{
	return range_in_window(va, len, slot_base(t->slot), SLOT_SIZE) ||
	       range_in_window(va, len, heap_base(t->slot), HEAP_WINDOW);
}

int uaccess_check(struct task *t, uint64_t va, uint64_t len, bool write)
{
	if (!len || uaccess_in_stack(t, va, len))
		return 0;
	if (!in_region(t, va, len))
		return -SHOJI_EFAULT;
	for (uint64_t p = va & ~(PAGE_SIZE - 1); p < va + len; p += PAGE_SIZE)
		if (!user_pte(t, p, write))
			return -SHOJI_EFAULT;
	return 0;
}

/* The kernel address of task byte va, and how many bytes follow it on
 * the same page; 0 when not accessible. */
static uint8_t *task_byte(struct task *t, uint64_t va, bool write, uint64_t *room)
{
	uint64_t pte = user_pte(t, va & ~(PAGE_SIZE - 1), write);
	if (!pte)
		return 0;
	*room = PAGE_SIZE - (va & (PAGE_SIZE - 1));
	return (uint8_t *)phys_to_virt(pte_addr(pte)) + (va & (PAGE_SIZE - 1));
}

/* Copies len bytes between the kernel buffer k and task memory at va, in
 * the direction `to_task`, page by page through the physmap. */
static int copy_task(struct task *t, uint64_t va, uint8_t *k, uint64_t len, bool to_task)
{
	if (uaccess_check(t, va, len, to_task))
		return -SHOJI_EFAULT;
	while (len) {
		uint64_t room = 0;
		uint8_t *p = task_byte(t, va, to_task, &room);
		uint64_t n = len < room ? len : room;
		if (to_task)
			memcpy(p, k, n);
		else
			memcpy(k, p, n);
		k += n, va += n, len -= n;
	}
	return 0;
}

/*
 * The fast path of system calls: the current task's own stack is reached
 * through its own addresses, which its loaded page tables and PKRU (its
 * key; the kernel's 0 for ring-0 tasks) allow, with SMAP lifted around
 * the copy.  Everything else goes through the physmap.
 */
static bool direct_copy(const struct task *t, void *dst, const void *src, uint64_t va, uint64_t len)
{
	if (t != current || !uaccess_in_stack(t, va, len))
		return false;
	uaccess_open();
	uaccess_stack_copy(dst, src, len);
	uaccess_close();
	return true;
}

int copy_from_task(struct task *t, void *dst, uint64_t va, uint64_t len)
{
	if (direct_copy(t, dst, (const void *)va, va, len))
		return 0;
	return copy_task(t, va, dst, len, false);
}

int copy_to_task(struct task *t, uint64_t va, const void *src, uint64_t len)
{
	if (direct_copy(t, (void *)va, src, va, len))
		return 0;
	return copy_task(t, va, (uint8_t *)src, len, true);
}

int copy_task_to_task(struct task *d, uint64_t dva, struct task *s, uint64_t sva, uint64_t len)
{
	/* Both ranges were checked when their system calls came in, and a
	 * blocked task cannot change its mappings: the walks below check
	 * again page by page, so no whole-range pass first.  Length 0 was
	 * accepted there at any address (uaccess.h): nothing to do. */
	if (!len)
		return 0;
	if (!in_region(s, sva, len) || !in_region(d, dva, len))
		return -SHOJI_EFAULT;
	while (len) {
		uint64_t droom = 0, sroom = 0;
		uint8_t *dp = task_byte(d, dva, true, &droom);
		const uint8_t *sp = task_byte(s, sva, false, &sroom);
		if (!dp || !sp)
			return -SHOJI_EFAULT;
		uint64_t n = len;
		if (n > droom)
			n = droom;
		if (n > sroom)
			n = sroom;
		memcpy(dp, sp, n);
		dva += n, sva += n, len -= n;
	}
	return 0;
}
