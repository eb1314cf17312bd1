/* The kernel's virtual and physical address layout, drawn once. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#include "arch/x86_64/bits.h"

/*
 *  0x0000_0000_0000_0000  unmapped: catches null pointers
 *  0x0000_0000_4000_0000  TASK_AREA: SLOTS slots of SLOT_SIZE (128 KiB), all
 *                         under one page table page (2 MiB)
 *        slot s + 0       task image (static PIE, relocated here), at most
 *                         SLOT_IMAGE_MAX (88 KiB)
 *        slot s + 88 KiB  the system-call trampoline (SHOJI_GATE_OFFSET)
 *        slot s + 92 KiB  one unmapped guard page
 *        slot s + 96 KiB  user stack, 32 KiB, top at the next slot's base
 *  0x0000_0001_0000_0000  HEAP_AREA: one HEAP_WINDOW (256 MiB) per slot for
 *                         SYS_MAP memory, growing up
 *  0x0000_0002_0000_0000  end of the task windows
 *  0x0000_7fff_ffff_ffff  end of the user half
 *  0xffff_8000_0000_0000  PHYSMAP: all RAM, 2 MiB pages, read/write, no execute
 *  0xffff_ffff_8000_0000  KERNEL_VMA: the kernel image (physical 1 MiB at +1 MiB)
 *  0xffff_ffff_ffe0_0000  FIXMAP: uncached device pages (local APIC), and
 *                         one read-only window on any physical page
 *                         (firmware tables, paging_read_phys())
 *
 * A `process` task is alone in its page table, in slot 0.  The tasks of a
 * `shared` group sit in slots 1-15 of one page table, and slot s is also
 * the protection key of every page in it; so small, packed slots keep the
 * page tables a group needs to four pages (PML4, PDPT, PD, one PT), shared
 * by up to 15 tasks.
 */
#define KERNEL_VMA U64(0xffffffff80000000)
#define KERNEL_PHYS 0x100000
#define PHYSMAP_BASE U64(0xffff800000000000)
#define FIXMAP_BASE U64(0xffffffffffe00000)
#define FIXMAP_LAPIC (FIXMAP_BASE + 0x0000)
#define FIXMAP_PEEK (FIXMAP_BASE + 0x1000)

#define TASK_AREA U64(0x40000000)
#define SLOT_SIZE U64(0x20000) /* 128 KiB */
#define SLOTS 16
#define USER_STACK_SIZE U64(0x8000) /* 32 KiB */
#define SLOT_IMAGE_MAX U64(0x16000) /* 88 KiB, up to the trampoline */
#define SLOT_GATE U64(0x16000)	    /* = SHOJI_GATE_OFFSET */
#define HEAP_AREA U64(0x100000000)
#define HEAP_WINDOW U64(0x10000000) /* 256 MiB */
#define USER_END U64(0x0000800000000000)

#define KERNEL_STACK_SIZE 16384
#define IST_STACK_SIZE 8192

#ifndef __ASSEMBLY__
#include <stdint.h>

static inline uint64_t slot_base(unsigned slot)
{
	return TASK_AREA + (uint64_t)slot * SLOT_SIZE;
}

static inline uint64_t heap_base(unsigned slot)
{
	return HEAP_AREA + (uint64_t)slot * HEAP_WINDOW;
}

/*
 * Whether [va, va + len) lies inside [base, base + size): the one range
 * check for every (address, length) pair a task or per-task state hands
 * the kernel.  Overflow-safe without forming va + len: len <= size first,
 * so size - len cannot wrap; and below base, va - base wraps to at least
 * 2^64 - base, which is more than size when the window does not reach
 * 2^64 (none does: they all lie in the user half), so one unsigned
 * comparison also refuses every va below the window.
 */
static inline int range_in_window(uint64_t va, uint64_t len, uint64_t base, uint64_t size)
{
	return len <= size && va - base <= size - len;
}

_Static_assert(SLOTS *SLOT_SIZE == (U64(1) << 21), "task slots fill one page table");
_Static_assert(TASK_AREA % (U64(1) << 21) == 0, "task area starts a page table");
#endif

#endif
