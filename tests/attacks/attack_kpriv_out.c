/* attack_kpriv_out: writes the machine's exit port (E6); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_out"
#define KCODE_NAME "kpriv-out"
#define KCODE_WHAT "outb %al, $0xf4 (E6 F4): end the machine with status 0, \"all succeeded\""
#include "kcode.h"

/* At CPL 0 IOPL does not matter: any port is open, the exit port
 * (docs/architecture.md) and the console among them.  Expected: "...
 * refused: kernel-mode code: I/O instruction in/out (E4-E7) not allowed
 * at image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("outb %%al, $0xf4" : : "a"(0) : "memory");
}
