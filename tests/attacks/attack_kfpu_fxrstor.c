/* attack_kfpu_fxrstor: fxrstor from a buffer it wrote (0F AE /1): load the whole x87/SSE state; the
 * verifier must refuse the image. */
#define KCODE_TASK "attack_kfpu_fxrstor"
#define KCODE_NAME "kfpu-fxrstor"
#define KCODE_WHAT "fxrstor from a buffer it wrote (0F AE /1): load the whole x87/SSE state"
#include "kcode.h"

/* FXRSTOR loads x87, MMX and XMM registers and MXCSR from memory the task
 * controls; compilers never emit it, and what the kernel keeps of a task
 * (its FXSAVE image) is the kernel's to load.  Expected: "... refused:
 * kernel-mode code: fxrstor (0F AE /1) not allowed: ... at image offset
 * 0x...". */
static void kcode_run(void)
{
	static uint8_t state[512] __attribute__((aligned(16)));
	memset(state, 0xff, sizeof(state));
	__asm__ volatile("fxrstor %0" ::"m"(state) : "memory");
}
