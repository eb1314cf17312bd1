/* attack_kpriv_sysret: executes SYSRET at CPL 0 (0F 07); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_sysret"
#define KCODE_NAME "kpriv-sysret"
#define KCODE_WHAT "sysretq (48 0F 07) to an address of my choosing, RFLAGS from R11"
#include "kcode.h"

/* SYSRET is the kernel's way out to ring 3; from a ring-0 task it sets CS
 * and SS from the STAR MSR and RFLAGS from R11 (IOPL included).
 * Expected: "... refused: kernel-mode code: privileged instruction 0F 07
 * (sysret) at image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("lea 1f(%%rip), %%rcx\n\t"
			 "mov $0x3202, %%r11d\n\t" /* IF, IOPL 3 */
			 "sysretq\n"
			 "1:" ::
			     : "rcx", "r11", "memory");
}
