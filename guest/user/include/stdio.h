/* stdio.h for tasks: the printf family, to the console and to strings; no streams. */
#ifndef SHOJI_STDIO_H
#define SHOJI_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/*
 * Formatting (guest/lib/fmt.c): %d %i %u %x %X %o %c %s %p %%, with
 * hh h l ll z, width and precision (also *), the - 0 # + and space flags;
 * and in a task built with SSE (below), %f %F %e %E %g %G.  snprintf and
 * vsnprintf always NUL-terminate when @size > 0 and return the length the
 * whole output would have (docs/task-runtime.md lists what is missing).
 *
 * A double passed to a variadic function travels in an XMM register, which
 * the callee's prologue saves for va_arg only when the callee is compiled
 * with SSE.  Code built without SSE cannot pass a double at all, so it
 * gets the plain entry points (lib/printf.c, lib/stdio.c, guest/lib/fmt.c),
 * which hold no SSE instruction and no float code.  Code built with SSE
 * gets entry points of their own (lib/printf_fp.c): they touch XMM
 * registers only when the caller passed one (AL != 0), and bring in the
 * float conversions (lib/fmt_float.c).
 */
#ifdef __SSE2__
#define SHOJI_STDIO_FP(name) __asm__(name "_fp")
#else
#define SHOJI_STDIO_FP(name)
#endif
int printf(const char *fmt, ...) SHOJI_STDIO_FP("printf") __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t size, const char *fmt, ...) SHOJI_STDIO_FP("snprintf")
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) SHOJI_STDIO_FP("vsnprintf");
/* printf formats into a PRINTF_MAX-byte buffer (user.h) and writes it with
 * one sys_write(); output beyond PRINTF_MAX - 1 bytes is cut off.  Returns
 * the bytes written or sys_write()'s negative error. */
int vprintf(const char *fmt, va_list ap) SHOJI_STDIO_FP("vprintf");

/* (lib/stdio.c) puts writes @s and a newline; putchar one byte.  Both
 * return a nonnegative value or EOF. */
int puts(const char *s);
int putchar(int c);

#endif
