/* attack_khidden: mov %rax, %cr3 hidden in a movabs, and a call into it; refused at load. */
#define KCODE_TASK "attack_khidden"
#define KCODE_NAME "khidden"
#define KCODE_WHAT                                                                                 \
	"a call to hidden_movabs + 2, the \"mov %rax, %cr3\" (0F 22 D8) inside its immediate"
#include "kcode.h"

/*
 * "movabs $0x9090909090d8220f, %rax" is 48 B8 0F 22 D8 90 90 90 90 90:
 * harmless from its first byte, but entered two bytes in it is "mov %rax,
 * %cr3" and five NOPs, falling through into the function's (masked)
 * return.  With RAX = 0 the machine would load page tables at physical 0
 * and die; with a page table of the attacker's making it would own it.
 * The verifier decodes only from bundle starts, so the hidden bytes are
 * never an instruction start, and a direct branch to them is refused:
 * "task image attack_khidden refused: kernel-mode code: direct branch
 * into the middle of an instruction at image offset 0x...", the offset of
 * the call.  (The same bytes with no branch into them load and run:
 * attack_khidden_unreached.)  In shared mode the call is made, and the
 * CPU refuses the CR3 write at ring 3: a general protection fault at
 * hidden_movabs + 2.
 */
__asm__(".pushsection .text.khidden, \"ax\", @progbits\n"
	".p2align 5\n"
	".type hidden_movabs, @function\n"
	"hidden_movabs:\n\t"
	"movabs $0x9090909090d8220f, %rax\n\t" /* 48 B8 0F 22 D8 90 90 90 90 90 */
	"ret\n"
	".size hidden_movabs, . - hidden_movabs\n"
	".p2align 5\n" /* end on a bundle boundary, as tools/bundle-asm ends .text */
	".popsection\n");

static void kcode_run(void)
{
	__asm__ volatile("xor %%eax, %%eax\n\t"
			 "call hidden_movabs + 2" ::
			     : "rax", "r11", "memory");
}
