/* vprintf, puts, putchar: console output apart from printf.c, linked only where used. */
#include "runtime.h"

int vprintf(const char *fmt, va_list ap)
{
	char buf[PRINTF_MAX];
	return rt_write_formatted(buf, vsnprintf(buf, sizeof(buf), fmt, ap));
}

int puts(const char *s)
{
	return printf("%s\n", s) < 0 ? EOF : 0;
}

int putchar(int c)
{
	char ch = (char)c;
	return sys_write(&ch, 1) < 0 ? EOF : (unsigned char)ch;
}
