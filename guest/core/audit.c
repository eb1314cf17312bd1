/* audit=on: the kernel checks its own invariants after every system call, fault and interrupt. */
#include "core/kernel.h"

/*
 * With audit=on the system-call entry, the gate and the trap path call
 * audit_check() right before they return to a task, when the kernel's
 * state must be whole again.  Each check below is one invariant the rest
 * of the kernel relies on; a broken one panics with its name ("audit:
 * after a system call of task 3: ..."), so a fuzzer finds the first step
 * that broke it, not a crash much later.  The checks walk every task,
 * group and user page table: slow, and meant for tests and fuzzing.
 *
 * Tasks:    each task in the table is live (not DEAD: those are freed
 *           at once), in its group's member slot, with its mode and the
 *           PKRU of its key.
 * Queues:   the rules of sched.c: a runnable task is on the run queue
 *           exactly once unless it is current, which is on none; no
 *           freed task is reachable from a queue; a task blocked sending
 *           is in its partner's send queue exactly once; a task waiting
 *           for a named partner waits for a live one.
 * Memory:   every present user page of a group lies in the windows of
 *           the live member whose key it carries (its slot, or its heap
 *           window below the map cursor); no large user pages; W^X; every
 *           owned frame is allocated and mapped once in the whole machine;
 *           the only unowned frames are the trampolines; the frames a task
 *           owns add up to its count (task.pages); page-table pages add up
 *           to the group's count, and a compact address space is what
 *           the PDPT of every CPU it is installed on holds.
 * FPU:      CR0.TS is set iff the running task has no FPU state; the FPU
 *           registers hold the running task's state or the clean image;
 *           the count of tasks with state is the images held
 *           (arch/x86_64/fpu.c, fpu_check()).
 * CPUs:     every run queue holds only runnable tasks of its CPU; a CPU
 *           that runs a task (not in its kernel) holds that task's PKRU
 *           and its group's tables; the group a CPU has loaded is an own
 *           tree of that CPU's or a compact space installed there; what
 *           a CPU has installed is a live group's, never freed tables
 *           (check_cpus(); docs/architecture.md, "Several CPUs").  The
 *           whole check runs in a world section.
 */

bool audit_enabled;
uint64_t audit_fast_exits;

static const char *audit_event;
static uint32_t audit_task;

static _Noreturn __attribute__((format(printf, 1, 2))) void broken(const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	panic("audit: after %s of task %u: %s", audit_event, audit_task, what);
}

/* --- one bit per frame of the page allocator, in pages of its own ------ */
#define BITS_PER_PAGE (PAGE_SIZE * 8)
#define MAP_PAGES_MAX 128 /* 128 x 128 MiB: the allocator's 16 GiB */
static uint8_t *frame_map[MAP_PAGES_MAX];
static uint64_t frame_map_pages;

/* Sets bit i of map; false when it was set already. */
static bool mark(uint8_t *map, uint64_t i)
{
	uint8_t bit = (uint8_t)(1u << (i % 8));
	bool was = map[i / 8] & bit;
	map[i / 8] |= bit;
	return !was;
}

/* Sets the frame's bit; false when it was set already. */
static bool frame_mark(uint64_t phys)
{
	uint64_t i = (phys - memory_pmm()->base) / PAGE_SIZE;
	return mark(frame_map[i / BITS_PER_PAGE], i % BITS_PER_PAGE);
}

/* --- tasks and groups ----------------------------------------------------- */
static bool task_live(const struct task *t)
{
	return t && t->id && t->id < TASK_MAX && task_table[t->id] == t;
}

static void check_tasks(void)
{
	uint32_t ids = task_id_end();
	for (uint32_t id = 1; id < ids; id++) {
		const struct task *t = task_table[id];
		if (!t)
			continue;
		if (t->id != id)
			broken("task table slot %u holds task %u", id, t->id);
		if (t->state < TASK_RUNNABLE || t->state > TASK_RECV_BLOCKED)
			broken("task %u is in the table in state %u", id, t->state);
		const struct group *g = t->group;
		if (!g || group_member((struct group *)g, t->slot) != t)
			broken("task %u is not the member of its group's slot %u", id, t->slot);
		if (g->mode != t->mode || (t->mode == MODE_PROCESS) != (t->slot == 0))
			broken("task %u: mode %u in a group of mode %u, slot %u", id, t->mode,
			       g->mode, t->slot);
		if (t->stack_low != slot_base(t->slot) + SLOT_SIZE - USER_STACK_SIZE)
			broken("task %u: its stack starts at %#x, not at the top of slot %u", id,
			       t->stack_low, t->slot);
		if (t->pkru != pkru_only(t->slot))
			broken("task %u: PKRU %#x is not the one of key %u", id, t->pkru, t->slot);
	}
}

