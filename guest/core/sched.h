/* The scheduler (sched.c): the run queue, the switch to a task, the tick. */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/arch.h"
#include "arch/x86_64/pkru.h"
#include "core/task.h"

/* Statistics for the privileged-event counters; switches of the IPC fast
 * paths count in stat_ipc_fast (core/syscall.h). */
extern uint64_t stat_task_switches, stat_timer_ticks;
/* Runnable tasks other than current: a circular list through ->next and
 * ->prev with this sentinel (the audit walks it). */
extern struct task sched_runq;
/* Appends t (runnable) to the run queue; `front` makes it run next. */
void sched_enqueue(struct task *t, bool front);
/* Takes t off the run queue.  Inline: the return path takes the next
 * task on every switch. */
static inline void sched_dequeue(struct task *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = t->prev = t;
}
/* Whether a task waits on the run queue. */
static inline bool sched_queued_any(void)
{
	return sched_runq.next != &sched_runq;
}
/* t has just become runnable (ipc_complete()): queues it, unless it is
 * current, which is never on the run queue (the rules are in sched.c). */
static inline void sched_ready(struct task *t, bool front)
{
	if (t != current)
		sched_enqueue(t, front);
}
/* The timer interrupt: acknowledge and rotate the running task. */
void sched_timer_tick(void);
/* Current task yields: it goes to the back of the queue. */
void sched_yield(void);
/* What the CPU holds now (sched.c); only the scheduler and the inline
 * switch below write it.  PKRU has its own record (arch/x86_64/pkru.h). */
/*
 * loaded_group is what every switch compares the next task's group with:
 * the group whose page tables CR3 holds, 0 when none is known; and 0 all
 * the while any task holds FPU state (fpu_tasks, arch/x86_64/arch.h), the
 * loaded group kept in held_group meanwhile.  So a switch among tasks
 * that never used the FPU costs nothing more than before, and every
 * switch while one has takes sched_load_group(), which switches the FPU
 * (sched.c, load_group_cold()).
 */
struct sched_cpu {
	struct task *on_cpu;	    /* whose struct regs entry.S saves and restores */
	struct group *loaded_group; /* the rule above */
	struct group *held_group;   /* while a task holds FPU state: CR3's group, or 0 */
};
_Static_assert(__builtin_offsetof(struct sched_cpu, on_cpu) == 0, "entry.S reads on_cpu there");
extern struct sched_cpu sched_cpu;
/* Loads another group's page tables: the cold step of a switch, out of
 * line and keeping every register, so the callers' hot paths need not
 * keep their values in callee-saved registers around it. */
__attribute__((no_caller_saved_registers)) void sched_load_group(struct group *g);
/*
 * t (runnable, off the run queue) becomes current with its page tables,
 * PKRU and FPU state (struct sched_cpu) loaded; a ring-0 task still needs sched_prepare_return()
 * (core/sched_return.h) to write its return frame.  Inline: IPC's fast path switches on every
 * message. PKRU is t->pkru, which the kernel set at creation: nothing a task does can change what
 * is written here.  A ring-3 task gets it now (its kernel half is supervisor-only, so the kernel
 * keeps its own rights); a ring-0 task on the way out, in return_to_ring0 (entry.S).
 */
static inline void sched_switch_now(struct task *t)
{
	current = t;
	if (sched_cpu.on_cpu != t) {
		sched_cpu.on_cpu = t;
		stat_task_switches++;
		if (sched_cpu.loaded_group != t->group)
			sched_load_group(t->group);
	}
	cpu_return_ring0 = t->mode == MODE_KERNEL;
	if (t->mode != MODE_KERNEL)
		pkru_switch(t->pkru);
}
/* The group whose page tables CR3 holds (0: unknown), whichever field
 * has it now (struct sched_cpu). */
static inline struct group *sched_tables(void)
{
	return fpu_tasks ? sched_cpu.held_group : sched_cpu.loaded_group;
}
/* #NM from the running task t (arch/x86_64/trap.c): fpu_first_use(),
 * then loaded_group's rule for the first task with FPU state.  False
 * when out of kernel memory for it. */
bool sched_fpu_first_use(struct task *t);
/* t ends (task.c): fpu_task_free(), then loaded_group's rule when it
 * was the last task with FPU state. */
void sched_fpu_free(struct task *t);
/* A task stopped existing: its registers are no longer the ones loaded. */
void sched_forget(struct task *t);
/* A group's page tables are gone (CR3 no longer holds them). */
void sched_forget_group(struct group *g);

#endif
