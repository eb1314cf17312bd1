/* tlbhint.c: tells the QEMU TLB-model plugin the operands of MOV to CR3 and CR4 and of INVLPG
 * (tlbhints=on). */
#include "arch/x86_64/arch.h"
#include "core/console.h"
#include "shoji/tlbmark.h"

/*
 * QEMU 7.2's plugin interface shows a plugin that a MOV to CR3 ran, not
 * the value it wrote (docs/tlb-model.md).  With tlbhints=on the kernel
 * says it: before each such instruction a marker (include/shoji/tlbmark.h)
 * and byte loads from `window`, each load's offset one 12-bit chunk of
 * the operand.  A marker is a NOP and the loads read a page nobody
 * writes, so a hint changes no state; it costs its instructions, and
 * with tlbhints=off a flag test per site (arch.h).  Each hint is one asm
 * statement, so that nothing the compiler emits comes between the marker
 * and its loads (the plugin abandons a hint interrupted by another
 * access).  The kernel runs its CR3, CR4 and INVLPG sites with interrupts
 * off, so no handler comes between either.
 */

bool tlbhints_on;
static const volatile uint8_t window[TLBMARK_WINDOW_SIZE] __attribute__((aligned(4096)));

#define CHUNK(v, i) (&window[((v) >> ((i)*TLBMARK_CHUNK_BITS)) & (TLBMARK_WINDOW_SIZE - 1)])

/* The CR4 bits the plugin models, as TLBMARK_CR4_* bits. */
static uint64_t cr4_bits(uint64_t cr4)
{
	return (cr4 & CR4_PGE ? TLBMARK_CR4_PGE : 0) | (cr4 & CR4_PCIDE ? TLBMARK_CR4_PCIDE : 0);
}

void tlbhint_init(bool on)
{
	uint32_t t;
	tlbhints_on = on;
	if (!on)
		return;
	__asm__ volatile(TLBMARK_ASM(TLBMARK_HINT_WINDOW) "movzbl (%1), %0\n\tmovzbl (%2), %0"
			 : "=&r"(t)
			 : "r"(&window[0]), "r"(CHUNK(cr4_bits(read_cr4()), 0))
			 : "memory");
	kprintf("tlbhints: on (window 0x%lx)\n", (unsigned long)(uintptr_t)window);
}

void tlbhint_cr3_slow(uint64_t cr3)
{
	uint32_t t;
	if (cr3 & CR3_NOFLUSH)
		__asm__ volatile(TLBMARK_ASM(TLBMARK_CR3_NOFLUSH) "movzbl (%1), %0"
				 : "=&r"(t)
				 : "r"(CHUNK(cr3, 0))
				 : "memory");
	else
		__asm__ volatile(TLBMARK_ASM(TLBMARK_CR3_FLUSH) "movzbl (%1), %0"
				 : "=&r"(t)
				 : "r"(CHUNK(cr3, 0))
				 : "memory");
}

void tlbhint_cr4_slow(uint64_t cr4)
{
	uint32_t t;
	__asm__ volatile(TLBMARK_ASM(TLBMARK_CR4) "movzbl (%1), %0"
			 : "=&r"(t)
			 : "r"(CHUNK(cr4_bits(cr4), 0))
			 : "memory");
}

void tlbhint_invlpg_slow(uint64_t va)
{
	uint32_t t;
	uint64_t vpn = va >> 12;
	__asm__ volatile(TLBMARK_ASM(TLBMARK_INVLPG) "movzbl (%1), %0\n\tmovzbl (%2), %0\n\t"
						     "movzbl (%3), %0"
			 : "=&r"(t)
			 : "r"(CHUNK(vpn, 0)), "r"(CHUNK(vpn, 1)), "r"(CHUNK(vpn, 2))
			 : "memory");
}
