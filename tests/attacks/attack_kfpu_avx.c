/* attack_kfpu_avx: vaddps %ymm0, %ymm1, %ymm2 (VEX C5): AVX, whose state XSAVE manages; the
 * verifier must refuse the image. */
#define KCODE_TASK "attack_kfpu_avx"
#define KCODE_NAME "kfpu-avx"
#define KCODE_WHAT "vaddps %ymm0, %ymm1, %ymm2 (VEX C5): AVX, whose state XSAVE manages"
#include "kcode.h"

/* AVX needs XSAVE state the kernel keeps off (XCR0 without AVX: #UD);
 * the VEX encodings are refused whole.  Expected: "... refused: kernel-mode
 * code: VEX prefix (C4/C5) not allowed at image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("vaddps %%ymm0, %%ymm1, %%ymm2" ::: "memory");
}
