/* attack_khidden: mov %rax, %cr3 hidden in a movabs, and a call into it; refused at load. */
#define KCODE_TASK "attack_khidden"
#define KCODE_NAME "khidden"
#define KCODE_WHAT                                                                                 \
	"a call to hidden_movabs + 2, the \"mov %rax, %cr3\" (0F 22 D8) inside its immediate"
#include "kcode.h"

#include "khidden.h"

/*
 * hidden_movabs (khidden.h) with a direct call two bytes in, to the
 * hidden "mov %rax, %cr3".  With RAX = 0 the machine would load page
 * tables at physical 0 and die; with a page table of the attacker's
 * making it would own it.  The verifier decodes only from bundle starts,
 * so the hidden bytes are never an instruction start, and a direct branch
 * to them is refused: "task image attack_khidden refused: kernel-mode
 * code: direct branch into the middle of an instruction at image offset
 * 0x...", the offset of the call.  (The same bytes with no branch into
 * them load and run: attack_khidden_unreached.)  In shared mode the call
 * is made, and the CPU refuses the CR3 write at ring 3: a general
 * protection fault at hidden_movabs + 2.
 */

static void kcode_run(void)
{
	__asm__ volatile("xor %%eax, %%eax\n\t"
			 "call hidden_movabs + 2" ::
			     : "rax", "r11", "memory");
}
