/* attack_kpriv_rdpmc: reads a performance counter (0F 33) itself; refused in kernel mode, #GP in
 * ring 3. */
#define KCODE_TASK "attack_kpriv_rdpmc"
#define KCODE_NAME "kpriv-rdpmc"
#define KCODE_WHAT "rdpmc (0F 33): read the vCPU's counters, bypassing SYS_PMU"
#include "kcode.h"

/* The counters are the vCPU's, shared by every task (docs/security.md):
 * reading them directly would time other tasks' work.  In kernel mode the
 * verifier refuses the image ("rdpmc (0F 33) not allowed at image offset
 * 0x..."); in shared or process mode CR4.PCE is clear, so the CPU raises
 * #GP (SDM Vol. 2B, RDPMC), with or without a PMU. */
static void kcode_run(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0));
	printf("ATTACK " KCODE_NAME ": counter 0 reads %#x%08x\n", hi, lo);
}
