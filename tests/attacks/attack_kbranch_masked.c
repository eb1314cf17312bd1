/* attack_kbranch_masked: a direct jump past the and of a masked sequence; refused at load. */
#define KCODE_TASK "attack_kbranch_masked"
#define KCODE_NAME "kbranch-masked"
#define KCODE_WHAT "jmp rel32 past the \"and\" of a masked jump, with R11 = ktask_gate + 6"
#include "kcode.h"

/*
 * The masked sequence "and $0x1ffe0, %r11d; or $slot_base, %r11; jmp
 * *%r11" confines the jump only if the and runs: entered at the or, R11
 * keeps every bit it had and gains the slot base's, so a kernel address
 * stays a kernel address (here ktask_gate + 6, with the base's bits).  The
 * sequence itself is well formed (the verifier accepts it and writes the
 * slot base into the or), but its or and jmp are not branch targets:
 * "task image attack_kbranch_masked refused: kernel-mode code: direct
 * branch into a masked sequence at image offset 0x...", status 3.  In
 * shared mode the jump is made, to a non-canonical address (the ring-3
 * trampoline holds no gate address): a general protection fault.
 */
__asm__(".pushsection .text.kbranch_masked, \"ax\", @progbits\n"
	".p2align 5\n"
	"masked_jump:\n\t"
	"andl $0x1ffe0, %r11d\n"
	"masked_jump_or:\n\t"
	"orq $0x7ffe0000, %r11\n\t"  /* CFI_MARKER: the loader writes the slot base */
	".byte 0x41, 0xff, 0xe3\n\t" /* jmp *%r11, as bytes: bundle-asm would mask it */
	".p2align 5\n"		     /* end on a bundle boundary, as bundle-asm ends .text */
	".popsection\n");

static void kcode_run(void)
{
	uint64_t target = attack_ktask_gate() + 6;
	__asm__ volatile("mov %0, %%r11\n\t"
			 "jmp masked_jump_or" ::"r"(target)
			 : "r11", "memory");
}
