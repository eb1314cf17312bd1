/* bench_ipc: IPC round trips and the one-way path from a call to the peer's first instruction. */
#include <stdbool.h>

#include "bench.h"

/*
 * usage: bench_ipc server|wserver
 *        bench_ipc client|wclient MODE VARIANT N SERVER_ID
 *
 * server and client use buffer messages (sys_call(), sys_reply_recv());
 * wserver and wclient word messages (sys_call_w(), sys_reply_recv_w()),
 * which the kernel moves in registers.  Otherwise they are the same.
 * The server receives 8-byte messages from any task and answers each with
 * the TSC it read right after its receive returned, answering and
 * receiving the next in one sys_reply_recv() (the microkernel server
 * loop); the message 1 ("bye") makes it answer with sys_send() and exit.
 * The client prints two RESULT lines:
 *
 *   ipc_roundtrip     N sys_call()s back to back: per round trip the
 *                     client's call and the server's reply_recv, two
 *                     system calls and two task switches.
 *   ipc_call_to_peer  per call, the server's TSC (read right after its
 *                     receive returned) minus the client's TSC read just
 *                     before the call: the one-way path through the kernel
 *                     into the peer.  Before each call the client yields
 *                     (the server is already waiting after its
 *                     reply_recv; the yield keeps it so even if it were
 *                     not).  The counters of this line cover the whole
 *                     loop, yields included.
 *
 * Each after N/10 (at least 10) warm-up operations of the same kind.
 * VARIANT xcpu (xcpu-word) names the first line ipc_roundtrip_xcpu, with
 * "cpus":2 and "pairs":1: the runner pins the two to two CPUs.
 * VARIANT labels the lines; MODE must be the mode the client runs in.
 */

#define USAGE "bench_ipc server|wserver | bench_ipc client|wclient MODE VARIANT N SERVER_ID"
#define MSG_WORK 0
#define MSG_BYE 1

/* The server (word messages when @word).  Inline, so that @word is a
 * constant in each copy: the buffer server's variables go to memory (the
 * kernel gets their addresses), the word server's stay in registers. */
static inline __attribute__((always_inline)) int serve(bool word)
{
	unsigned long first = 0, msg;
	long first_from = 0, from;
	long n = sys_recv(0, &first, sizeof(first), &first_from);
	uint64_t t = bench_tsc();

	msg = first, from = first_from;
	for (;;) {
		if (n < 0)
			bench_fail("bench_ipc server", "receive", n);
		if (msg == MSG_BYE) {
			long r = sys_send(from, &t, sizeof(t));
			if (r < 0)
				bench_fail("bench_ipc server", "send", r);
			return 0;
		}
		/* Each TSC read is the end of ipc_call_to_peer. */
		if (word) {
			n = sys_reply_recv_w(from, t, &msg, &from);
			t = BENCH_TSC_AT(bench_ipc_received_w);
		} else {
			n = sys_reply_recv(from, &t, sizeof(t), &msg, sizeof(msg), &from);
			t = BENCH_TSC_AT(bench_ipc_received);
		}
	}
}

/* One call (a word call when @word); returns the server's TSC from the
 * reply.  Inline, so that ipc_call_to_peer measures the system call and
 * not also a call into this function, with its bundle padding and masked
 * return (bundle-asm); everything below is inline too, so @word is a
 * constant in each copy and no test of it is measured. */
static inline __attribute__((always_inline)) uint64_t call(long srv, uint64_t msg, bool word)
{
	unsigned long reply = 0;
	long n = word ? sys_call_w(srv, msg, &reply)
		      : sys_call(srv, &msg, sizeof(msg), &reply, sizeof(reply));

	if (n != (long)sizeof(reply))
		bench_fail("bench_ipc client", "call", n < 0 ? n : -SHOJI_EMSGSIZE);
	return reply;
}

/* The TSC just before a call, at a label of its own for path-trace. */
static inline __attribute__((always_inline)) uint64_t tsc_before_call(bool word)
{
	return word ? BENCH_TSC_AT(bench_ipc_call_w) : BENCH_TSC_AT(bench_ipc_call);
}

static inline __attribute__((always_inline)) void roundtrip(const char *variant, uint64_t n,
							    long srv, bool word)
{
	uint64_t warm = bench_warmup(n);
	struct roi r;

	for (uint64_t i = 0; i < warm; i++)
		call(srv, MSG_WORK, word);
	roi_begin(&r);
	for (uint64_t i = 0; i < n; i++) {
		/* One turn from here to here is one round trip (path-trace). */
		if (word)
			BENCH_LABEL(bench_ipc_roundtrip_w);
		else
			BENCH_LABEL(bench_ipc_roundtrip);
		call(srv, MSG_WORK, word);
	}
	roi_end(&r);
	/* VARIANT xcpu: the two on two CPUs (pinned by the runner), the
	 * round trip the reports' "Several CPUs" section compares. */
	bool xcpu = strcmp(variant, "xcpu") == 0 || strcmp(variant, "xcpu-word") == 0;
	roi_result(&r,
		   &(struct roi_report){.benchmark = xcpu ? "ipc_roundtrip_xcpu" : "ipc_roundtrip",
					.variant = variant,
					.ops = n,
					.warmup = warm,
					.extra = xcpu ? ",\"cpus\":2,\"pairs\":1" : 0});
}

static inline __attribute__((always_inline)) void call_to_peer(const char *variant, uint64_t n,
							       long srv, bool word)
{
	uint64_t warm = bench_warmup(n);
	uint64_t sum = 0, floor;
	struct roi r;
	char extra[64];

	for (uint64_t i = 0; i < warm; i++) {
		sys_yield();
		call(srv, MSG_WORK, word);
	}
	roi_begin(&r);
	for (uint64_t i = 0; i < n; i++) {
		sys_yield();
		uint64_t t0 = tsc_before_call(word);
		sum += call(srv, MSG_WORK, word) - t0;
	}
	roi_end(&r);
	/* What two back-to-back TSC reads cost: the measurement's floor,
	 * included in the number above. */
	floor = bench_tsc();
	floor = bench_tsc() - floor;
	snprintf(extra, sizeof(extra), ",\"tsc_read_cycles\":%lu", (unsigned long)floor);
	roi_result(&r, &(struct roi_report){.benchmark = "ipc_call_to_peer",
					    .variant = variant,
					    .ops = n,
					    .warmup = warm,
					    .cycles = sum,
					    .extra = extra});
}

int main(int argc, char **argv)
{
	unsigned long n, srv;

	if (argc == 2 && strcmp(argv[1], "server") == 0)
		return serve(false);
	if (argc == 2 && strcmp(argv[1], "wserver") == 0)
		return serve(true);
	if (argc != 6 || (strcmp(argv[1], "client") && strcmp(argv[1], "wclient")) ||
	    bench_check_mode(argv[2]) || bench_arg(argv, 4, &n, USAGE) ||
	    bench_arg(argv, 5, &srv, USAGE))
		return bench_usage(USAGE);
	if (argv[1][0] == 'w') {
		roundtrip(argv[3], n, (long)srv, true);
		call_to_peer(argv[3], n, (long)srv, true);
		call((long)srv, MSG_BYE, true);
	} else {
		roundtrip(argv[3], n, (long)srv, false);
		call_to_peer(argv[3], n, (long)srv, false);
		call((long)srv, MSG_BYE, false);
	}
	return 0;
}
