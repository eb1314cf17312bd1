/* attack_kindirect: an unmasked indirect jump (FF E0) into the gate's middle; refused at load. */
#define KCODE_TASK "attack_kindirect"
#define KCODE_NAME "kindirect"
#define KCODE_WHAT "jmp *%rax (FF E0) with RAX = ktask_gate + 6, computed at run time"
#include "kcode.h"

/*
 * An indirect branch goes wherever a register says at run time, so the
 * verifier accepts none but the masked sequence (and $0x1ffe0; or
 * $slot_base; jmp|call *%R in one bundle), which can only reach bundle
 * starts of the task's own slot.  This one is bare, written as raw bytes
 * because tools/bundle-asm would mask a "jmp *%rax" written in assembly;
 * it aims at ktask_gate + 6, past the gate's cli, cld, push and mov,
 * where the gate sets PKRU to 0: "task image attack_kindirect refused:
 * kernel-mode code: indirect jump without the CFI mask at image offset
 * 0x...", status 3.  (Were it run, the gate's check of EAX after its
 * WRPKRU is the second wall.)  In shared mode the jump is made, to a
 * non-canonical address (the ring-3 trampoline holds no gate address): a
 * general protection fault.
 */
static void kcode_run(void)
{
	uint64_t target = attack_ktask_gate() + 6;
	__asm__ volatile(".byte 0xff, 0xe0" ::"a"(target) : "memory");
}
