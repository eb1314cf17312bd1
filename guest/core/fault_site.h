/* Where a killed task's fault happened (fault_site.c): its RIP as an image
 * offset and function, or the region it lies in; and its stack's guard. */
#ifndef CORE_FAULT_SITE_H
#define CORE_FAULT_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/task.h"

/* Remembers the initrd, so that a task's image file can be read again at
 * its kill: the initrd's pages stay reserved and unchanged for the whole
 * run (guest/core/memory.c marks them used, nothing frees them). */
void fault_site_init(const void *initrd, size_t size);

/*
 * Writes where @rip lies for task @t into @buf (@len bytes, always
 * NUL-terminated): "peek+0x106c: main+0x2c" (the task's name and the
 * offset in its image, then the function and the offset in it, from the
 * image file's symbol table), "peek+0x106c" (no symbol covers it: a
 * stripped image), or "in the system-call trampoline", "in the guard page
 * below the stack", "in the task's stack", "in the task's heap",
 * "in the kernel" or "outside the task".  Only on the kill path.
 */
void fault_site_rip(char *buf, size_t len, const struct task *t, uint64_t rip);

/* Whether @va lies in @t's stack guard page (the unmapped page between
 * the trampoline and the stack, arch/x86_64/layout.h). */
bool fault_site_in_guard(const struct task *t, uint64_t va);

#endif
