/* The return path: the task the kernel returns to next, and a ring-0
 * task's return frame.  Above task.c: it ends the tasks of a deadlock,
 * and a ring-0 task whose frame would resume it outside its own code. */
#include "arch/x86_64/pkru.h"
#include "core/audit.h"
#include "core/console.h"
#include "core/sched.h"
#include "core/sched_return.h"
#include "core/task.h"
#include "core/uaccess.h"

/* RFLAGS a ring-0 task may resume with: the arithmetic flags and DF of
 * its own, IF on, never IOPL, NT, AC or TF. */
#define RFLAGS_TASK (0x8d5ul | RFLAGS_DF) /* CF PF AF ZF SF OF */

extern char ktask_gate[], ktask_gate_mp[], ring0_resume[];

/*
 * Where a ring-0 task may be resumed: its own code, the trampoline's two
 * instructions, the gate's first instruction (interrupted before its CLI)
 * or the last instruction of return_to_ring0.  Frames come from the CPU
 * and the gate, so anything else means a forged frame: a second wall
 * behind the verifier, which keeps tasks out of the entry code.
 */
static bool ring0_rip_ok(const struct task *t, uint64_t rip)
{
	uint64_t base = slot_base(t->slot);
	return (rip >= base && rip < base + SLOT_IMAGE_MAX) || rip == base + SLOT_GATE ||
	       rip == base + SLOT_GATE + 10 || rip == (uint64_t)ktask_gate ||
	       rip == (uint64_t)ktask_gate_mp || rip == (uint64_t)ring0_resume;
}

/* Writes what return_to_ring0 pops (RAX, RCX, RDX, RFLAGS, RIP) below
 * the task's RSP, after checking that stack is its own.  False when not:
 * the task pointed RSP elsewhere and is killed. */
static bool ring0_frame(struct task *t)
{
	struct regs *r = &t->regs;
	if (!ring0_rip_ok(t, r->rip)) {
		task_kill_alone(t, "would resume at %#lx, outside its own code", r->rip);
		return false;
	}
	uint64_t flags = (r->rflags & RFLAGS_TASK) | RFLAGS_IF | RFLAGS_RESERVED1;
	uint64_t *f = (uint64_t *)(r->rsp - 5 * sizeof(uint64_t));
	if (uaccess_in_stack(t, (uint64_t)f, 5 * sizeof(uint64_t))) {
		/* The usual case: its own stack, reached directly (the kernel
		 * runs with PKRU 0, and SMAP is off in a `kernel` group). */
		f[0] = r->rax, f[1] = r->rcx, f[2] = r->rdx, f[3] = flags, f[4] = r->rip;
	} else {
		uint64_t w[5] = {r->rax, r->rcx, r->rdx, flags, r->rip};
		if (r->rsp < sizeof(w) || copy_to_task(t, r->rsp - sizeof(w), w, sizeof(w))) {
			task_kill_alone(t, "stack pointer %#lx is outside its own memory", r->rsp);
			return false;
		}
	}
	pkru_set_expected(t->pkru);
	return true;
}

/* Whether some task can run: current, or one on the run queue. */
static bool any_runnable(void)
{
	return sched_queued_any() || (current && current->state == TASK_RUNNABLE);
}

/* Ends t, blocked in a deadlock, saying what it waited for. */
static void deadlock_kill(struct task *t)
{
	if (t->state == TASK_SEND_BLOCKED)
		task_kill(t, "deadlock: blocked sending to task %u", t->ipc_peer);
	else if (t->ipc_peer)
		task_kill(t, "deadlock: blocked receiving from task %u", t->ipc_peer);
	else
		task_kill(t, "deadlock: blocked receiving from any task");
}

/* Nothing runnable and nothing that could wake a task: every task left
 * waits for another in IPC.  Ends the blocked tasks in id order, one at a
 * time, until one can run again: ending one fails the IPC of its partners
 * with -ESRCH (ipc_task_gone()), which makes them runnable (current among
 * them, possibly: it stays current, unqueued), and those go on with the
 * error; what is still blocked behind them is no longer deadlocked, and
 * is left alone.  Returns how many tasks it ended.  One CPU. */
static __attribute__((noinline, cold)) unsigned deadlock(void)
{
	unsigned ended = 0;
	kprintf("deadlock: every remaining task is blocked in IPC\n");
	for (uint32_t id = 1; id < TASK_MAX && !any_runnable(); id++) {
		struct task *t = task_by_id(id);
		if (!t || t->state == TASK_RUNNABLE)
			continue;
		ended++;
		deadlock_kill(t);
	}
	return ended;
}

/*
 * The same with several CPUs, one task per round: sched_idle() found, in
 * a world section, nothing runnable on any CPU and no victim pending, so
 * nothing can change until a task ends.  The blocked task of the lowest
 * id becomes its CPU's victim (sched_doom), and that CPU, woken, ends it
 * (doom_end()): only a task's own CPU may end it (task.c, task_end()).  If that
 * frees nothing runnable, the last CPU to look finds the next victim.
 */

static __attribute__((noinline, cold)) void deadlock_round(void)
{
	if (!sched_deadlock_said)
		kprintf("deadlock: every remaining task is blocked in IPC\n");
	sched_deadlock_said = true;
	for (uint32_t id = 1; id < TASK_MAX; id++) {
		struct task *t = task_by_id(id);
		if (t && t->state != TASK_RUNNABLE) {
			percpu_of(sched_doom, task_cpu(t)) = id;
			if (task_cpu(t) != cpu_self.index)
				(void)smp_wake(task_cpu(t));
			return;
		}
	}
	panic("scheduler: tasks are left, none runnable and none blocked");
}

static __attribute__((noinline, cold)) void doom_end(void)
{
	world_enter();
	struct task *t = task_by_id(sched_doom);
	sched_doom = 0;
	if (t && t->state != TASK_RUNNABLE)
		deadlock_kill(t);
	world_leave();
}

/* The next task to run, ending the machine when none is left. */
static struct task *pick(void)
{
	for (;;) {
		if (current && current->state == TASK_RUNNABLE)
			return current;
		if (sched_queued_any()) {
			struct task *t = sched_runq.next;
			sched_dequeue(t);
			return t;
		}
		if (smp_ncpus == 1) {
			/* Tasks only wake each other (IPC), so an empty run
			 * queue with tasks left is a deadlock (the last task's
			 * end has already ended the machine).  Resolving it ends
			 * at least one task; when it finds none to end, a
			 * runnable task is on no queue. */
			if (!deadlock())
				panic("scheduler: tasks are left, none runnable and none blocked");
			continue;
		}
		/* Nothing of ours runs now: a world section (below) must not
		 * find a blocked task as this CPU's current. */
		current = 0;
		if (sched_doom) {
			doom_end();
			continue;
		}
		if (!sched_idle()) { /* a deadlock: still in the world section */
			deadlock_round();
			world_leave();
		}
	}
}

void sched_prepare_return(void)
{
	for (;;) {
		struct task *t = pick();
		sched_switch_now(t);
		if (t->mode != MODE_KERNEL || ring0_frame(t))
			return;
	}
}

_Noreturn void sched_ap_main(void)
{
	sched_wait_start();
	sched_prepare_return();
	return_to_task_mp();
}

_Noreturn void sched_start(void)
{
	current = 0;
	sched_begin();
	sched_prepare_return();
	if (audit_enabled)
		audit_check("the start", current->id);
	if (entry_mp)
		return_to_task_mp(); /* drops the lock sched_begin() took */
	return_to_task();
}
