/* The printf family's entry points for tasks built with SSE, and va_arg of a double. */
#include <string.h>
#include "lib/fmt.h"
#include "runtime.h"

/*
 * Built with USER_FPU_CFLAGS: GCC's prologue of a variadic function saves
 * XMM0-7 for va_arg only when built with SSE, and only when the caller's
 * AL (the count of vector registers it passed) is not zero, so a call
 * that passes no double runs no SSE instruction here
 * (tests/style/runtime-sse.sh checks both).  stdio.h gives this file's
 * functions, as code built with SSE sees them, the names printf_fp,
 * snprintf_fp, vsnprintf_fp and vprintf_fp; each turns the float
 * conversions on (fmt_float_hook, guest/lib/fmt.h) and calls the plain
 * function, general-register code, under its own name.
 */
int plain_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __asm__("vsnprintf");
int plain_vprintf(const char *fmt, va_list ap) __asm__("vprintf");

/* Sets the hook each call: the code computes fmt_float's address, so it
 * needs no relocation, and a task built without SSE never sets it. */
static inline void floats_on(void)
{
	fmt_float_hook = fmt_float;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	floats_on();
	return plain_vsnprintf(buf, size, fmt, ap);
}

int vprintf(const char *fmt, va_list ap)
{
	floats_on();
	return plain_vprintf(fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	floats_on();
	int n = plain_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	floats_on();
	int n = plain_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

uint64_t rt_va_double_bits(va_list *ap)
{
	double d = va_arg(*ap, double);
	uint64_t bits;
	memcpy(&bits, &d, sizeof(bits));
	return bits;
}
