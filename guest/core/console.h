/* The console: printf to the serial port, panic, and tasks' bytes kept
 * apart from the kernel's lines (console.c). */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/lib.h"

/* printf to the console; %d %i %u %x %lx %lu %ld %s %c %p, widths, 0 and -. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes the n bytes at s (kernel memory) for task id (SYS_WRITE): as
 * they are, but a line of them that starts with a word kernel lines
 * start with gets "[task ID] " before it; and a kernel line written later
 * ends a line they leave open first.  Cannot fail. */
void console_task_write(uint32_t id, const char *s, size_t n);
/* Prints "kernel panic: ..." and ends the machine with SHOJI_EXIT_PANIC.
 * Only for broken kernel invariants; a task's mistake never panics. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
