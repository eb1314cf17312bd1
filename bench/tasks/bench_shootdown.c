/* bench_shootdown: one heap page mapped, written and unmapped, with a group-mate on another CPU
 * (one TLB shootdown per unmap) or on the same one (none) (issue 18). */
#include <shoji/abi.h>
#include <stdbool.h>
#include <string.h>
#include "bench.h"

/*
 * usage: bench_shootdown partner
 *        bench_shootdown measure MODE VARIANT N PARTNER_ID
 *
 * The runner starts the partner as task 1 and the measuring task as task
 * 2, both in one `shared` or `kernel` group (a task joins the first group
 * of its mode with room, whatever its CPU), the measuring task pinned to
 * CPU 0 and the partner to CPU 1 (VARIANT remote) or to CPU 0 too
 * (VARIANT local), on a machine of two CPUs either way, so that both run
 * the same multiprocessor kernel paths.
 *
 * The measuring task first calls the partner once: when the reply comes,
 * the partner has run on its CPU, which so has the group installed, and
 * is blocked again in its receive.  It stays blocked until the last call
 * ("bye"), and its CPU idles with the group still installed (an idle CPU
 * keeps the last address space it loaded).  The measured operation, N
 * times after N/10 (at least 10) warm-ups:
 *
 *   sys_map(4096), a store to the page, sys_unmap()
 *
 * With the partner on the other CPU every unmap must shoot that CPU's TLB
 * down before the frame is freed (docs/architecture.md, "Several CPUs"):
 * one request per operation, the IPI, the other CPU's flush and the wait
 * for it; with the partner on this CPU none.  The RESULT line,
 * tlb_shootdown with "cpus":2, carries shootdowns_sent and
 * shootdowns_received per operation among its counters; the task checks
 * that they are 1 and 1 (remote) or 0 and 0 (local) and otherwise ends
 * with status 1, saying so, so that the runner counts a failed machine
 * rather than a row that measured something else.  The difference
 * between the two is the cost of one shootdown (bench/METHODS.md,
 * "Several CPUs").
 *
 * SYS_MAP never reuses heap addresses (a cursor, a guard page after every
 * mapping), so each operation takes 2 pages of the 256 MiB window: N is
 * at most MAX_OPS, warm-ups included.
 */

#define USAGE "bench_shootdown partner | bench_shootdown measure MODE VARIANT N PARTNER_ID"
#define MSG_HELLO 0
#define MSG_BYE 1
#define PAGE 4096UL
#define MAX_OPS 29000UL

static int partner(void)
{
	unsigned long msg = 0, reply = 0;
	long from = 0;
	long n = sys_recv(0, &msg, sizeof(msg), &from);
	for (;;) {
		if (n < 0)
			bench_fail("bench_shootdown partner", "receive", n);
		if (msg == MSG_BYE) {
			n = sys_send(from, &reply, sizeof(reply));
			if (n < 0)
				bench_fail("bench_shootdown partner", "send", n);
			return 0;
		}
		n = sys_reply_recv(from, &reply, sizeof(reply), &msg, sizeof(msg), &from);
	}
}

static void call(long partner_id, unsigned long msg)
{
	unsigned long reply = 0;
	long n = sys_call(partner_id, &msg, sizeof(msg), &reply, sizeof(reply));
	if (n != (long)sizeof(reply))
		bench_fail("bench_shootdown", "call", n < 0 ? n : -SHOJI_EMSGSIZE);
}

/* The measured operation.  Inline, so that the loop is the three steps. */
static inline __attribute__((always_inline)) void map_write_unmap(uint64_t i)
{
	long va = sys_map(PAGE, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	if (va < 0)
		bench_fail("bench_shootdown", "map", va);
	*(volatile uint64_t *)va = i;
	long r = sys_unmap((void *)va, PAGE);
	if (r < 0)
		bench_fail("bench_shootdown", "unmap", r);
}

/* Returns 0 when the region sent and had served @want shootdowns per
 * operation; else prints what it counted and returns -1. */
static int check_shootdowns(const struct roi *r, const char *variant, uint64_t n, uint64_t want)
{
	uint64_t sent = r->end.st.shootdowns_sent - r->begin.st.shootdowns_sent;
	uint64_t served = r->end.st.shootdowns_received - r->begin.st.shootdowns_received;

	if (sent == want * n && served == want * n)
		return 0;
	printf("bench_shootdown: variant %s: %lu operations sent %lu shootdowns and had %lu "
	       "served, not %lu each\n",
	       variant, (unsigned long)n, (unsigned long)sent, (unsigned long)served,
	       (unsigned long)(want * n));
	return -1;
}

static int measure(const char *variant, uint64_t n, long partner_id)
{
	uint64_t warm = bench_warmup(n);
	uint64_t want;
	struct roi r;

	/* A bad VARIANT or N still ends the partner, which waits for a
	 * message: the machine then ends on this usage line, not a deadlock. */
	bool remote = strcmp(variant, "remote") == 0;
	if ((!remote && strcmp(variant, "local")) || n + warm > MAX_OPS) {
		call(partner_id, MSG_BYE);
		return bench_usage(USAGE " (VARIANT remote or local; N + N/10 at most 29000)");
	}
	want = remote ? 1 : 0;
	call(partner_id, MSG_HELLO);
	for (uint64_t i = 0; i < warm; i++)
		map_write_unmap(i);
	roi_begin(&r);
	for (uint64_t i = 0; i < n; i++)
		map_write_unmap(i);
	roi_end(&r);
	roi_result(&r, &(struct roi_report){.benchmark = "tlb_shootdown",
					    .variant = variant,
					    .ops = n,
					    .warmup = warm,
					    .extra = ",\"cpus\":2"});
	call(partner_id, MSG_BYE);
	return check_shootdowns(&r, variant, n, want) ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long n, id;

	if (argc == 2 && strcmp(argv[1], "partner") == 0)
		return partner();
	if (argc != 6 || strcmp(argv[1], "measure") || bench_check_mode(argv[2]) ||
	    bench_arg(argv, 4, &n, USAGE) || bench_arg(argv, 5, &id, USAGE))
		return bench_usage(USAGE);
	return measure(argv[3], n, (long)id);
}
