/* samevas: tasks at the same addresses in different groups each see only their own memory. */
#include "user.h"

/*
 * usage: samevas ROUNDS
 *
 * Tasks of different groups with the same key have their slots at the
 * same virtual addresses: `shared` and `kernel` groups run on one root,
 * and a switch between groups exchanges the group's PDPT entries and
 * reloads CR3 (paging.c, compact address spaces).  A missed TLB flush
 * would let a task read or write a neighbour's page through a stale
 * translation.  Each task writes its id into a global, a stack word and
 * a page from sys_map() (which also lands at the same address in every
 * group), then yields ROUNDS times, checking all three after each yield
 * and writing them again.  Prints "samevas N: ok" or the first word that
 * held another value, and exits 1 then.
 */

static volatile long global_word;

static int check(const char *where, long got, long want)
{
	if (got == want)
		return 0;
	printf("samevas %ld: %s holds %ld\n", want, where, got);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long rounds;
	volatile long stack_word;
	long id = sys_getpid();
	long m = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);

	if (argc != 2 || parse_ulong(argv[1], 10, &rounds)) {
		printf("usage: samevas ROUNDS\n");
		return 2;
	}
	if (m < 0) {
		printf("samevas %ld: map failed: %s\n", id, sys_errname(m));
		return 1;
	}
	volatile long *heap_word = (volatile long *)m;
	for (unsigned long i = 0; i < rounds; i++) {
		global_word = id + (long)i;
		stack_word = id + (long)i;
		*heap_word = id + (long)i;
		sys_yield();
		if (check("its global", global_word, id + (long)i) ||
		    check("its stack", stack_word, id + (long)i) ||
		    check("its mapped page", *heap_word, id + (long)i))
			return 1;
	}
	printf("samevas %ld: ok, mapped page at %#lx\n", id, (unsigned long)m);
	return 0;
}
