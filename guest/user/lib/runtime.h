/* The task runtime's internal header: what its C library files share (not for tasks). */
#ifndef SHOJI_USER_RUNTIME_H
#define SHOJI_USER_RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "user.h"

/* (pages.c) Maps @len bytes (a multiple of RT_PAGE) of zeroed read-write
 * memory; returns its address, or NULL when the kernel refuses
 * (sys_map()'s errors).  The unit tests provide their own, over mmap. */
void *rt_pages_map(size_t len);
/* (pages.c) Unmaps what rt_pages_map() returned; @len as given to it. */
void rt_pages_unmap(void *addr, size_t len);
#define RT_PAGE 4096UL

/* (printf_fp.c, built with SSE) Takes the next argument of @ap as a double
 * (va_arg) and returns its IEEE 754 binary64 bits. */
uint64_t rt_va_double_bits(va_list *ap);

/* (printf.c, stdio.c) The @n bytes vsnprintf() formatted into @buf
 * (PRINTF_MAX bytes, user.h), cut to what it holds, in one sys_write();
 * returns the bytes written or sys_write()'s error. */
static inline int rt_write_formatted(const char *buf, int n)
{
	if (n >= PRINTF_MAX)
		n = PRINTF_MAX - 1;
	long ret = sys_write(buf, (size_t)n);
	return ret < 0 ? (int)ret : n;
}

#endif
