/* attack_kpriv_iretq: returns through a forged interrupt frame (CF); refused at load. */
#define KCODE_TASK "attack_kpriv_iretq"
#define KCODE_NAME "kpriv-iretq"
#define KCODE_WHAT "iretq (48 CF) with a forged frame: RFLAGS with IF clear, IOPL 3"
#include "kcode.h"

/* At CPL 0 IRET loads RFLAGS whole, IF and IOPL included (SDM Vol. 2A,
 * IRET): the timer would stop reaching the kernel, as with cli.  The
 * frame names the kernel's own selectors (0x10 data, 0x08 code).
 * Expected: "... refused: kernel-mode code: privileged instruction CF
 * (iret) at image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("lea 1f(%%rip), %%rax\n\t"
			 "mov %%rsp, %%rdx\n\t"
			 "push $0x10\n\t"   /* ss */
			 "push %%rdx\n\t"   /* rsp */
			 "push $0x3002\n\t" /* rflags: IOPL 3, IF clear */
			 "push $0x08\n\t"   /* cs */
			 "push %%rax\n\t"   /* rip */
			 "iretq\n"
			 "1:" ::
			     : "rax", "rdx", "memory");
}
