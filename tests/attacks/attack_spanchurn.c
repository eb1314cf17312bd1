/* attack_spanchurn: heap churn in a group that spans CPUs, then an end with the heap mapped. */
#include "attack.h"

/*
 * usage: attack_spanchurn ROUNDS PAGES exit|fault [VICTIM]
 *
 * Meant for a `shared` or `kernel` group whose tasks are pinned to
 * several CPUs (MODE@CPU), so that every unmap and every end of a
 * group-mate shoots down the other CPUs (docs/architecture.md, "Several
 * CPUs").  It asks the victim (default task 1) for its addresses and
 * tries to unmap the victim's heap page, a group-mate's page that other
 * CPUs cache too: that must fail (EINVAL).  Then each round maps PAGES
 * pages, checks that each comes zeroed, fills them with a pattern of its
 * own (its id, the round, the page), unmaps all but one, which it keeps
 * mapped to the end, and checks every kept page still holds its pattern.
 * A frame handed out while a TLB or another mapping still reached it,
 * or freed under a kept page, shows as a page that is not zero or a
 * pattern that changed: "ATTACK spanchurn: SUCCEEDED ...".  At the end it
 * says
 *   "spanchurn: task I: R rounds of P pages, K kept, every page as written"
 * and ends with its heap mapped, by exit or by touching a page it unmapped
 * (killed), so the kernel unmaps and frees it while group-mates run on.
 */

#define PAGE 4096UL
#define KEPT_MAX 256
#define WORDS (PAGE / sizeof(unsigned long))

static unsigned long *kept[KEPT_MAX];
static unsigned long kept_round[KEPT_MAX];
static unsigned long nkept;
static long self;

static unsigned long pattern(unsigned long round, unsigned long page, unsigned long word)
{
	return ((unsigned long)self << 48) ^ (round << 24) ^ (page << 12) ^ word;
}

static void broken(const char *what, unsigned long round, const void *at, unsigned long got)
{
	printf("ATTACK spanchurn: SUCCEEDED (isolation broken): %s in round %lu at %p: %#lx\n",
	       what, round, at, got);
	sys_exit(1);
}

/* One round: PAGES fresh pages, zeroed, written, all but the first unmapped. */
static void round_once(unsigned long round, unsigned long pages)
{
	long m = sys_map(pages * PAGE, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	if (m < 0) {
		printf("spanchurn: map failed in round %lu: %s\n", round, sys_errname(m));
		sys_exit(1);
	}
	for (unsigned long p = 0; p < pages; p++) {
		volatile unsigned long *w = (volatile unsigned long *)(m + (long)(p * PAGE));
		for (unsigned long i = 0; i < WORDS; i++)
			if (w[i])
				broken("a fresh page not zeroed", round, (const void *)&w[i], w[i]);
		for (unsigned long i = 0; i < WORDS; i++)
			w[i] = pattern(round, p, i);
	}
	if (pages > 1) {
		long r = sys_unmap((void *)(m + (long)PAGE), (pages - 1) * PAGE);
		if (r < 0) {
			printf("spanchurn: unmap failed in round %lu: %s\n", round, sys_errname(r));
			sys_exit(1);
		}
	}
	if (nkept < KEPT_MAX) {
		kept[nkept] = (unsigned long *)m;
		kept_round[nkept++] = round;
	}
	for (unsigned long k = 0; k < nkept; k++) {
		volatile unsigned long *w = kept[k];
		for (unsigned long i = 0; i < WORDS; i++)
			if (w[i] != pattern(kept_round[k], 0, i))
				broken("a kept page changed", round, (const void *)&w[i], w[i]);
	}
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	unsigned long rounds, pages;
	long victim = 1;

	if (argc < 4 || argc > 5 || parse_ulong(argv[1], 10, &rounds) ||
	    parse_ulong(argv[2], 10, &pages) || !pages || pages > 64 ||
	    (strcmp(argv[3], "exit") && strcmp(argv[3], "fault"))) {
		printf(
		    "spanchurn: usage: attack_spanchurn ROUNDS PAGES(1-64) exit|fault [VICTIM]\n");
		return 2;
	}
	char *begin[2] = {argv[0], argc == 5 ? argv[4] : 0};
	if (attack_begin(argc == 5 ? 2 : 1, begin, "attack_spanchurn", &victim, &a) < 0)
		return 1;
	self = sys_getpid();
	printf("ATTACK spanchurn: trying to unmap task %ld's heap page, a group-mate's\n", victim);
	long r = sys_unmap((void *)(uintptr_t)a.heap, PAGE);
	if (r >= 0)
		broken("unmapped a group-mate's heap page", 0, (const void *)(uintptr_t)a.heap, 0);
	printf("spanchurn: unmap of task %ld's heap page: %s\n", victim, sys_errname(r));
	for (unsigned long i = 0; i < rounds; i++)
		round_once(i, pages);
	printf("spanchurn: task %ld: %lu rounds of %lu pages, %lu kept, every page as written\n",
	       self, rounds, pages, nkept);
	if (!strcmp(argv[3], "fault")) {
		printf("spanchurn: task %ld ends by touching a page it unmapped\n", self);
		*(volatile char *)((uintptr_t)kept[0] + PAGE) = 1;
	}
	printf("spanchurn: task %ld ends by exit with %lu pages mapped\n", self, nkept);
	return 0;
}
