/* Kernel console output: kprintf and panic. */
#include <shoji/abi.h>
#include "core/console.h"
#include "arch/x86_64/arch.h"
#include "lib/lib.h"

static int kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
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
	va_list ap;
	kprintf("kernel panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	machine_exit(SHOJI_EXIT_PANIC);
}
