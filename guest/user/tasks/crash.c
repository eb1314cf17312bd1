/* crash: faults in a chosen way, so that the kernel's kill line can be checked
 * (tests/guest/faults.sh). */
#include "user.h"

/*
 * usage: crash func|ud2|stack|recurse|alloca|alloca-far
 *
 *   func     reads address 8 inside crash_read(): the line names the
 *            function and the offset in it (the image has symbols)
 *   ud2      an invalid opcode inside crash_ud2()
 *   stack    calls a RET it wrote on its stack (never executable); the
 *            call is the masked one every task makes (tools/bundle-asm.c),
 *            so the buffer is bundle-aligned to be reached (a jump into
 *            the heap, outside the slot, needs an unmasked call:
 *            tests/attacks/exec-heap.case)
 *   recurse  recurses without end: a stack overflow into the guard page
 *   alloca   takes 34 KiB of stack at once and writes its lowest byte:
 *            the guard page too
 *   alloca-far  takes 40 KiB: the stack pointer lands past the guard
 *            page, in the trampoline's page or the image's last one, and
 *            the write faults there
 *
 * Each line it prints before the fault says what it does; a line after
 * it means the fault did not happen.
 */

static volatile uintptr_t bad_address = 8; /* unmapped: the null page */

static __attribute__((noipa)) long crash_read(void)
{
	return *(volatile long *)bad_address;
}

static __attribute__((noipa)) void crash_ud2(void)
{
	__asm__ volatile("ud2");
}

/* Each level keeps a buffer the compiler cannot drop, and uses the
 * deeper result after the call, so the recursion stays a recursion; the
 * bound is far past what 32 KiB of stack holds. */
static volatile long recurse_limit = 1L << 20;

static __attribute__((noipa)) long crash_recurse(long n)
{
	volatile char frame[256];
	frame[0] = (char)n;
	if (n >= recurse_limit)
		return 0;
	return crash_recurse(n + 1) + frame[0];
}

static volatile unsigned long alloca_size;

static __attribute__((noipa)) void crash_alloca(void)
{
	volatile char *p = __builtin_alloca(alloca_size);
	p[0] = 1;
}

static void call_ret_at(volatile uint8_t *code)
{
	code[0] = 0xc3; /* ret */
	((void (*)(void))(uintptr_t)code)();
}

int main(int argc, char **argv)
{
	const char *what = argc == 2 ? argv[1] : "";
	volatile uint8_t stack_code[32] __attribute__((aligned(32)));

	printf("crash: %s\n", what);
	if (!strcmp(what, "func"))
		crash_read();
	else if (!strcmp(what, "ud2"))
		crash_ud2();
	else if (!strcmp(what, "stack"))
		call_ret_at(stack_code);
	else if (!strcmp(what, "recurse"))
		crash_recurse(0);
	else if (!strcmp(what, "alloca") || !strcmp(what, "alloca-far")) {
		alloca_size = what[6] ? 40 << 10 : 34 << 10;
		crash_alloca();
	} else {
		printf("crash: usage: crash func|ud2|stack|recurse|alloca|alloca-far\n");
		return 2;
	}
	printf("crash: no fault (the kernel should have killed this task)\n");
	return 1;
}
