/* tlbhint.c: the hint window, and its announcement to the QEMU TLB-model plugin at boot
 * (tlbhints=on). */
#include "arch/x86_64/arch.h"
#include "core/console.h"

/* The sites' hints are inline (arch/x86_64/tlbhint.h); here is what they
 * share: the flag and the page whose byte offsets carry the values. */
bool tlbhints_on;
const bool tlbhint_flush = true;
const volatile uint8_t tlbhint_window[TLBMARK_WINDOW_SIZE] __attribute__((aligned(4096)));

void tlbhint_init(bool on)
{
	uint32_t t;
	tlbhints_on = on;
	if (!on)
		return;
	/* HINT_WINDOW: window[0], whose address the plugin takes for the
	 * base, then CR4's bits as they are (include/shoji/tlbmark.h). */
	__asm__ volatile(TLBMARK_ASM(TLBMARK_HINT_WINDOW) "movzbl (%1), %0\n\tmovzbl (%2), %0"
			 : "=&r"(t)
			 : "r"(&tlbhint_window[0]),
			   "r"(TLBHINT_CHUNK(tlbhint_cr4_bits(read_cr4()), 0))
			 : "memory");
	kprintf("paging: tlbhints on (window 0x%lx)\n", (unsigned long)(uintptr_t)tlbhint_window);
}
