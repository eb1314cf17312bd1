/* attack_kfpu_mmx: paddb %mm1, %mm0 (0F FC): MMX, whose registers alias the x87 state; the verifier
 * must refuse the image. */
#define KCODE_TASK "attack_kfpu_mmx"
#define KCODE_NAME "kfpu-mmx"
#define KCODE_WHAT "paddb %mm1, %mm0 (0F FC): MMX, whose registers alias the x87 state"
#include "kcode.h"

/* The MMX forms (no prefix before 0F 6x/7x/Dx-Fx) work on mm registers,
 * which are the x87 registers: compilers emit them only for intrinsics.
 * Expected: "... refused: kernel-mode code: MMX instruction (mm register)
 * not allowed: ... at image offset 0x...". */
static void kcode_run(void)
{
	__asm__ volatile("paddb %%mm1, %%mm0" ::: "memory");
}
