/* Groups (group.c): the page tables tasks run on, one per protection-key set. */
#ifndef CORE_GROUP_H
#define CORE_GROUP_H

#include <stdint.h>
#include "arch/x86_64/arch.h"
#include "isolation/isolation.h"
#include "core/task.h"

/*
 * A group is one page table.  A `process` task is alone in a group of its
 * own, in slot 0 with key 0; `shared` tasks fill slots 1-15 of a shared
 * group, each slot's pages tagged with the slot number as protection key.
 */
struct group {
	struct aspace as;
	struct pkey_set keys;
	uint8_t mode;
	uint8_t home; /* the CPU its unpinned tasks run on (placement: group.c) */
	uint32_t id;
	struct task *member[SLOTS];
};
/* Puts t (t->mode set) into a group: a new one for `process`, the first
 * group of its mode with a free key (or a new one) for `shared` and
 * `kernel`; t runs on CPU pin when pin >= 0 (a pin: below smp_ncpus),
 * else on the group's home CPU (group.c).  Sets t->group, t->cpu, t->slot
 * and t->pkru.  0 or -SHOJI_ENOMEM. */
int group_join(struct task *t, int pin);
/* Unmaps and frees t's pages, returns its key; frees the group (its
 * page tables) when t was the last member. */
void group_leave(struct task *t);
/* The member of g owning protection key `key`, or 0. */
struct task *group_member(struct group *g, unsigned key);
/* The group with id i (0..TASK_MAX-1), or 0: for the audit. */
struct group *group_at(unsigned i);
/* Kernel memory of g (structure and page tables) divided among members. */
uint64_t group_share_bytes(const struct group *g);
/* Groups that exist now. */
unsigned group_count(void);

#endif
