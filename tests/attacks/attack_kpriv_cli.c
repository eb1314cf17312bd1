/* attack_kpriv_cli: disables interrupts at CPL 0 (FA); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_cli"
#define KCODE_NAME "kpriv-cli"
#define KCODE_WHAT "cli (FA), then spin: the timer could never take the CPU back"
#include "kcode.h"

/* With IF clear the timer interrupt is never delivered, so the scheduler
 * never runs again: every other task starves.  Expected: "... refused:
 * kernel-mode code: privileged instruction FA (cli) at image offset
 * 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("cli\n\t"
			 "1: jmp 1b" ::
			     : "memory");
}