static void check_group_members(struct group *g)
{
	unsigned n = 0;
	for (unsigned k = 0; k < SLOTS; k++) {
		struct task *t = group_member(g, k);
		if (!t)
			continue;
		n++;
		if (!task_live(t) || t->group != g || t->slot != k)
			broken("group %u: member slot %u holds a task that is not its own", g->id,
			       k);
		if (g->mode != MODE_PROCESS && !(g->keys.used & (1u << k)))
			broken("group %u: key %u of task %u is not taken", g->id, k, t->id);
	}
	if (!n)
		broken("group %u has no member", g->id);
	if (g->mode == MODE_KERNEL && !(g->keys.used & (1u << KERNEL_PKEY)))
		broken("group %u: the kernel's key is free", g->id);
}

/* --- queues --------------------------------------------------------------- */
static uint8_t queued[TASK_MAX / 8];

/* CPU i's queue, through its alias: a link to the sentinel holds the
 * window's address (core/sched.c, sched_enqueue()), which ends the walk. */
static void check_cpu_queue(unsigned i)
{
	const struct task *head = &percpu_of(sched_runq, i), *cur = percpu_of(current, i);
	unsigned steps = 0;
	for (const struct task *t = head->next; t != &sched_runq; t = t->next) {
		const struct task *next = t->next == &sched_runq ? head : t->next;
		if (++steps >= TASK_MAX)
			broken("the run queue of CPU %u does not end", i);
		if (next->prev != t)
			broken("run queue links broken after task %u", t->id);
		if (!task_live(t))
			broken("a freed task is on the run queue");
		if (t->state != TASK_RUNNABLE || t == cur)
			broken("task %u is on the run queue in state %u%s", t->id, t->state,
			       t == cur ? " while current" : "");
		if (t->cpu != i)
			broken("task %u of CPU %u is on the run queue of CPU %u", t->id, t->cpu, i);
		if (!mark(queued, t->id))
			broken("task %u is on the run queue twice", t->id);
	}
}

static void check_run_queue(void)
{
	memset(queued, 0, sizeof(queued));
	for (unsigned i = 0; i < smp_ncpus; i++)
		check_cpu_queue(i);
	if (!task_live(current) || current->state != TASK_RUNNABLE)
		broken("returning to a task that is not live and runnable");
	if (sched_cpu.on_cpu != current || sched_tables() != current->group)
		broken("the CPU holds another task's registers or page tables than current's");
	if (fpu_tasks && sched_cpu.loaded_group)
		broken("tasks hold FPU state, but a switch would compare with a loaded group");
	if (cpu_return_ring0 != (current->mode == MODE_KERNEL))
		broken("the exit of a task of mode %u is chosen for current", current->mode);
	uint32_t ids = task_id_end();
	for (uint32_t id = 1; id < ids; id++) {
		const struct task *t = task_table[id];
		if (t && t->state == TASK_RUNNABLE && t != percpu_of(current, t->cpu) &&
		    !(queued[id / 8] & (1u << (id % 8)))) /* not marked above */
			broken("runnable task %u is on no queue", id);
	}
}

/* How many times s is in the send queue of r (bounded). */
static unsigned sendq_count(const struct task *r, const struct task *s)
{
	unsigned n = 0, steps = 0;
	for (const struct task *q = r->sendq; q; q = q->sendq_next) {
		if (++steps >= TASK_MAX)
			broken("the send queue of task %u does not end", r->id);
		if (!task_live(q) || q->state != TASK_SEND_BLOCKED || q->ipc_peer != r->id)
			broken("task %u's send queue holds a task not sending to it", r->id);
		n += q == s;
	}
	return n;
}

/* The receive of a task blocked in one, as the fast path reads it (ipc.h):
 * its registers', checked against its stack. */
static void check_rx(const struct task *t)
{
	uint64_t buf, cap, from;
	if (ipc_word(t))
		return;
	ipc_recv_buffer(t, &buf, &cap, &from);
	if (t->rx_buf != ipc_rx_expected(t) ||
	    (t->rx_buf && (t->rx_cap != cap || t->rx_from != from)))
		broken("task %u: its receive for the fast path is %#lx (%lu bytes, from %#lx), "
		       "its registers say %#lx (%lu bytes, from %#lx)",
		       t->id, t->rx_buf, t->rx_cap, t->rx_from, buf, cap, from);
}

