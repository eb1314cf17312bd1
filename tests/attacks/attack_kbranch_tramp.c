/* attack_kbranch_tramp: a direct call into the trampoline's "jmp *%rcx"; refused at load. */
#define KCODE_TASK "attack_kbranch_tramp"
#define KCODE_NAME "kbranch-tramp"
#define KCODE_WHAT "call rel32 to the trampoline + 10, its \"jmp *%rcx\", with RCX = ktask_gate + 6"
#include "kcode.h"

/*
 * A ring-0 task's trampoline (image offset SHOJI_GATE_OFFSET) starts with
 * "movabs $ktask_gate, %rcx; jmp *%rcx" (48 B9 imm64, FF E1): entered at
 * byte 10 it is an unmasked indirect jump to wherever RCX points, here
 * past the gate's cli, cld and the first steps before its PKRU check.
 * The verifier lets direct calls and jumps reach the trampoline at exactly
 * its first byte and nowhere else in it: "task image attack_kbranch_tramp
 * refused: kernel-mode code: branch target outside the task's code at
 * image offset 0x...", status 3.  (Masked branches reach only its bundle
 * starts: byte 0, or a UD2.)  In shared mode the call is made, to the
 * ring-3 trampoline, where byte 10 is a UD2: killed with an invalid opcode.
 */
static void kcode_run(void)
{
	uint64_t target = attack_ktask_gate() + 6;
	__asm__ volatile("call __ehdr_start + %c[at]"
			 : "+c"(target)
			 : [at] "i"(SHOJI_GATE_OFFSET + 10)
			 : "rax", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
}
