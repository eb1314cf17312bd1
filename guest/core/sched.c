/* Round-robin scheduler: a run queue of waiting tasks, the running one
 * kept apart as `current`, a periodic tick that rotates them. */
#include "core/kernel.h"

/* Circular list with a sentinel; holds runnable tasks other than current. */
static struct task runq = {.next = &runq, .prev = &runq};
static struct task *on_cpu;        /* whose regs cpu_frame_top points at */
static struct group *loaded_group; /* whose page tables CR3 holds */
static uint32_t loaded_pkru;       /* what the kernel last wrote to PKRU */
uint64_t stat_task_switches, stat_wrpkru, stat_timer_ticks;

void sched_enqueue(struct task *t, bool front)
{
	struct task *at = front ? &runq : runq.prev;
	t->next = at->next;
	t->prev = at;
	at->next->prev = t;
	at->next = t;
}

void sched_dequeue(struct task *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = t->prev = t;
}

void sched_forget(struct task *t)
{
	if (on_cpu == t)
		on_cpu = 0;
	if (loaded_group == t->group)
		loaded_group = 0;
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

/*
 * Loads t's state: the entry path saves into t->regs from now on.  Inside
 * a group that is the frame pointer and PKRU: no CR3 write, no TLB flush.
 * Between groups, CR3 too.  PKRU comes from t->pkru, which the kernel set
 * at creation; nothing a task does can change what is written here.
 */
static void switch_to(struct task *t)
{
	current = t;
	if (on_cpu == t)
		return;
	on_cpu = t;
	stat_task_switches++;
	cpu_frame_top = (uint64_t)(&t->regs + 1);
	tss_set_rsp0(cpu_frame_top);
	if (loaded_group != t->group) {
		aspace_activate(&t->group->as);
		loaded_group = t->group;
	}
	if (cpu.pku && loaded_pkru != t->pkru) {
		wrpkru(t->pkru);
		loaded_pkru = t->pkru;
		stat_wrpkru++;
	}
}

/* Nothing runnable and nothing that could wake a task: every task left
 * waits for another in IPC.  Report each and end them. */
static void deadlock(void)
{
	kprintf("deadlock: every remaining task is blocked in IPC\n");
	for (uint32_t id = 1; id < TASK_MAX; id++) {
		struct task *t = task_by_id(id);
		if (!t)
			continue;
		if (t->state == TASK_SEND_BLOCKED)
			task_kill(t, "deadlock: blocked sending to task %u", t->ipc_peer);
		else if (t->ipc_peer)
			task_kill(t, "deadlock: blocked receiving from task %u", t->ipc_peer);
		else
			task_kill(t, "deadlock: blocked receiving from any task");
	}
}

void sched_prepare_return(void)
{
	if (current && current->state == TASK_RUNNABLE) {
		switch_to(current);
		return;
	}
	/* Tasks only wake each other (IPC), so an empty run queue with tasks
	 * left is a deadlock; the last task's end has already ended the
	 * machine.  The halt loop is where timed wake-ups would land. */
	while (runq.next == &runq) {
		deadlock();
		sti_hlt_cli();
	}
	struct task *t = runq.next;
	sched_dequeue(t);
	switch_to(t);
}

_Noreturn void sched_start(void)
{
	current = 0;
	sched_prepare_return();
	return_to_user();
}
