/* attack_kret: a bare ret (C3) to the middle of the gate; refused at load. */
#define KCODE_TASK "attack_kret"
#define KCODE_NAME "kret"
#define KCODE_WHAT "push ktask_gate + 6; ret (C3): return into the middle of the gate"
#include "kcode.h"

/*
 * A return is an indirect jump to whatever the stack holds, and the stack
 * is the task's to write, so every return must be masked (pop %r11 and the
 * masked jmp: tools/bundle-asm rewrites each ret so).  A bare C3, written
 * as a byte so the rewriter leaves it, is refused wherever it is: "task
 * image attack_kret refused: kernel-mode code: ret is not allowed (returns
 * must be masked) at image offset 0x...", status 3.  In shared mode the
 * return is made, to a non-canonical address (the ring-3 trampoline holds
 * no gate address): a general protection fault.
 */
static void kcode_run(void)
{
	uint64_t target = attack_ktask_gate() + 6;
	__asm__ volatile("push %0\n\t"
			 ".byte 0xc3" ::"r"(target)
			 : "memory");
}
