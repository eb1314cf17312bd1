/* Task memory access (uaccess.c): the kernel's only way into a task's memory. */
#ifndef CORE_UACCESS_H
#define CORE_UACCESS_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/arch.h"
#include "core/task.h"

/* One rule for every check and copy here: a range of length 0 names no
 * memory, and is accepted at any address (as write(2) takes a null
 * pointer with length 0).  A check that passes a range must never be
 * followed by a copy of the same range that fails. */
/* 0 when [va, va+len) lies in t's own slot or heap window and every page
 * is mapped for user access (and writable when `write`) with t's
 * protection key; else -SHOJI_EFAULT. */
int uaccess_check(struct task *t, uint64_t va, uint64_t len, bool write);
/* The lowest address of t's stack window, which is mapped, writable and
 * under t's own key from load to exit (SYS_UNMAP takes heap pages only):
 * the top of its slot less the stack, kept in the task (group_join(),
 * checked by audit.c) since every message reads it. */
static inline uint64_t uaccess_stack_low(const struct task *t)
{
	return t->stack_low;
}
/* Whether [va, va+len) lies in t's stack window: such a range needs no
 * walk to be checked.  range_in_window() in one comparison less: the
 * offset of the end in the window, which a carry (va below the window,
 * or a huge len) or a value past the window's size refuses. */
static inline bool uaccess_in_stack(const struct task *t, uint64_t va, uint64_t len)
{
	uint64_t end = va - uaccess_stack_low(t) + len;
	return end >= len && end <= USER_STACK_SIZE;
}
/* SMAP stops the kernel's accesses to user pages (SDM Vol. 3A 4.6.1);
 * these lift it around a direct access (STAC/CLAC).  On the ring-0 kernel
 * half SMAP is off in CR4, where they change only RFLAGS.AC, which checks
 * nothing at CPL 0.  Without SMAP the two raise #UD, so each one's address
 * goes to .uaccess_sites (arch/x86_64/kernel.ld), and uaccess_init() makes
 * them NOPs of the same length on such a CPU: no test of cpu.smap on the
 * IPC fast path. */
#define UACCESS_SITE(insn)                                                                         \
	"1: " insn "\n"                                                                            \
	".pushsection .uaccess_sites, \"a\"\n"                                                     \
	".quad 1b\n"                                                                               \
	".popsection"
static inline void uaccess_open(void)
{
	__asm__ volatile(UACCESS_SITE("stac")::: "memory");
}
static inline void uaccess_close(void)
{
	__asm__ volatile(UACCESS_SITE("clac")::: "memory");
}
/* Without SMAP, rewrites every STAC and CLAC above into a NOP.  Once, at
 * boot, once cpu_init() has read the CPU's features and before any task
 * exists. */
void uaccess_init(void);
/* Copies len bytes between the kernel and the stack of the current task,
 * in a range uaccess_in_stack() accepted, straight through the task's own
 * addresses, which its loaded page tables and PKRU allow; between
 * uaccess_open() and uaccess_close().  Messages and frames are small and
 * mostly whole words: from 8 bytes on, words, the last one ending at len
 * (it may overlap the one before); below, bytes. */
static inline void uaccess_stack_copy(void *dst, const void *src, uint64_t len)
{
	typedef uint64_t __attribute__((may_alias, aligned(1))) word;
	if (len >= sizeof(word)) {
		uint64_t last = len - sizeof(word);
		for (uint64_t i = 0; i < last; i += sizeof(word))
			*(word *)((uint8_t *)dst + i) = *(const word *)((const uint8_t *)src + i);
		*(word *)((uint8_t *)dst + last) = *(const word *)((const uint8_t *)src + last);
	} else {
		for (uint64_t i = 0; i < len; i++)
			((uint8_t *)dst)[i] = ((const uint8_t *)src)[i];
	}
}
/* Copies through the physmap after the same check; 0 or -SHOJI_EFAULT. */
int copy_from_task(struct task *t, void *dst, uint64_t va, uint64_t len);
int copy_to_task(struct task *t, uint64_t va, const void *src, uint64_t len);
/* Copies len bytes from task s at sva to task d at dva (IPC). */
int copy_task_to_task(struct task *d, uint64_t dva, struct task *s, uint64_t sva, uint64_t len);

#endif
