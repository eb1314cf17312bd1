/* attack_heapedge: maps to the very end of its heap window, then once more, into the next task's
 * window. */
#include "attack.h"

/*
 * usage: attack_heapedge [VICTIM]      (the victim's task id, default 2)
 *
 * The attacker must sit in the slot just below the victim's (started
 * first), so that the victim's heap window follows its own.  SYS_MAP puts
 * an unmapped guard page after each mapping, so a mapping that ends at the
 * very end of the window leaves the map cursor one page past it.  On
 * 070b09d the next sys_map's bounds check (end - cursor, unsigned) wrapped,
 * and the mapping landed in the victim's window under the attacker's key;
 * when the attacker exited, the kernel unmapped everything from its heap
 * base to its cursor and freed the victim's heap page, and the victim died
 * on its next access.  Now the map past the window fails with ENOMEM, and
 * teardown frees only pages under the task's own key.
 *
 * Mapping up to the end takes 16 rounds of 16 MiB (4095 pages and a guard
 * page each): map and unmap fifteen times, keep the sixteenth.  The
 * attacker then exits without telling the victim it is done, so that its
 * teardown runs before the victim checks its secrets.
 */

#define PAGE 4096UL
#define WINDOW (256UL << 20) /* HEAP_WINDOW, guest/arch/x86_64/layout.h */
#define ROUND_PAGES 4095UL
#define RW (SHOJI_PROT_READ | SHOJI_PROT_WRITE)

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 2;

	if (attack_begin(argc, argv, "attack_heapedge", &victim, &a) < 0)
		return 1;
	uint64_t base = a.heap & ~(WINDOW - 1), own = base - WINDOW;
	long va = 0;
	for (int round = 0; round < 16; round++) {
		unsigned long pages = round < 15 ? ROUND_PAGES : ROUND_PAGES + 1;
		va = sys_map(pages * PAGE, RW);
		if (va != (long)(own + (uint64_t)round * (ROUND_PAGES + 1) * PAGE)) {
			printf("attack_heapedge: map round %d returned %#lx (%s)\n", round,
			       (unsigned long)va, va < 0 ? sys_errname(va) : "unexpected address");
			return 1;
		}
		if (round < 15 && sys_unmap((void *)va, pages * PAGE)) {
			printf("attack_heapedge: unmap round %d failed\n", round);
			return 1;
		}
	}
	printf("attack_heapedge: mapped up to %#lx, the end of its window\n",
	       (unsigned long)(va + (ROUND_PAGES + 1) * PAGE));

	printf("ATTACK heapedge: trying to map past the end of its heap window, into task %ld's "
	       "at %#lx\n",
	       victim, (unsigned long)base);
	long past = sys_map(3 * PAGE, RW);
	if (past >= 0) {
		printf("ATTACK heapedge: SUCCEEDED (isolation broken): mapped %#lx in task %ld's "
		       "heap window\n",
		       (unsigned long)past, victim);
		return 1;
	}
	printf("heapedge: refused map past the window: %s\n", sys_errname(past));
	long again = sys_map(PAGE, RW);
	printf("heapedge: refused again: %s\n", again < 0 ? sys_errname(again) : "NO");
	return again < 0 ? 0 : 1;
}
