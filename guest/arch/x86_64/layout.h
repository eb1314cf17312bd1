/* The kernel's virtual and physical address layout, drawn once. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#include "arch/x86_64/bits.h"

/*
 *  0x0000_0000_0000_0000  unmapped: catches null pointers
 *  0x0000_0000_4000_0000  task region 0: 1 GiB per region, REGIONS of them
 *        +0               task image (static PIE, relocated here)
 *        +REGION_HEAP     anonymous memory from SYS_MAP, growing up
 *        +1 GiB - stack   user stack, growing down, guard page below
 *  0x0000_0004_4000_0000  end of the task regions
 *  0x0000_7fff_ffff_ffff  end of the user half
 *  0xffff_8000_0000_0000  PHYSMAP: all RAM, 2 MiB pages, read/write, no execute
 *  0xffff_ffff_8000_0000  KERNEL_VMA: the kernel image (physical 1 MiB at +1 MiB)
 *  0xffff_ffff_ffe0_0000  FIXMAP: uncached device pages (local APIC)
 */
#define KERNEL_VMA U64(0xffffffff80000000)
#define KERNEL_PHYS 0x100000
#define PHYSMAP_BASE U64(0xffff800000000000)
#define FIXMAP_BASE U64(0xffffffffffe00000)
#define FIXMAP_LAPIC (FIXMAP_BASE + 0x0000)

#define REGION_SIZE U64(0x40000000) /* 1 GiB */
#define REGION_FIRST U64(0x40000000)
#define REGIONS 16
#define REGION_HEAP U64(0x10000000)  /* heap starts 256 MiB into a region */
#define REGION_IMAGE_MAX REGION_HEAP /* the image must fit below the heap */
#define USER_STACK_SIZE U64(0x10000) /* 64 KiB */
#define USER_END U64(0x0000800000000000)

#define KERNEL_STACK_SIZE 16384
#define IST_STACK_SIZE 4096

#ifndef __ASSEMBLY__
#include <stdint.h>

static inline uint64_t region_base(unsigned slot)
{
	return REGION_FIRST + (uint64_t)slot * REGION_SIZE;
}
#endif

#endif