static void check_ipc(void)
{
	uint32_t ids = task_id_end();
	for (uint32_t id = 1; id < ids; id++) {
		const struct task *t = task_table[id];
		if (!t)
			continue;
		sendq_count(t, 0);
		if (t->state == TASK_SEND_BLOCKED) {
			const struct task *r = task_by_id(t->ipc_peer);
			if (!r || sendq_count(r, t) != 1)
				broken("task %u sends to task %u but is not queued there once", id,
				       t->ipc_peer);
		} else if (t->state == TASK_RECV_BLOCKED && t->ipc_peer &&
			   !task_by_id(t->ipc_peer)) {
			broken("task %u waits to receive from task %u, which is gone", id,
			       t->ipc_peer);
		}
		if (t->state == TASK_RECV_BLOCKED)
			check_rx(t);
		/* return_sysret() takes this for granted (core/ipc_fast.c) */
		if ((t->state == TASK_RECV_BLOCKED || t->state == TASK_SEND_BLOCKED) &&
		    t->mode != MODE_KERNEL && t->regs.vector != VEC_SYSCALL)
			broken("ring-3 task %u is blocked in IPC with a frame of vector %lu", id,
			       t->regs.vector);
	}
}

/* --- memory --------------------------------------------------------------- */
static uint32_t owned[TASK_MAX];

/* aspace_walk_user()'s callback: ctx is the group walked. */
static void check_page(void *ctx, uint64_t va, uint64_t pte, int level)
{
	struct group *g = ctx;
	if (level != 1)
		broken("group %u: a large page at %#lx", g->id, va);
	const struct task *t = group_member(g, pte_pkey(pte));
	if (!t)
		broken("group %u: page %#lx has key %u, which no member holds", g->id, va,
		       pte_pkey(pte));
	if (!range_in_window(va, PAGE_SIZE, slot_base(t->slot), SLOT_SIZE) &&
	    !range_in_window(va, PAGE_SIZE, heap_base(t->slot),
			     task_heap_end(t) - heap_base(t->slot)))
		broken("page %#lx of task %u lies outside its windows", va, t->id);
	if (!(pte & PTE_U) || ((pte & PTE_W) && !(pte & PTE_NX)))
		broken("page %#lx of task %u: not a user page, or writable and executable", va,
		       t->id);
	if (!(pte & PTE_SW_OWNED)) {
		if (va != slot_base(t->slot) + SLOT_GATE)
			broken("page %#lx of task %u maps a frame it does not own", va, t->id);
		return;
	}
	if (pmm_frame_used(memory_pmm(), pte_addr(pte)) != 1)
		broken("page %#lx of task %u maps frame %#lx, which is free", va, t->id,
		       pte_addr(pte));
	if (!frame_mark(pte_addr(pte)))
		broken("frame %#lx is mapped twice (again at %#lx, task %u)", pte_addr(pte), va,
		       t->id);
	owned[t->id]++;
}

/* Checks g's members and every page of its address space. */
static void check_group(struct group *g)
{
	if (group_at(g->id) != g)
		broken("a task's group %u is not in the group table", g->id);
	check_group_members(g);
	uint32_t tables = aspace_walk_user(&g->as, check_page, g);
	if (tables != g->as.pt_pages)
		broken("group %u: %u page-table pages, its count says %u", g->id, tables,
		       g->as.pt_pages);
	for (unsigned i = 0; i < smp_ncpus; i++)
		if (!aspace_compact_in_sync(&g->as, i))
			broken("group %u: the PDPT of CPU %u is not its installed entries", g->id,
			       i);
}

/* Groups are reached through their members (every group has one), each
 * once: a group no task reaches is one the count of groups exposes. */
static uint8_t group_seen[TASK_MAX / 8];

static void check_memory(void)
{
	uint32_t ids = task_id_end();
	unsigned groups = 0;
	for (uint64_t i = 0; i < frame_map_pages; i++)
		memset(frame_map[i], 0, PAGE_SIZE);
	memset(owned, 0, ids * sizeof(owned[0]));
	memset(group_seen, 0, sizeof(group_seen));
	for (uint32_t id = 1; id < ids; id++) {
		struct task *t = task_table[id];
		if (!t || !mark(group_seen, t->group->id))
			continue;
		groups++;
		check_group(t->group);
	}
	if (groups != group_count())
		broken("%u groups exist, %u have a live member", group_count(), groups);
	for (uint32_t id = 1; id < ids; id++) {
		const struct task *t = task_table[id];
		if (t && owned[id] != t->pages)
			broken("task %u owns %u frames in its page table, its count says %u", id,
			       owned[id], t->pages);
	}
}

