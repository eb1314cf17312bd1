/* Groups: the page tables tasks run on, shared by up to 15 `shared`
 * tasks (14 `kernel` ones) told apart by protection keys. */
#include "core/group.h"
#include "core/console.h"
#include "core/kheap.h"
#include "core/memory.h"
#include "core/sched.h"
#include "core/task.h"

static struct group *groups[TASK_MAX];
static unsigned ngroups;

unsigned group_count(void)
{
	return ngroups;
}

static struct group *group_new(enum task_mode mode, unsigned on)
{
	unsigned i;
	for (i = 0; i < TASK_MAX && groups[i]; i++)
		;
	if (i == TASK_MAX)
		return 0;
	struct group *g = kmalloc(sizeof(*g));
	if (!g)
		return 0;
	/* `process` tasks keep the baseline: a tree and a CR3 each. */
	if (aspace_init(&g->as, mode == MODE_KERNEL, mode != MODE_PROCESS, on)) {
		kfree(g, sizeof(*g));
		return 0;
	}
	pkey_set_init(&g->keys);
	if (mode == MODE_KERNEL) /* the kernel's own memory there (paging.c) */
		g->keys.used |= 1u << KERNEL_PKEY;
	g->mode = (uint8_t)mode;
	g->home = (uint8_t)on;
	g->id = i;
	groups[i] = g;
	ngroups++;
	return g;
}

/* Tasks a group of `mode` holds: keys 1-15, less the kernel's in
 * `kernel` mode; a `process` group is one task. */
static unsigned group_capacity(enum task_mode mode)
{
	return mode == MODE_PROCESS ? 1 : mode == MODE_SHARED ? PKEYS - 1 : PKEYS - 2;
}

static unsigned group_members(const struct group *g)
{
	return g->mode == MODE_PROCESS ? (g->member[0] != 0)
				       : pkey_count(&g->keys) - (g->mode == MODE_KERNEL);
}

/*
 * Placement (docs/architecture.md, "Several CPUs"): a task joins the first
 * group of its mode with room, whatever the CPUs, so groups fill up in
 * order and a run with N shared tasks has ceil(N / 15) of them, the same
 * groups and keys on one CPU as on eight.  It runs, for its life, on its
 * pinned CPU when it has a pin (`pin` >= 0), else on its group's home: so
 * a `shared` or `kernel` group spans the CPUs its members are pinned to.
 * A new group's home is the pinned CPU, or else the next CPU in turn
 * (a pin does not move the turn).  So unpinned `process` tasks, a group
 * each, go round the CPUs, and a full shared group's 15 unpinned tasks
 * share one.  An own tree (a `process` group's) is one CPU's for good
 * (paging.c): its home is its task's CPU.
 */
static unsigned next_cpu;

static struct group *group_with_room(enum task_mode mode, int pin)
{
	if (mode != MODE_PROCESS) {
		for (unsigned i = 0; i < TASK_MAX; i++) {
			struct group *g = groups[i];
			if (g && g->mode == mode && group_members(g) < group_capacity(mode))
				return g;
		}
	}
	unsigned home = pin >= 0 ? (unsigned)pin : next_cpu;
	struct group *g = group_new(mode, home);
	if (g && pin < 0)
		next_cpu = (next_cpu + 1) % smp_ncpus;
	return g;
}

int group_join(struct task *t, int pin)
{
	struct group *g = group_with_room((enum task_mode)t->mode, pin);
	if (!g)
		return -SHOJI_ENOMEM;
	/* Process tasks keep key 0 in slot 0; the others get slot = key. */
	int slot = t->mode == MODE_PROCESS ? 0 : pkey_alloc(&g->keys);
	if (slot < 0)
		panic("group %u has no free key", g->id);
	g->member[slot] = t;
	t->group = g;
	t->cpu = pin >= 0 ? (uint8_t)pin : g->home;
	t->slot = (uint8_t)slot;
	t->stack_low = (uint32_t)(slot_base((unsigned)slot) + SLOT_SIZE - USER_STACK_SIZE);
	t->pkru = pkru_only((unsigned)slot);
	return 0;
}

/* unmap_owned()'s pages, handed back by aspace_unmap_range(). */
struct unmapped {
	const struct task *t;
	uint64_t freed;
};

/* Ownership is what the page table records, the protection key of the
 * leaf: a page of another key in t's window would mean a mapping went
 * astray, a broken invariant. */
static void free_owned(void *ctx, uint64_t va, uint64_t old)
{
	struct unmapped *u = ctx;
	if (pte_pkey(old) != u->t->slot)
		panic("task %u: page %#lx in its window has key %u, not its own %u", u->t->id, va,
		      pte_pkey(old), u->t->slot);
	if (old & PTE_SW_OWNED) {
		pmm_free_page(pte_addr(old));
		u->freed++;
	}
}

/* Unmaps the pages of t in [va, end), one of its own windows, and frees
 * the frames it owns, once no CPU's TLB holds them; returns how many. */
static uint64_t unmap_owned(struct group *g, const struct task *t, uint64_t va, uint64_t end)
{
	struct unmapped u = {t, 0};
	aspace_unmap_range(&g->as, va, end, free_owned, &u);
	return u.freed;
}

void group_leave(struct task *t)
{
	struct group *g = t->group;
	if (!g)
		return;
	g->member[t->slot] = 0;
	t->group = 0;
	if (group_members(g) > 1) {
		/* Others stay: clear this slot's pages so its key can be reused. */
		uint64_t freed =
		    unmap_owned(g, t, slot_base(t->slot), slot_base(t->slot) + SLOT_SIZE);
		freed += unmap_owned(g, t, heap_base(t->slot), task_heap_end(t));
		if (freed != t->pages)
			panic("task %u: freed %lu pages, but it owned %u", t->id, freed, t->pages);
		t->pages = 0;
		pkey_free(&g->keys, t->slot);
		return;
	}
	aspace_destroy(&g->as);
	sched_forget_group(g);
	groups[g->id] = 0;
	ngroups--;
	kfree(g, sizeof(*g));
}

struct task *group_member(struct group *g, unsigned key)
{
	return key < SLOTS ? g->member[key] : 0;
}

struct group *group_at(unsigned i)
{
	return i < TASK_MAX ? groups[i] : 0;
}

uint64_t group_share_bytes(const struct group *g)
{
	unsigned n = group_members(g);
	uint64_t bytes = kheap_class_size(sizeof(*g)) + (uint64_t)g->as.pt_pages * PAGE_SIZE;
	return n ? bytes / n : bytes;
}
