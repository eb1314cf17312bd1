/* churn: maps, writes and unmaps heap pages in rounds, and says how many TLB shootdowns the machine
 * sent. */
#include "user.h"

/*
 * usage: churn ROUNDS PAGES [SERVER_ID]
 *
 * Each round maps PAGES pages (sys_map), writes a word to each and
 * unmaps them (sys_unmap).  With a task of its group running on another
 * CPU, that CPU may cache the group's translations, so every unmap must
 * shoot its TLB down before the frames are freed (docs/architecture.md,
 * "Several CPUs").  With SERVER_ID, a pingpong server, churn first makes
 * one call to it ("ping 0"), so the server's CPU has run the group before
 * the rounds start, and ends it with "bye" after them.  At the end, from
 * SYS_STATS around the rounds:
 * "churn: R rounds of P pages, S shootdowns sent, as many served" (or
 * "... N served" when the two differ, which would mean a request went
 * unanswered).  The counters are the machine's: shootdowns of other
 * tasks in the meantime count too.
 */

/* One call to the server srv, whose answer is not checked: only its
 * having run matters. */
static int call(long srv, const char *msg)
{
	char reply[16];
	long n = sys_call(srv, msg, strlen(msg), reply, sizeof(reply));
	if (n < 0)
		printf("churn: call to task %ld failed: %s\n", srv, sys_errname(n));
	return n < 0;
}

int main(int argc, char **argv)
{
	unsigned long rounds, pages, srv = 0;
	struct shoji_stats s0, s1;

	if (argc < 3 || argc > 4 || parse_ulong(argv[1], 10, &rounds) ||
	    parse_ulong(argv[2], 10, &pages) || !pages || pages > 64 ||
	    (argc == 4 && (parse_ulong(argv[3], 10, &srv) || !srv))) {
		printf("usage: churn ROUNDS PAGES (1-64) [SERVER_ID]\n");
		return 2;
	}
	if (srv && call((long)srv, "ping 0"))
		return 1;
	sys_stats(&s0);
	for (unsigned long i = 0; i < rounds; i++) {
		long m = sys_map(pages * 4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
		if (m < 0) {
			printf("churn: map failed: %s\n", sys_errname(m));
			return 1;
		}
		for (unsigned long p = 0; p < pages; p++)
			*(volatile unsigned long *)(m + (long)p * 4096) = i;
		long r = sys_unmap((void *)m, pages * 4096);
		if (r < 0) {
			printf("churn: unmap failed: %s\n", sys_errname(r));
			return 1;
		}
	}
	sys_stats(&s1);
	unsigned long long sent = s1.shootdowns_sent - s0.shootdowns_sent;
	unsigned long long served = s1.shootdowns_received - s0.shootdowns_received;
	if (sent == served)
		printf("churn: %lu rounds of %lu pages, %llu shootdowns sent, as many served\n",
		       rounds, pages, sent);
	else
		printf("churn: %lu rounds of %lu pages, %llu shootdowns sent, %llu served\n",
		       rounds, pages, sent, served);
	return srv ? call((long)srv, "bye") : 0;
}
