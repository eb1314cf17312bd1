/* attack_kpriv_hlt: halts the CPU at CPL 0 (F4); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_hlt"
#define KCODE_NAME "kpriv-hlt"
#define KCODE_WHAT "hlt (F4): stop the CPU until the next interrupt"
#include "kcode.h"

/* Harmless with interrupts on, but privileged (CPL 0 only): no task has
 * business stopping the CPU.  Expected: "... refused: kernel-mode code:
 * privileged instruction F4 (hlt) at image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("hlt" ::: "memory");
}
