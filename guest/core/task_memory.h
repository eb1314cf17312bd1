/* Pages in a task's windows, and the heap system calls (task_memory.c). */
#ifndef CORE_TASK_MEMORY_H
#define CORE_TASK_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/arch.h"
#include "core/task.h"

/* The leaf flags of a page a task owns: user, writable or not,
 * executable or not (never both, by the callers). */
static inline uint64_t task_page_flags(bool write, bool exec)
{
	return PTE_P | PTE_U | PTE_SW_OWNED | (write ? PTE_W : 0) | (exec ? 0 : PTE_NX);
}
/* Maps `pages` zeroed frames at va with flags, tagged with t's key, and
 * counts them in t->pages.  0 or -SHOJI_ENOMEM (then nothing of it stays
 * mapped). */
int task_map_zeroed(struct task *t, uint64_t va, uint64_t pages, uint64_t flags);
/* SYS_MAP and SYS_UNMAP (include/shoji/abi.h). */
int64_t sys_map(struct task *self, const struct regs *r);
int64_t sys_unmap(struct task *self, const struct regs *r);

#endif
