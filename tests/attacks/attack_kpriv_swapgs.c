/* attack_kpriv_swapgs: swaps the GS base (0F 01 F8); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_swapgs"
#define KCODE_NAME "kpriv-swapgs"
#define KCODE_WHAT "swapgs (0F 01 F8): take the kernel's GS base"
#include "kcode.h"

/* A kernel that keeps per-CPU data behind GS would hand it over (this one
 * does not use GS, but the instruction is privileged all the same).
 * Expected: "... refused: kernel-mode code: privileged instruction 0F 01
 * F8 (swapgs) at image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("swapgs" ::: "memory");
}