/* The CPUs line above, for the other CPUs, which a world section finds
 * running a task of their own, idle, or in the kernel waiting in
 * world_enter() for this section to end (a task's exception or system
 * call).  A record, not the register: one CPU cannot read another's PKRU.
 * A CPU that runs a ring-3 task has written that task's PKRU and no other
 * (so it holds the rights to one key, its task's), and one that runs a
 * ring-0 task leaves for it with that task's (expected_pkru); an idle one
 * runs no task code, and its next switch writes PKRU.  One in the kernel
 * (cpu_in_kernel) holds the kernel's rights, the entry's PKRU 0
 * (pkru_entry_cleared()), and writes the task's again before it leaves. */
/* Whether as is a live group's. */
static bool group_live_as(const struct aspace *as)
{
	for (unsigned j = 0; j < TASK_MAX; j++)
		if (group_at(j) && &group_at(j)->as == as)
			return true;
	return false;
}

/* What CPU i has loaded and installed (itself included): a switch skips
 * loading a group it believes loaded, and a CPU may walk what its PDPTs
 * hold at any time. */
static void check_cpu_tables(unsigned i)
{
	const struct sched_cpu *s = &percpu_of(sched_cpu, i);
	const struct group *g = percpu_of(fpu_tasks, i) ? s->held_group : s->loaded_group;
	if (g && !g->as.compact && g->as.cpu != i)
		broken("CPU %u has loaded group %u, of CPU %u", i, g->id, g->as.cpu);
	if (g && g->as.compact && aspace_installed(i, g->as.ring0) != &g->as)
		broken("CPU %u has loaded group %u, whose tables are not installed there", i,
		       g->id);
	for (int ring0 = 0; ring0 < 2; ring0++) {
		const struct aspace *as = aspace_installed(i, ring0);
		if (as && !group_live_as(as))
			broken("CPU %u has the tables of a group that is gone installed", i);
	}
}

static void check_cpus(void)
{
	for (unsigned i = 0; i < smp_ncpus; i++) {
		check_cpu_tables(i);
		if (i == cpu_self.index)
			continue;
		const struct task *c = percpu_of(current, i);
		const struct sched_cpu *s = &percpu_of(sched_cpu, i);
		const struct group *g = percpu_of(fpu_tasks, i) ? s->held_group : s->loaded_group;
		if (!c)
			continue;
		if (!task_live(c) || c->state != TASK_RUNNABLE || c->cpu != i)
			broken("CPU %u runs task %u, which is not a runnable task of its own", i,
			       c->id);
		uint32_t pkru = c->mode == MODE_KERNEL ? percpu_of(expected_pkru, i)
						       : percpu_of(pkru_loaded, i);
		if (cpu.pku && pkru != c->pkru && !percpu_of(cpu_in_kernel, i))
			broken("CPU %u runs task %u with PKRU %#x, not the task's %#x", i, c->id,
			       pkru, c->pkru);
		if (g != c->group)
			broken("CPU %u runs task %u on another group's page tables", i, c->id);
	}
}

void audit_init(void)
{
	uint64_t frames = memory_pmm()->npages;
	frame_map_pages = (frames + BITS_PER_PAGE - 1) / BITS_PER_PAGE;
	if (frame_map_pages > MAP_PAGES_MAX)
		panic("audit: %lu frames are more than the audit's map covers", frames);
	for (uint64_t i = 0; i < frame_map_pages; i++) {
		uint64_t phys = pmm_alloc_page();
		if (!phys)
			panic("audit: no memory for the frame map");
		frame_map[i] = phys_to_virt(phys);
	}
	audit_enabled = true;
	entry_audit_on();
	kprintf("audit: on, checking the kernel's invariants after every system call, fault "
		"and interrupt\n");
}

void audit_check(const char *event, uint32_t task)
{
	world_enter(); /* every CPU's state, outside their kernel code */
	audit_event = event;
	audit_task = task;
	check_tasks();
	check_run_queue();
	check_ipc();
	check_memory();
	check_cpus();
	const char *fpu = fpu_check(current);
	if (fpu)
		broken("FPU: %s", fpu);
	world_leave();
}

void audit_break(bool queue)
{
	struct task *t = task_by_id(1);
	if (!t)
		return;
	if (queue) {
		sched_enqueue(t, false); /* it is on the queue already */
		return;
	}
	uint64_t phys = page_alloc_zeroed(); /* past its map cursor, counted nowhere */
	if (!phys || aspace_map(&t->group->as, t->heap_next + PAGE_SIZE,
				pte_make(phys, PTE_P | PTE_U | PTE_NX | PTE_SW_OWNED, t->slot)))
		panic("selftest=audit-page: no memory");
}

void audit_break_cpu(void)
{
	/* CPU 1, idle, as if it had the tables of task 1's group loaded,
	 * which it never installed. */
	struct task *t = task_by_id(1);
	if (smp_ncpus > 1 && t)
		percpu_of(sched_cpu, 1).loaded_group = t->group;
}
