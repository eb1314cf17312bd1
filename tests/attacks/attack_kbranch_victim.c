/* attack_kbranch_victim: a direct call into the slot below, the victim's; refused at load. */
#define KCODE_TASK "attack_kbranch_victim"
#define KCODE_NAME "kbranch-victim"
#define KCODE_WHAT "call rel32 to my image base - 0x20000 + 0x1000, the victim's first code page"
#include "kcode.h"

/*
 * A direct call's target is fixed in the code, so the verifier checks it
 * at load: it must be an instruction start of the task's own code (or the
 * trampoline).  Slots are 128 KiB apart, well within a rel32's reach, so
 * this call names the code of the task in the slot below (the victim, as
 * task 1 beside this task 2): "task image attack_kbranch_victim refused:
 * kernel-mode code: branch target outside the task's code at image offset
 * 0x...", status 3.  At CPL 0 the victim's code would run with this
 * task's PKRU (keys do not govern fetches); worse, a target in the middle
 * of one of its instructions could be anything.  In shared mode the call
 * is made: the victim's code runs under this task's PKRU until it touches
 * the victim's data.
 */
static void kcode_run(void)
{
	__asm__ volatile("call __ehdr_start - 0x20000 + 0x1000" ::
			     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			       "memory");
}
