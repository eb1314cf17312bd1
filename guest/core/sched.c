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

struct task sched_runq PERCPU = {.next = &sched_runq, .prev = &sched_runq};
struct sched_cpu sched_cpu PERCPU;
uint64_t stat_task_switches PERCPU_STAT, stat_timer_ticks PERCPU_STAT;

uint32_t cpu_lock PERCPU;
/* Whether the CPU halts in sched_idle(), set and cleared under its lock. */
static bool cpu_idle PERCPU;
static uint32_t world_lock;
bool sched_in_world PERCPU;
uint32_t sched_doom PERCPU;
bool sched_deadlock_said;
/* Set once the boot processor schedules: the other CPUs wait for it. */
static bool sched_started;

void sched_enqueue(struct task *t, bool front)
{
	unsigned c = task_cpu(t);
	if (c == cpu_self.index) {
		sched_enqueue_here(t, front);
		return;
	}
	sched_queue_link(t, &percpu_of(sched_runq, c), front);
	if (percpu_of(cpu_idle, c))
		(void)smp_wake(c); /* not sent in 1 ms: its timer wakes it */
}

/* Every wait for a lock serves TLB shootdowns: the CPU that holds the
 * lock may be a world section waiting for this CPU to flush
 * (arch/x86_64/arch.h, tlb_shootdown()). */
static __attribute__((noinline)) void lock_wait(uint32_t *l)
{
	do
		while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
			tlb_shootdown_poll();
			pause();
		}
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE));
}

/* The wait out of line: a lock taken at once costs what it did before
 * lock spins served shootdowns. */
