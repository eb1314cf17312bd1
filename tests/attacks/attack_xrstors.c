/* attack_xrstors: XRSTORS (the supervisor form) in its code; the loader must refuse the image. */
#include "attack.h"

/*
 * usage: attack_xrstors [VICTIM]      (the victim's task id, default 1)
 *
 * XRSTORS restores state, PKRU included, from a compacted XSAVE area (SDM
 * Vol. 1 13.12).  It faults at CPL 3, but a task in `kernel` mode runs at
 * CPL 0, so the scanner refuses 0F C7 /3 with a memory operand in every
 * image: "task image attack_xrstors refused: XRSTORS instruction at image
 * offset 0x...", status 3.
 */

#define NAME "attack_xrstors"
#define XFEATURE_PKRU 9

/* Compacted format: XCOMP_BV bit 63 set; PKRU, the only component past
 * the legacy region and header, sits at 576. */
static uint8_t area[4096] __attribute__((aligned(64)));

/* What this attack tries; the kernel must not let it return. */
static void attempt(void)
{
	uint64_t bv = 1UL << XFEATURE_PKRU, comp = bv | (1UL << 63);
	memcpy(area + 512, &bv, sizeof(bv));	 /* XSTATE_BV */
	memcpy(area + 520, &comp, sizeof(comp)); /* XCOMP_BV */
	memset(area + 576, 0, 8);		 /* PKRU = 0 */

	printf("ATTACK xrstors: trying XRSTORS of PKRU = 0\n");
	__asm__ volatile("xrstors64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)bv), "d"((uint32_t)(bv >> 32))
			 : "memory");
}

int main(int argc, char **argv)
{
	return attack_code_main(argc, argv, NAME, "xrstors", "XRSTORS", attempt);
}
