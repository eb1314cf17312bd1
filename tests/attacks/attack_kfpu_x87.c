/* attack_kfpu_x87: fldt from memory (DB /5): x87, which only long double needs; the verifier must
 * refuse the image. */
#define KCODE_TASK "attack_kfpu_x87"
#define KCODE_NAME "kfpu-x87"
#define KCODE_WHAT "fldt from memory (DB /5): x87, which only long double needs"
#include "kcode.h"

/* GCC emits x87 only for long double; kernel mode admits SSE/SSE2 and no
 * x87 (docs/security.md).  Expected: "... refused: kernel-mode code: x87
 * instruction (D8-DF, long double) not admitted in kernel mode at image
 * offset 0x...". */
static void kcode_run(void)
{
	static const uint8_t ten[10] = {0};
	__asm__ volatile("fldt %0\n\t"
			 "fstp %%st(0)" ::"m"(ten)
			 : "memory");
}
