/* attack_kfpu_maskmov: maskmovdqu %xmm1, %xmm0 (66 0F F7): a store through an implicit rdi; the
 * verifier must refuse the image. */
#define KCODE_TASK "attack_kfpu_maskmov"
#define KCODE_NAME "kfpu-maskmov"
#define KCODE_WHAT "maskmovdqu %xmm1, %xmm0 (66 0F F7): a store through an implicit rdi"
#include "kcode.h"

/* MASKMOVDQU writes the selected bytes of xmm0 to [rdi], an operand no
 * ModRM names: compilers do not emit it, and the verifier admits no
 * implicit-address store it need not.  Expected: "... refused: kernel-mode
 * code: maskmovdqu (66 0F F7) not allowed: ... at image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("xor %%edi, %%edi\n\t"
			 "maskmovdqu %%xmm1, %%xmm0" ::
			     : "rdi", "memory");
}
