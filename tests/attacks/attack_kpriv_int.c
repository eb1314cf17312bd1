/* attack_kpriv_int: raises a software interrupt (CD 80); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_int"
#define KCODE_NAME "kpriv-int"
#define KCODE_WHAT "int $0x80 (CD 80): enter the kernel through an IDT gate, not the trampoline"
#include "kcode.h"

/* A ring-3 "int n" to a DPL-0 gate raises #GP; at CPL 0 the gate's DPL
 * does not stop it, and the kernel would take an interrupt frame it never
 * expected (vector 0x80, made by the task, with the task's PKRU).
 * Expected: "... refused: kernel-mode code: int n (CD) not allowed at
 * image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("int $0x80" ::: "memory");
}
