/* attack_xrstor: loads PKRU from memory with XRSTOR; the loader must refuse the image. */
#include "attack.h"

/*
 * usage: attack_xrstor [VICTIM]      (the victim's task id, default 1)
 *
 * XRSTOR restores every state component the requested-feature bitmap
 * (EDX:EAX, masked by XCR0) names, PKRU (component 9) among them, from an
 * XSAVE area the task writes itself (SDM Vol. 1 13.8 and 13.5.7): a
 * WRPKRU by other means, and unprivileged too.  The kernel refuses images
 * with XRSTOR (0F AE /5 with a memory operand) at any byte offset: "task
 * image attack_xrstor refused: XRSTOR instruction at image offset 0x...",
 * status 3.  (Today the kernel also leaves CR4.OSXSAVE clear, so XRSTOR
 * would raise #UD; the scanner does not rely on that.)
 */

#define NAME "attack_xrstor"
#define XFEATURE_PKRU 9

/* Standard-format XSAVE area: 512-byte legacy region, 64-byte header
 * (XSTATE_BV, XCOMP_BV = 0), then components at CPUID-given offsets. */
static uint8_t area[4096] __attribute__((aligned(64)));

/* PKRU's offset in the standard format: CPUID.(EAX=0DH, ECX=9):EBX. */
static uint32_t pkru_offset(void)
{
	uint32_t eax = 0xd, ebx, ecx = XFEATURE_PKRU, edx;
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return ebx;
}

/* What this attack tries; the kernel must not let it return. */
static void attempt(void)
{
	uint32_t off = pkru_offset();
	if (off == 0 || off + 8 > sizeof(area))
		off = 2688; /* where Intel and AMD CPUs put it */
	uint64_t bv = 1UL << XFEATURE_PKRU;
	memcpy(area + 512, &bv, sizeof(bv)); /* XSTATE_BV: PKRU from memory */
	memset(area + off, 0, 8);	     /* PKRU = 0: every key open */

	printf("ATTACK xrstor: trying XRSTOR of PKRU = 0 (component %d at offset %u)\n",
	       XFEATURE_PKRU, off);
	__asm__ volatile("xrstor64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)bv), "d"((uint32_t)(bv >> 32))
			 : "memory");
}

int main(int argc, char **argv)
{
	return attack_code_main(argc, argv, NAME, "xrstor", "XRSTOR", attempt);
}
