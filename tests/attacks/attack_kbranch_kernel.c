/* attack_kbranch_kernel: a direct jump as far towards the kernel as rel32 goes; refused at load. */
#define KCODE_TASK "attack_kbranch_kernel"
#define KCODE_NAME "kbranch-kernel"
#define KCODE_WHAT "jmp rel32 -2^31 (E9 00 00 00 80), into the kernel half"
#include "kcode.h"

/*
 * The kernel's text (0xffffffff80100000 on) is more than 2 GiB away from
 * the task slots at 1 GiB, so no direct branch reaches it; the farthest
 * one, rel32 = -2^31, wraps around to 0xffffffffc00.....: the kernel
 * half, where the fixmap and whatever the kernel maps later live.  Written
 * as raw bytes, since no assembler would emit it for a symbol.  The
 * verifier computes targets modulo 2^64 like the CPU: "task image
 * attack_kbranch_kernel refused: kernel-mode code: branch target outside
 * the task's code at image offset 0x...", status 3.  In shared mode the
 * jump is made: a page fault at 0xffffffffc00..... (instruction fetch).
 */
static void kcode_run(void)
{
	__asm__ volatile(".byte 0xe9, 0x00, 0x00, 0x00, 0x80" ::: "memory");
}
