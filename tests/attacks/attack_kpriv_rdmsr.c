/* attack_kpriv_rdmsr: reads an MSR at CPL 0 (0F 32); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_rdmsr"
#define KCODE_NAME "kpriv-rdmsr"
#define KCODE_WHAT "rdmsr (0F 32): read IA32_PMC0, a performance counter, as the kernel does"
#include "kcode.h"

#define MSR_IA32_PMC0 0xc1u

/* Expected: "... refused: kernel-mode code: privileged instruction 0F 32
 * (rdmsr) at image offset 0x...". */
static void kcode_run(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_IA32_PMC0));
	printf("ATTACK " KCODE_NAME ": IA32_PMC0 reads %#x%08x\n", hi, lo);
}
