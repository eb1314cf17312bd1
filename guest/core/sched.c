/* Round-robin scheduler: a run queue of waiting tasks, the running one
 * kept apart as `current`, a periodic tick that rotates them. */
#include "core/sched.h"
#include "core/group.h"

/*
 * The states of a task and where it is (audit.c checks each line):
 *   RUNNABLE and current       running, or being returned to: on no queue
 *   RUNNABLE, not current      on the run queue, exactly once
 *   SEND_BLOCKED               on its partner's send queue (ipc.c) only
 *   RECV_BLOCKED               on no queue
 *   DEAD                       on no queue, being freed (task.c)
 * `current` is a blocked task only inside the kernel, between the call
 * that blocked it and pick() (sched_return.c), which replaces it.  So a task that becomes
 * runnable is queued unless it is current: sched_ready() (sched.h) is
 * the one way to wake a task, and the tick and yield queue only a
 * runnable current, which by the rules is on no queue.
 */

struct task sched_runq = {.next = &sched_runq, .prev = &sched_runq};
struct sched_cpu sched_cpu;
uint64_t stat_task_switches, stat_timer_ticks;

void sched_enqueue(struct task *t, bool front)
{
	struct task *at = front ? &sched_runq : sched_runq.prev;
	t->next = at->next;
	t->prev = at;
	at->next->prev = t;
	at->next = t;
}

void sched_forget(struct task *t)
{
	if (sched_cpu.on_cpu == t)
		sched_cpu.on_cpu = 0;
}

void sched_forget_group(struct group *g)
{
	if (sched_cpu.loaded_group == g)
		sched_cpu.loaded_group = 0;
}

void sched_timer_tick(void)
{
	lapic_timer_tick();
	stat_timer_ticks++;
	if (current && current->state == TASK_RUNNABLE) {
		sched_enqueue(current, false);
		current = 0;
	}
}

void sched_yield(void)
{
	sched_enqueue(current, false);
	current = 0;
}

/* SMEP and SMAP stop CPL-0 fetches from and accesses to user pages (SDM
 * Vol. 3A 4.6.1): exactly what a ring-0 task and, on the ring-0 kernel
 * half, the kernel itself do.  Off while a `kernel` group is loaded. */
static void set_smep_smap(bool on)
{
	uint64_t bits = (cpu.smep ? CR4_SMEP : 0) | (cpu.smap ? CR4_SMAP : 0);
	uint64_t cr4 = read_cr4();
	uint64_t want = on ? cr4 | bits : cr4 & ~bits;
	if (want != cr4)
		write_cr4(want);
}

/*
 * Loads another group's page tables: sched_switch_now() calls it only then, so a
 * switch inside a group writes no CR3 and flushes no TLB.  Into a `kernel`
 * group the kernel keeps PKRU 0 (its memory there is under KERNEL_PKEY)
 * and the TLB loses the normal half's global entries; out of one, SMEP and
 * SMAP come back once CR3 is switched.
 */
void sched_load_group(struct group *g)
{
	struct group *was = sched_cpu.loaded_group;
	bool ring0 = g->mode == MODE_KERNEL;
	bool was_ring0 = was ? was->mode == MODE_KERNEL : false;
	if (ring0) {
		pkru_switch(0);
		set_smep_smap(false);
	}
	aspace_activate(&g->as);
	if (ring0 && !was_ring0)
		paging_flush_global();
	if (!ring0)
		set_smep_smap(true);
	sched_cpu.loaded_group = g;
}
