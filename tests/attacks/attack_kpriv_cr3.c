/* attack_kpriv_cr3: reads CR3 at CPL 0 (0F 20); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_cr3"
#define KCODE_NAME "kpriv-cr3"
#define KCODE_WHAT "mov %cr3, %rax (0F 20 D8): read the page-table root"
#include "kcode.h"

/* The first step to remapping anything: CR3 names the page tables, and
 * "mov %rax, %cr3" would then load tables of the attacker's making.
 * Expected: "... refused: kernel-mode code: privileged instruction 0F 20
 * (mov from a control register) at image offset 0x...". */
static void kcode_run(void)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	printf("ATTACK " KCODE_NAME ": CR3 is %#lx\n", (unsigned long)cr3);
}