static inline void lock_take(uint32_t *l)
{
	if (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		lock_wait(l);
}

static void lock_drop(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

void cpu_lock_spin(void)
{
	lock_take(&cpu_lock);
}

void world_enter(void)
{
	if (smp_ncpus == 1)
		return;
	cpu_lock_drop();
	lock_take(&world_lock);
	for (unsigned i = 0; i < smp_ncpus; i++)
		lock_take(&percpu_of(cpu_lock, i));
	sched_in_world = true;
}

/* world_leave() with more than one CPU, out of line: the one-CPU test
 * stays the whole of world_leave() on every system call. */
static __attribute__((noinline)) void world_leave_all(void)
{
	sched_in_world = false;
	for (unsigned i = 0; i < smp_ncpus; i++)
		if (i != cpu_self.index)
			lock_drop(&percpu_of(cpu_lock, i));
	lock_drop(&world_lock);
}

void world_leave(void)
{
	if (smp_ncpus == 1)
		return;
	world_leave_all();
}

void sched_forget(struct task *t)
{
	if (sched_cpu.on_cpu == t)
		sched_cpu.on_cpu = 0;
}

void sched_forget_group(struct group *g)
{
	/* Any CPU's: a compact group may have been loaded on every one. */
	for (unsigned i = 0; i < smp_ncpus; i++) {
		struct sched_cpu *s = &percpu_of(sched_cpu, i);
		if (s->loaded_group == g)
			s->loaded_group = 0;
		if (s->held_group == g)
			s->held_group = 0;
	}
}

/* The first and the last task holding FPU state: loaded_group's rule
 * (sched.h) starts or stops hiding the loaded group in held_group. */
bool sched_fpu_first_use(struct task *t)
{
	if (!fpu_first_use(t))
		return false;
	if (fpu_tasks == 1) {
		sched_cpu.held_group = sched_cpu.loaded_group;
		sched_cpu.loaded_group = 0;
	}
	return true;
}

void sched_fpu_free(struct task *t)
{
	uint32_t had = fpu_tasks;
	fpu_task_free(t);
	if (had == 1 && !fpu_tasks)
		sched_cpu.loaded_group = sched_cpu.held_group;
}

void sched_timer_tick(void)
{
	lapic_timer_tick();
	stat_timer_ticks++;
	if (current && current->state == TASK_RUNNABLE) {
		sched_enqueue_here(current, false);
		current = 0;
	}
}

void sched_yield(void)
{
	sched_enqueue_here(current, false);
	current = 0;
}

/* SMEP and SMAP stop CPL-0 fetches from and accesses to user pages (SDM
 * Vol. 3A 4.6.1): exactly what a ring-0 task and, on the ring-0 kernel
 * half, the kernel itself do.  Off while a `kernel` group is loaded.
 * Always inline (and load_tables() below), as gcc chose before the
 * TLB-model hint (tlbhint_cr4()) made them look bigger: a call would
 * lengthen every group switch. */
static inline __attribute__((always_inline)) void set_smep_smap(bool on)
{
	uint64_t bits = (cpu.smep ? CR4_SMEP : 0) | (cpu.smap ? CR4_SMAP : 0);
	uint64_t cr4 = read_cr4();
	uint64_t want = on ? cr4 | bits : cr4 & ~bits;
	if (want != cr4) {
		tlb_write_cr4(want);
	}
}

/*
 * g's page tables in place of was's (0: unknown).  Into a `kernel` group
 * the kernel keeps PKRU 0 (its memory there is under KERNEL_PKEY) and the
 * TLB loses the normal half's global entries; out of one, SMEP and SMAP
 * come back once CR3 is switched.
 */
static inline __attribute__((always_inline)) void load_tables(struct group *g, struct group *was)
{
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
}

/*
 * The switches with no loaded_group to compare with: the first, one after
 * the loaded group was freed, and every switch while a task holds FPU
 * state.  Those switch the FPU to the task that now runs (on_cpu: both
 * callers of sched_load_group() set it first), and load g's page tables
 * only when held_group is not g already.
 */
static __attribute__((noinline, cold)) void load_group_cold(struct group *g)
{
	struct group *was = fpu_tasks ? sched_cpu.held_group : 0;
	if (fpu_tasks)
		fpu_switch_to(sched_cpu.on_cpu);
	if (was != g)
		load_tables(g, was);
	if (fpu_tasks)
		sched_cpu.held_group = g;
	else
		sched_cpu.loaded_group = g;
}

/*
 * Loads another group's page tables: sched_switch_now() calls it only
 * then, so a switch inside a group writes no CR3 and flushes no TLB; and
 * every switch while a task holds FPU state (loaded_group is 0 then).
 */
void sched_load_group(struct group *g)
{
	struct group *was = sched_cpu.loaded_group;
	if (__builtin_expect(!was, 0)) {
		load_group_cold(g);
		return;
	}
	load_tables(g, was);
	sched_cpu.loaded_group = g;
}

/* Whether some task of CPU i can run: its current, or one queued. */
static bool cpu_has_work(unsigned i)
{
	const struct task *c = percpu_of(current, i);
	/* An empty queue's sentinel points at itself, by the window's address. */
	const struct task *q = &percpu_of(sched_runq, i);
	return q->next != &sched_runq || (c && c->state == TASK_RUNNABLE);
}

bool sched_idle(void)
{
	world_enter();
	/* world_enter() let go of this CPU's lock: another CPU may have
	 * queued a task here meanwhile and sent no wake IPI, since this CPU
	 * was not idle yet.  Halting now would leave the task waiting for
	 * the next tick. */
	if (sched_queued_any()) {
		sched_deadlock_said = false;
		world_leave();
		return true;
	}
	bool work = false, doom = false;
	for (unsigned i = 0; i < smp_ncpus && !work; i++)
		work = cpu_has_work(i), doom |= percpu_of(sched_doom, i) != 0;
	if (work)
		sched_deadlock_said = false;
	else if (!doom)
		return false; /* in the world section: the caller ends the deadlock */
	current = 0;
	cpu_idle = true;
	world_leave();
	cpu_lock_drop();
	sti_hlt_cli(); /* a task queued here from now on sends VEC_WAKE */
	lock_take(&cpu_lock);
	cpu_idle = false;
	return true;
}

void sched_wait_start(void)
{
	for (;;) {
		smp_call_serve(); /* a boot selftest's (smp_wake.c) */
		if (__atomic_load_n(&sched_started, __ATOMIC_ACQUIRE))
			break;
		sti_hlt_cli(); /* until sched_begin() or smp_call_start() wakes it */
	}
	lock_take(&cpu_lock);
	current = 0;
}

void sched_begin(void)
{
	if (entry_mp)
		lock_take(&cpu_lock); /* with one CPU no entry takes it */
	__atomic_store_n(&sched_started, true, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < smp_ncpus; i++)
		(void)smp_wake(i);
}
