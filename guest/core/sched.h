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
/* This CPU's runnable tasks other than current: a circular list through
 * ->next and ->prev with this sentinel (the audit walks it), in the
 * per-CPU window (arch.h); only tasks of this CPU (task_cpu()). */
extern struct task sched_runq;
/* The CPU a task runs on, for its life (placement: group.c). */
static inline unsigned task_cpu(const struct task *t)
{
	return t->cpu;
}
/*
 * Links t into a run queue whose sentinel this CPU reaches at `alias`:
 * &sched_runq for its own queue, another CPU's copy through the physmap
 * (percpu_of()).  Links to a sentinel hold the window's address, which
 * means the reading CPU's sentinel, so they are stored as they are and
 * followed through the alias; for this CPU's own queue the tests fold
 * away.
 */
static inline void sched_queue_link(struct task *t, struct task *alias, bool front)
{
	struct task *at = front ? &sched_runq : alias->prev;
	struct task *at_alias = at == &sched_runq ? alias : at;
	struct task *next_alias = at_alias->next == &sched_runq ? alias : at_alias->next;
	t->next = at_alias->next;
	t->prev = at;
	next_alias->prev = t;
	at_alias->next = t;
}
/* Appends t (runnable, of this CPU) to this CPU's run queue; `front`
 * makes it run next.  Inline: the fast paths queue on every send. */
static inline void sched_enqueue_here(struct task *t, bool front)
{
	sched_queue_link(t, &sched_runq, front);
}
/* Appends t (runnable) to its CPU's run queue, and wakes that CPU when it
 * idles; another CPU's only in a world section (below). */
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
	if (t != current && t != percpu_of(current, task_cpu(t)))
		sched_enqueue(t, front);
}

/*
 * Locks (docs/architecture.md, "Several CPUs"): each CPU has one,
 * cpu_lock, which it holds whenever it runs kernel code (entry.S takes it
 * at every entry once more than one CPU is up, and every exit drops it),
 * and which guards that CPU's run queue, its tasks' states and saved
 * registers, and the records in its window.  A world section holds every
 * CPU's lock, taken in index order under world_lock: it may touch any
 * task, queue or global structure (the task table, groups, memory, the
 * console).  The general system-call path, task faults and the idle
 * decision run in one; the IPC fast paths between two tasks of this CPU
 * and the timer tick need only this CPU's lock.
 */
extern uint32_t cpu_lock;
/* Takes this CPU's lock (entry.S, sched_start()); spins while a world
 * section holds it.  Keeps every register: entry.S calls it with the
 * system call's arguments live. */
__attribute__((no_caller_saved_registers)) void cpu_lock_spin(void);
/* Lets go of this CPU's lock: the store entry.S's exits make, for the C
 * paths that took it outside a world section (trap_kernel(), boot). */
static inline void cpu_lock_drop(void)
{
	__atomic_store_n(&cpu_lock, 0, __ATOMIC_RELEASE);
}
/* From this CPU's lock to a world section and back (a no-op with one
 * CPU).  world_enter() lets go of this CPU's lock first, so state may
 * change before it returns: callers read nothing across it. */
void world_enter(void);
void world_leave(void);
/* Whether this CPU is in a world section (with more than one CPU): what
 * task_end() checks, since ending a task frees memory and wakes its
 * partners on any CPU. */
extern bool sched_in_world;
/* With more than one CPU: nothing of this CPU's can run.  Looks, in a
 * world section, for a task runnable on any CPU: when there is one,
 * halts (current 0) until woken and returns true with this CPU's lock
 * held again; when there is none, returns false still in the world
 * section: a deadlock, which the caller ends (sched_return.c). */
bool sched_idle(void);
/* A deadlock's victim for this CPU to end, by id (0: none), and whether
 * the deadlock was said: sched_return.c's, here for sched_idle(), which
 * counts a victim as work and clears the second once a task can run. */
extern uint32_t sched_doom;
extern bool sched_deadlock_said;
/* The boot processor starts scheduling (sched_start()): takes its lock
 * and wakes the other CPUs out of sched_wait_start(). */
void sched_begin(void);
/* Another CPU, once up: waits for sched_begin(), then takes its lock. */
void sched_wait_start(void);
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
/* A group's page tables are gone (no CPU's CR3 holds them): no CPU's
 * records name it.  In a world section. */
void sched_forget_group(struct group *g);

#endif
