/* Tasks: the structure and table every part reads, and their creation
 * and end (task.c), which call down into every part. */
#ifndef CORE_TASK_H
#define CORE_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <shoji/abi.h>
#include "arch/x86_64/arch.h"
#include "core/cmdline.h"

enum task_state { TASK_RUNNABLE = 1, TASK_SEND_BLOCKED, TASK_RECV_BLOCKED, TASK_DEAD };
#define TASK_MAX 4096 /* ids 1..TASK_MAX-1 */

/*
 * A task is its saved registers plus a few words: 256 bytes, one heap
 * object, and full.  No kernel stack (see entry.S); its FPU image, once
 * it has one, is kept by id (arch/x86_64/fpu.c); its page tables belong
 * to its group.
 */
struct task {
	struct regs regs;	  /* saved user state; entry.S writes here */
	struct task *next, *prev; /* run queue links */
	struct task *sendq;	  /* tasks blocked sending to this one, FIFO */
	struct task *sendq_next;
	struct group *group; /* the page tables it runs on */
	const char *name;    /* the spec's name (lives as long as the kernel) */
	uint64_t heap_next;  /* next free address for SYS_MAP; past the window when full */
	uint32_t pages;	     /* frames it owns: image, stack and SYS_MAP pages */
	uint32_t id;
	uint32_t ipc_peer; /* blocked: the partner id, 0 = any; read only then */
	uint32_t pkru;	   /* set by the kernel, never read back from the CPU */
	uint8_t state;
	uint8_t mode;	    /* enum task_mode */
	uint8_t slot;	    /* its slot in the group, and its protection key */
	uint8_t cpu;	    /* the CPU it runs on, for its life (placement: group.c) */
	uint32_t stack_low; /* uaccess_stack_low(): set with slot, read per message */
};
_Static_assert(TASK_AREA + SLOTS * SLOT_SIZE <= (U64(1) << 32), "a stack address fits stack_low");
_Static_assert(sizeof(struct task) <= 256, "a task fits a 256-byte heap object");
_Static_assert(__builtin_offsetof(struct task, regs) == 0, "entry.S saves at the task's address");

/* --- The data every part reads: no calls, the bottom layer ------------ */
/* The task running, or being returned to (the scheduler's rules:
 * core/sched.c). */
extern struct task *current;
/* The end of what t's heap window may hold: its map cursor, clamped to
 * the window (the cursor lies one guard page past the window after a
 * mapping that ends there, task_memory.c). */
static inline uint64_t task_heap_end(const struct task *t)
{
	uint64_t end = heap_base(t->slot) + HEAP_WINDOW;
	return t->heap_next < end ? t->heap_next : end;
}
/* One past the highest task id handed out so far: no task has an id at
 * or above it (ids are never reused). */
uint32_t task_id_end(void);
/* Every task by id (0: none); task_by_id() is the way to read it. */
extern struct task *task_table[TASK_MAX];
/* The live task with this id, or 0 (inline: IPC looks one up per call).
 * Ids start at 1, so task_table[0] stays 0 and id 0 needs no test. */
static inline struct task *task_by_id(uint64_t id)
{
	struct task *t = id < TASK_MAX ? task_table[id] : 0;
	return t && t->state != TASK_DEAD ? t : 0;
}
/* --- Creation and end: above sched, group, task_load and ipc ----------- */
/* Validates every spec's image in the initrd and creates the tasks, all
 * or none: on the first refusal prints "task image NAME refused: WHY"
 * and ends the machine with SHOJI_EXIT_REFUSED. */
void tasks_create_all(const struct boot_options *opt, const void *initrd, size_t initrd_size);
/* Ends t with status (exit) and frees it; the machine ends with the
 * rules of docs/architecture.md when it was the last. */
void task_exit(struct task *t, int status);
/* Kills t: prints "task ID (NAME) killed: REASON" and ends it. */
void task_kill(struct task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* task_kill() from a path that holds only this CPU's lock (the return
 * path, the gate): in a world section of its own (core/sched.h), since
 * an end frees memory and wakes partners on any CPU.  With one CPU, the
 * same as task_kill(). */
void task_kill_alone(struct task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Kernel memory held for t, in bytes (task structure, page tables and,
 * once it used the FPU, its FXSAVE image). */
uint64_t task_kernel_bytes(const struct task *t);

#endif
