/* attack_heapchurn: odd map/unmap sequences, memory exhaustion, then teardown mid-way. */
#include "attack.h"

/*
 * usage: attack_heapchurn [VICTIM [exit|fault]]
 *
 * Tries to unbalance the kernel's page count of the task (task.pages),
 * which teardown (group.c) and audit=on check with a panic: unmaps the
 * middle page of a three-page mapping, unmaps with lengths that are not
 * page multiples (1 byte, a page plus 1), over a guard page, twice; maps
 * until the allocator runs out (ENOMEM in large then small chunks),
 * unmaps some and maps again; then ends without telling the victim:
 * by exit, or by a page fault (killed).  Every step must be refused or
 * balance; no panic, and the victim's secrets stay intact.
 */

#define PAGE 4096UL
#define RW (SHOJI_PROT_READ | SHOJI_PROT_WRITE)

static void show(const char *what, long rc)
{
	printf("heapchurn: %s: %s\n", what, rc < 0 ? sys_errname(rc) : rc == 0 ? "ok" : "mapped");
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;
	int fault = argc > 2 && !strcmp(argv[2], "fault");

	if (attack_begin(argc > 2 ? 2 : argc, argv, "attack_heapchurn", &victim, &a) < 0)
		return 1;
	printf("ATTACK heapchurn: trying to unbalance the page count of its own heap\n");
	long m = sys_map(3 * PAGE, RW);
	show("map 3 pages", m);
	if (m < 0)
		return 1;
	char *p = (char *)m;
	p[0] = 1, p[PAGE] = 2, p[2 * PAGE] = 3;
	show("unmap middle page", sys_unmap(p + PAGE, PAGE));
	show("unmap middle page again", sys_unmap(p + PAGE, PAGE));
	show("unmap 1 byte of the first page", sys_unmap(p, 1));
	show("unmap the last page + 1 byte (into the guard)", sys_unmap(p + 2 * PAGE, PAGE + 1));
	show("unmap the last page, length 1", sys_unmap(p + 2 * PAGE, 1));
	show("unmap the first page, length 0", sys_unmap(p, 0));
	show("unmap unaligned", sys_unmap(p + 1, PAGE));
	show("unmap huge length", sys_unmap(p, ~0UL));
	show("unmap huge length - page", sys_unmap(p, ~0UL - PAGE + 1));
	long q = sys_map(1, SHOJI_PROT_READ);
	show("map 1 byte read-only", q);
	long r = sys_map(PAGE + 1, RW);
	show("map a page + 1", r);
	if (r > 0) {
		((char *)r)[PAGE] = 7;
		show("unmap a page + 1 (2 pages)", sys_unmap((void *)r, PAGE + 1));
	}
	/* Exhaust the allocator. */
	unsigned long total = 0, chunks = 0;
	long first = 0, last = 0;
	for (unsigned long sz = 8UL << 20; sz >= PAGE; sz /= 2) {
		for (;;) {
			long v = sys_map(sz, RW);
			if (v < 0)
				break;
			if (!first)
				first = v;
			last = v;
			total += sz / PAGE, chunks++;
		}
	}
	printf("heapchurn: mapped %lu pages in %lu chunks before ENOMEM\n", total, chunks);
	long e = sys_map(PAGE, RW);
	show("map after exhaustion", e);
	if (first)
		show("unmap the first 8 MiB chunk", sys_unmap((void *)first, 8UL << 20));
	if (last)
		show("unmap the last chunk, one page", sys_unmap((void *)last, PAGE));
	long again = sys_map(16 * PAGE, RW);
	show("map 16 pages again", again);
	if (again > 0) {
		((char *)again)[0] = 1;
		show("unmap its pages 3..5", sys_unmap((char *)again + 3 * PAGE, 3 * PAGE));
	}
	printf("heapchurn: ending by %s with its heap still mapped\n", fault ? "a fault" : "exit");
	if (fault)
		*(volatile char *)(p + PAGE) = 1; /* the unmapped middle page */
	return 0;
}
