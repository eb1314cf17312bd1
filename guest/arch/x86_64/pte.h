/* 4-level page-table entry layout (SDM Vol. 3A 4.5), with the protection key. */
#ifndef ARCH_PTE_H
#define ARCH_PTE_H

#include "arch/x86_64/bits.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (U64(1) << PAGE_SHIFT)
#define LARGE_PAGE_SIZE BIT(21)
#define PT_ENTRIES 512

/* Entry bits (SDM Vol. 3A, Tables 4-15 to 4-20). */
#define PTE_P BIT(0) /* present */
#define PTE_W BIT(1) /* writable */
#define PTE_U BIT(2) /* user-mode accessible */
#define PTE_PWT BIT(3)
#define PTE_PCD BIT(4) /* cache disable: MMIO */
#define PTE_A BIT(5)
#define PTE_D BIT(6)
#define PTE_PS BIT(7)	     /* 2 MiB page in a PD entry */
#define PTE_G BIT(8)	     /* global: survives CR3 writes */
#define PTE_SW_ANON BIT(9)   /* software: page made by SYS_MAP */
#define PTE_SW_OWNED BIT(10) /* software: frame owned by the address space */
#define PTE_NX BIT(63)	     /* no execute (needs EFER.NXE) */

/* Protection key of a leaf entry: bits 62:59 (SDM Vol. 3A 4.6.2). */
#define PTE_PKEY_SHIFT 59
#define PTE_PKEY_MASK (U64(0xf) << PTE_PKEY_SHIFT)
#define PTE_ADDR_MASK U64(0x000ffffffffff000)

#ifndef __ASSEMBLY__
#include <stdint.h>

_Static_assert(PTE_PKEY_MASK == U64(0x7800000000000000), "protection key bits 62:59");
_Static_assert((PTE_ADDR_MASK & (PTE_PKEY_MASK | PTE_NX | U64(0xfff))) == 0,
	       "address field clear of flags");

/* Index of va in the table at level (4 = PML4 ... 1 = PT). */
static inline unsigned pt_index(uint64_t va, int level)
{
	return (unsigned)(va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* A leaf entry for the 4 KiB frame at phys with flags and protection key. */
static inline uint64_t pte_make(uint64_t phys, uint64_t flags, unsigned pkey)
{
	return (phys & PTE_ADDR_MASK) | (flags & ~(PTE_ADDR_MASK | PTE_PKEY_MASK)) |
	       ((uint64_t)(pkey & 0xf) << PTE_PKEY_SHIFT);
}

static inline uint64_t pte_addr(uint64_t pte)
{
	return pte & PTE_ADDR_MASK;
}

static inline unsigned pte_pkey(uint64_t pte)
{
	return (unsigned)((pte & PTE_PKEY_MASK) >> PTE_PKEY_SHIFT);
}

/* Canonical: bits 63:47 all equal (SDM Vol. 1 3.3.7.1). */
static inline int va_canonical(uint64_t va)
{
	return (va >> 47) == 0 || (va >> 47) == 0x1ffff;
}

#endif /* !__ASSEMBLY__ */

#endif
