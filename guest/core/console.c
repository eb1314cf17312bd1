/* Kernel console output: kprintf and panic. */
#include <shoji/abi.h>
#include "core/console.h"
#include "arch/x86_64/arch.h"
#include "lib/lib.h"

#define KPRINTF_MAX 512 /* bytes kprintf writes at most, with the NUL */

static int kvprintf(const char *fmt, va_list ap)
{
	char buf[KPRINTF_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	serial_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

_Noreturn void panic(const char *fmt, ...)
{
	static const char prefix[] = "kernel panic: ";
	const size_t plen = sizeof(prefix) - 1;
	char buf[sizeof(prefix) - 1 + KPRINTF_MAX];
	va_list ap;

	/* One write (one exit under shoji), the bytes three kprintfs made:
	 * the message cut as kprintf cuts it, then the newline. */
	memcpy(buf, prefix, plen);
	va_start(ap, fmt);
	int n = vsnprintf(buf + plen, KPRINTF_MAX, fmt, ap);
	va_end(ap);
	size_t len = plen + (n < KPRINTF_MAX ? (size_t)n : KPRINTF_MAX - 1);
	buf[len++] = '\n';
	serial_write(buf, len);
	machine_exit(SHOJI_EXIT_PANIC);
}
