/* pkey_switch: Linux baseline, a user-level switch between two protection-key domains. */
#include <sys/mman.h>

#include "common.h"

/*
 * usage: pkey_switch N
 *
 * Two domains in one process: A may touch only key 0 memory, B only its
 * own pkey_alloc()ed key's page (pkey_mprotect).  One operation is the
 * round trip A -> B -> A: WRPKRU to B's rights, a read of B's page, WRPKRU
 * back, a read of A's page (two WRPKRUs; what a shared-mode switch costs
 * the CPU without the kernel around it).  WRPKRU is inline assembly
 * (0F 01 EF, ECX = EDX = 0; SDM Vol. 2B), ordered by itself (it is
 * serializing for memory accesses that follow).  Skipped, with the
 * reason, where the CPU or kernel has no protection keys.
 */

#define USAGE "pkey_switch N"

static inline void wrpkru(uint32_t v)
{
	__asm__ volatile(".byte 0x0f, 0x01, 0xef" : : "a"(v), "c"(0), "d"(0) : "memory");
}

/* PKRU: AD (bit 2k) and WD (bit 2k+1) for key k; everything but @key denied. */
static inline uint32_t only(int key)
{
	return ~(3u << (2 * key));
}

/* One operation, A -> B -> A: B's rights, a read of B's page, A's rights,
 * a read of A's page.  Returns the sum of the two words read. */
static inline uint64_t a_to_b_and_back(uint32_t dom_a, uint32_t dom_b, volatile uint64_t *pa,
				       volatile uint64_t *pb)
{
	wrpkru(dom_b);
	uint64_t v = pb[0];
	wrpkru(dom_a);
	return v + pa[0];
}

int main(int argc, char **argv)
{
	char why[160];

	arg_total(argc, 2, USAGE);
	uint64_t n = arg_count(argv, 1, USAGE), warm = bench_warmup(n);

	if (!cpu_has_flag("pku") || !cpu_has_flag("ospke")) {
		snprintf(
		    why, sizeof(why), "the host CPU has no protection keys (/proc/cpuinfo: %s%s)",
		    cpu_has_flag("pku") ? "" : "no pku ", cpu_has_flag("ospke") ? "" : "no ospke");
		skip("pkey_switch", "linux-process", "wrpkru", why);
		return 0;
	}
	int key = pkey_alloc(0, 0);
	if (key < 0) {
		snprintf(why, sizeof(why), "pkey_alloc failed: %s", strerror(errno));
		skip("pkey_switch", "linux-process", "wrpkru", why);
		return 0;
	}
	volatile uint64_t *pa =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile uint64_t *pb =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pa == MAP_FAILED || pb == MAP_FAILED)
		die(argv[0], "mmap");
	pa[0] = 1;
	pb[0] = 2;
	if (pkey_mprotect((void *)pb, 4096, PROT_READ | PROT_WRITE, key))
		die(argv[0], "pkey_mprotect");
	pin_one_cpu(argv[0]);

	uint32_t dom_a = only(0), dom_b = only(key);
	uint64_t acc = 0;
	struct mark a, b;
	/* Domain A from here on: the stack and libc are key 0. */
	wrpkru(dom_a);
	for (uint64_t i = 0; i < warm; i++)
		acc += a_to_b_and_back(dom_a, dom_b, pa, pb);
	mark_begin(&a);
	for (uint64_t i = 0; i < n; i++)
		acc += a_to_b_and_back(dom_a, dom_b, pa, pb);
	mark_end(&b);
	wrpkru(0); /* all keys allowed again */
	result("pkey_switch", "linux-process", "wrpkru", n, warm, (double)(b.tsc - a.tsc),
	       (double)(b.ns - a.ns), 0, 0, 2.0 * n, NULL);
	return acc == 0;
}
