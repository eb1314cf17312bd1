/* bench_pairs: M independent IPC ping-pong pairs on N CPUs, their round trips together (issue 18).
 */
#include <shoji/abi.h>
#include <string.h>
#include "bench.h"

/*
 * usage: bench_pairs server
 *        bench_pairs client COORD_ID SERVER_ID N
 *        bench_pairs coord MODE VARIANT CPUS M N
 *
 * The runner starts the coordinator as task 1, then pair k (0 <= k < M)
 * as its server, task 2 + 2k, and its client, task 3 + 2k, both pinned to
 * CPU k mod CPUS (MODE@CPU), so that pairs never hand over to each
 * other's CPUs.  Each client waits for the coordinator's "go", makes N
 * calls to its server (8-byte messages, as bench_ipc's), says "done" and
 * ends its server.  The coordinator's region runs from its first "go" to
 * the last "done": one RESULT line, ipc_pairs, with M * N operations (the
 * round trips of all pairs together) and "cpus" and "pairs".  Under
 * QEMU's -icount the TSC advances with every vCPU's instructions, so the
 * counts are the whole machine's (bench/METHODS.md, "Several CPUs").
 */

#define USAGE                                                                                      \
	"bench_pairs server | bench_pairs client COORD_ID SERVER_ID N | bench_pairs coord MODE "   \
	"VARIANT CPUS M N"
#define MSG_WORK 0
#define MSG_BYE 1
#define PAIRS_MAX 64

static int serve(void)
{
	unsigned long msg = 0, reply = 0;
	long from = 0;
	long n = sys_recv(0, &msg, sizeof(msg), &from);
	for (;;) {
		if (n < 0)
			bench_fail("bench_pairs server", "receive", n);
		if (msg == MSG_BYE) {
			n = sys_send(from, &reply, sizeof(reply));
			if (n < 0)
				bench_fail("bench_pairs server", "send", n);
			return 0;
		}
		n = sys_reply_recv(from, &reply, sizeof(reply), &msg, sizeof(msg), &from);
	}
}

static void call(long srv, unsigned long msg)
{
	unsigned long reply = 0;
	long n = sys_call(srv, &msg, sizeof(msg), &reply, sizeof(reply));
	if (n != (long)sizeof(reply))
		bench_fail("bench_pairs client", "call", n < 0 ? n : -SHOJI_EMSGSIZE);
}

static int client(long coord, long srv, uint64_t n)
{
	unsigned long go = 0;
	long r = sys_recv(coord, &go, sizeof(go), 0);
	if (r < 0)
		bench_fail("bench_pairs client", "receive go", r);
	for (uint64_t i = 0; i < n; i++)
		call(srv, MSG_WORK);
	r = sys_send(coord, &go, sizeof(go));
	if (r < 0)
		bench_fail("bench_pairs client", "send done", r);
	call(srv, MSG_BYE);
	return 0;
}

static int coordinate(const char *variant, uint64_t cpus, uint64_t m, uint64_t n)
{
	unsigned long word = 0;
	char extra[64];
	struct roi r;

	roi_begin(&r);
	for (uint64_t k = 0; k < m; k++) {
		long s = sys_send((long)(3 + 2 * k), &word, sizeof(word));
		if (s < 0)
			bench_fail("bench_pairs coord", "send go", s);
	}
	for (uint64_t k = 0; k < m; k++) {
		long s = sys_recv(0, &word, sizeof(word), 0);
		if (s < 0)
			bench_fail("bench_pairs coord", "receive done", s);
	}
	roi_end(&r);
	snprintf(extra, sizeof(extra), ",\"cpus\":%lu,\"pairs\":%lu", (unsigned long)cpus,
		 (unsigned long)m);
	/* The coordinator's own 2M calls are in the region: not round trips. */
	roi_result(&r, &(struct roi_report){.benchmark = "ipc_pairs",
					    .variant = variant,
					    .ops = m * n,
					    .own_syscalls = 2 * m,
					    .extra = extra});
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long a, b, c;

	if (argc == 2 && strcmp(argv[1], "server") == 0)
		return serve();
	if (argc == 5 && strcmp(argv[1], "client") == 0) {
		if (bench_arg(argv, 2, &a, USAGE) || bench_arg(argv, 3, &b, USAGE) ||
		    bench_arg(argv, 4, &c, USAGE))
			return 1;
		return client((long)a, (long)b, c);
	}
	if (argc == 7 && strcmp(argv[1], "coord") == 0) {
		if (bench_check_mode(argv[2]) || bench_arg(argv, 4, &a, USAGE) ||
		    bench_arg(argv, 5, &b, USAGE) || bench_arg(argv, 6, &c, USAGE))
			return 1;
		if (b > PAIRS_MAX)
			return bench_usage(USAGE);
		return coordinate(argv[3], a, b, c);
	}
	return bench_usage(USAGE);
}
