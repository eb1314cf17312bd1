/* fpu-code: a task of float-heavy code (tests/fpu/) for the verifier to accept; prints a few
 * results. */
#include "user.h"

#include "fpu.h"

/*
 * Built with USER_FPU_CFLAGS and linked like every task (tests/tests.mk),
 * then loaded in kernel mode on the host by tests/unit/test_fpu_code.c:
 * what matters is the code the compiler emitted for the other files.
 * Run (once the kernel keeps FPU state per task) it prints integers
 * computed through that code, so it does not need printf's %f.
 */
int main(int argc, char **argv)
{
	static float x[67], y[67];
	static int iv[67], ov[67];
	static double d[40];
	for (int i = 0; i < 67; i++) {
		x[i] = (float)i * 0.5f;
		y[i] = 1.0f;
		iv[i] = i - 33;
	}
	for (int i = 0; i < 40; i++)
		d[i] = fpu_from_long(i - 20);
	fpu_saxpy(y, x, 2.0f, 67);
	fpu_add32(ov, iv, 67);
	fpu_abs_all(d, 40);
	printf("fpu-code: sum %d dot %ld max %d sqrt %d\n", fpu_to_int(fpu_sumf(y, 67)),
	       fpu_to_long(fpu_dot(d, d, 40)), fpu_max32(ov, 67), fpu_to_int(fpu_sqrtf(144.0f)));
	return 0;
}
