/* Where a killed task's fault happened (fault_site.c): its RIP as an image
 * offset and function, or the region it lies in; and a stack overflow. */
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

/*
 * Whether a page fault at @va, with the stack pointer at @rsp, is @t's
 * stack overflowing: returns how ("into the guard page below its 32 KiB
 * stack": @va in the unmapped page between the trampoline and the stack;
 * "its stack pointer is below its 32 KiB stack": @rsp has left the stack
 * downwards within the slot, as one big alloca does past the guard page,
 * and @va lies between 256 bytes below it and the stack), or 0.
 */
const char *fault_site_overflow(const struct task *t, uint64_t rsp, uint64_t va);

#endif
