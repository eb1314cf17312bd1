/* attack_kpriv_wrmsr: writes an MSR at CPL 0 (0F 30); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_wrmsr"
#define KCODE_NAME "kpriv-wrmsr"
#define KCODE_WHAT "wrmsr (0F 30): point IA32_LSTAR, the SYSCALL entry, at my own code"
#include "kcode.h"

#define MSR_LSTAR 0xc0000082u

/* Every ring-3 task's next SYSCALL would enter this task's code at CPL 0.
 * Expected: "... refused: kernel-mode code: privileged instruction 0F 30
 * (wrmsr) at image offset 0x...". */
static void kcode_run(void)
{
	uint64_t entry = (uintptr_t)main;
	__asm__ volatile("wrmsr"
			 :
			 : "c"(MSR_LSTAR), "a"((uint32_t)entry), "d"((uint32_t)(entry >> 32))
			 : "memory");
}
