/* printf for tasks: formats with the shared vsnprintf (guest/lib/fmt.c),
 * then one system call, so a line is never interleaved with another task's. */
#include "user.h"

int printf(const char *fmt, ...)
{
	char buf[PRINTF_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	long ret = sys_write(buf, (size_t)n);
	return ret < 0 ? (int)ret : n;
}
