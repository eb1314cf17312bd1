/* printf for tasks: formats with the shared vsnprintf (guest/lib/fmt.c),
 * then one system call, so a line is never interleaved with another task's. */
#include "runtime.h"

int printf(const char *fmt, ...)
{
	char buf[PRINTF_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return rt_write_formatted(buf, n);
}
