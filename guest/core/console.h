/* The console: printf to the serial port, and panic. */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdarg.h>
#include "lib/lib.h"

/* printf to the console; %d %i %u %x %lx %lu %ld %s %c %p, widths, 0 and -. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "kernel panic: ..." and ends the machine with SHOJI_EXIT_PANIC.
 * Only for broken kernel invariants; a task's mistake never panics. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
