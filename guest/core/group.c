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
 * Placement (docs/architecture.md, "Several CPUs"): a group lives on one
 * CPU, and its tasks with it, for their lives.  A task joins the first
 * group of its mode with room (on its pinned CPU, when pinned: `pin`
 * >= 0), so groups fill up in order and a run with N shared tasks has
 * ceil(N / 15) of them; a new group goes to the next CPU in turn, or to
 * the pinned one (which does not move the turn).  So `process` tasks,
 * a group each, go round the CPUs, and a full shared group's 15 tasks
 * share one.
 */
static unsigned next_cpu;

static struct group *group_with_room(enum task_mode mode, int pin)
{
	if (mode != MODE_PROCESS) {
		for (unsigned i = 0; i < TASK_MAX; i++) {
			struct group *g = groups[i];
			if (g && g->mode == mode && group_members(g) < group_capacity(mode) &&
			    (pin < 0 || g->as.cpu == pin))
				return g;
		}
	}
	if (pin >= 0)
		return group_new(mode, (unsigned)pin);
	struct group *g = group_new(mode, next_cpu);
	if (g)
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
	t->cpu = g->as.cpu;
	t->slot = (uint8_t)slot;
	t->stack_low = (uint32_t)(slot_base((unsigned)slot) + SLOT_SIZE - USER_STACK_SIZE);
	t->pkru = pkru_only((unsigned)slot);
	return 0;
}

/*
 * Unmaps the pages of t in [va, end), one of its own windows, and frees
 * the frames it owns; returns how many.  Ownership is what the page table
 * records, the protection key of the leaf: a page of another key in t's
 * window would mean a mapping went astray, a broken invariant.
 */
static uint64_t unmap_owned(struct group *g, const struct task *t, uint64_t va, uint64_t end)
{
	uint64_t freed = 0;
	for (; va < end; va += PAGE_SIZE) {
		uint64_t *e = aspace_leaf(&g->as, va);
		if (!e || !(*e & PTE_P))
			continue;
		if (pte_pkey(*e) != t->slot)
			panic("task %u: page %#lx in its window has key %u, not its own %u", t->id,
			      va, pte_pkey(*e), t->slot);
		uint64_t old = *e;
		*e = 0;
		aspace_flush_page(&g->as, va);
		if (old & PTE_SW_OWNED) {
			pmm_free_page(pte_addr(old));
			freed++;
		}
	}
	return freed;
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
