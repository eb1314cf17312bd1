/* ipcpaths: the IPC fast and general paths agree, and the fast one runs when documented. */
#include "user.h"

/*
 * usage: ipcpaths server | ipcpaths rserver
 *        ipcpaths sender CLIENT_ID
 *        ipcpaths client SERVER_ID SENDER_ID
 *
 * The server receives into a 64-byte buffer on its stack and answers each
 * message with a reply of the receive's result (8 bytes), the sender id
 * it was given (8 bytes) and the bytes received; "bye" ends it.  `server`
 * answers with sys_send() and receives again with sys_recv(); `rserver`
 * does both in one sys_reply_recv().  The sender sends one byte to the
 * client, which takes it only at the end: until then the sender is never
 * waiting, so a reply_recv() to it must fail with EAGAIN.  The
 * client sends messages of many lengths from its stack and from sys_map()
 * memory, with reply buffers of several sizes, and checks every reply:
 * length (truncated to the reply buffer), result, sender id and bytes.
 *
 * It also checks, with SYS_STATS, that the kernel took its fast path
 * (ipc.c) exactly when the rules say it does: a message of at most 64
 * bytes, every buffer of both tasks on its owner's stack, and the
 * receiver already waiting.  Before each call the client yields so that
 * the server is waiting; the server's reply finds the client waiting in
 * its call.  Prints "ipcpaths: N cases ok, F fast, S general" or the first
 * mismatch, and exits 1 on a mismatch.
 */

#define SRV_BUF 64
#define HDR 16

static _Noreturn void fail(const char *what, long err)
{
	printf("ipcpaths: %s failed: %s (%ld)\n", what, sys_errname(err), -err);
	sys_exit(1);
}

static int server(int reply_recv)
{
	uint8_t msg[SRV_BUF], reply[HDR + SRV_BUF];
	long from = 0;
	long n = sys_recv(0, msg, sizeof(msg), &from);

	for (;;) {
		if (n < 0)
			fail("server receive", n);
		long bye = n == 3 && memcmp(msg, "bye", 3) == 0;
		memcpy(reply, &n, 8);
		memcpy(reply + 8, &from, 8);
		memcpy(reply + HDR, msg, (size_t)n);
		if (reply_recv && !bye) {
			n = sys_reply_recv(from, reply, HDR + (size_t)n, msg, sizeof(msg), &from);
			continue;
		}
		long r = sys_send(from, reply, HDR + (size_t)n);
		if (r < 0)
			fail("server send", r);
		if (bye)
			return 0;
		n = sys_recv(0, msg, sizeof(msg), &from);
	}
}

/* reply_recv's refusals, and unknown system call numbers: each fails
 * before anything moves (the cases after it would see a stray message or
 * reply). */
static int refusals(long srv, long sender)
{
	uint8_t buf[8] = {0};
	long from;
	struct {
		const char *what;
		long got, want;
	} t[] = {
	    {"reply_recv to a task not waiting", sys_reply_recv(sender, buf, 1, buf, 8, &from),
	     -SHOJI_EAGAIN},
	    {"reply_recv to itself", sys_reply_recv(sys_getpid(), buf, 1, buf, 8, &from),
	     -SHOJI_EDEADLK},
	    {"reply_recv to no task", sys_reply_recv(4000, buf, 1, buf, 8, &from), -SHOJI_ESRCH},
	    {"reply_recv into a bad buffer", sys_reply_recv(srv, buf, 1, (void *)16, 8, &from),
	     -SHOJI_EFAULT},
	    {"reply_recv with a bad from", sys_reply_recv(srv, buf, 1, buf, 8, (long *)16),
	     -SHOJI_EFAULT},
	    {"reply_recv too long", sys_reply_recv(srv, buf, SHOJI_IPC_MAX + 1, buf, 8, &from),
	     -SHOJI_EMSGSIZE},
	    /* and numbers past the table */
	    {"(number SYS_COUNT)", syscall6(SYS_COUNT, 0, 0, 0, 0, 0, 0), -SHOJI_ENOSYS},
	    {"(number -1)", syscall6(-1, 0, 0, 0, 0, 0, 0), -SHOJI_ENOSYS},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].got != t[i].want) {
			printf("ipcpaths: system call %s: got %ld, want %ld\n", t[i].what, t[i].got,
			       t[i].want);
			return 1;
		}
	}
	return 0;
}

static struct shoji_stats stats(void)
{
	struct shoji_stats st;
	long r = sys_stats(&st);
	if (r < 0)
		fail("stats", r);
	return st;
}

/* One call; 0 when everything matched, 1 after printing why, -1 when a
 * timer tick came in between (the server may have been preempted before
 * its receive, which sends the call down the general path: try again). */
static int one(long srv, const uint8_t *msg, size_t len, uint8_t *rbuf, size_t rcap, int on_stack,
	       unsigned long *fast)
{
	size_t got_len = len < SRV_BUF ? len : SRV_BUF;
	size_t want = HDR + got_len < rcap ? HDR + got_len : rcap;
	int call_fast = on_stack && len <= SHOJI_IPC_FAST_MAX;
	int reply_fast = on_stack && HDR + got_len <= SHOJI_IPC_FAST_MAX;

	struct shoji_stats s0 = stats(); /* before the yield: a tick there counts too */
	sys_yield();			 /* the server gets to its receive */
	long n = sys_call(srv, msg, len, rbuf, rcap);
	struct shoji_stats s1 = stats();
	unsigned long df = s1.ipc_fast - s0.ipc_fast;
	long res = -1, from = -1;

	if (n < 0)
		fail("call", n);
	if (want >= 8)
		memcpy(&res, rbuf, 8);
	if (want >= HDR)
		memcpy(&from, rbuf + 8, 8);
	if ((size_t)n != want || (want >= 8 && res != (long)got_len) ||
	    (want >= HDR && from != sys_getpid()) ||
	    (want > HDR && memcmp(rbuf + HDR, msg, want - HDR))) {
		printf("ipcpaths: %zu bytes (%s), reply buffer %zu: got %ld bytes, result %ld, "
		       "from %ld; want %zu bytes, result %zu, from %ld\n",
		       len, on_stack ? "stack" : "mapped", rcap, n, res, from, want, got_len,
		       sys_getpid());
		return 1;
	}
	if (s1.timer_ticks != s0.timer_ticks)
		return -1;
	if (df != (unsigned long)(call_fast + reply_fast)) {
		printf("ipcpaths: %zu bytes (%s), reply buffer %zu: %lu fast deliveries, want "
		       "%d\n",
		       len, on_stack ? "stack" : "mapped", rcap, df, call_fast + reply_fast);
		return 1;
	}
	*fast += df;
	return 0;
}

/* Ends the server and takes the sender's byte, so both can exit. */
static void bye(long srv, long sender)
{
	uint8_t buf[HDR + SRV_BUF];
	sys_call(srv, "bye", 3, buf, sizeof(buf));
	sys_recv(sender, buf, sizeof(buf), 0);
}

static int client(long srv, long sender)
{
	static const size_t lens[] = {0, 1, 7, 8, 9, 47, 48, 49, 63, 64, 65, 100};
	static const size_t rcaps[] = {0, 5, 8, 16, 20, 80};
	uint8_t smsg[128], srep[128];
	long m = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	unsigned long cases = 0, fast = 0;

	if (m < 0)
		fail("map", m);
	if (refusals(srv, sender))
		goto bye;
	uint8_t *hmsg = (uint8_t *)m, *hrep = hmsg + 2048;
	for (size_t i = 0; i < sizeof(smsg); i++)
		smsg[i] = hmsg[i] = (uint8_t)(i * 7 + 3);

	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		for (size_t c = 0; c < sizeof(rcaps) / sizeof(rcaps[0]); c++) {
			for (int stack = 0; stack < 2; stack++) {
				const uint8_t *msg = stack ? smsg : hmsg;
				uint8_t *rbuf = stack ? srep : hrep;
				int r, tries = 0;
				do
					r = one(srv, msg, lens[l], rbuf, rcaps[c], stack, &fast);
				while (r < 0 && ++tries < 100);
				if (r) {
					if (r < 0)
						printf("ipcpaths: a timer tick in every try\n");
					goto bye;
				}
				cases++;
			}
		}
	}
	printf("ipcpaths: %lu cases ok, %lu fast, %lu general\n", cases, fast, 2 * cases - fast);
	bye(srv, sender);
	return 0;
bye:
	bye(srv, sender);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long a = 0, b = 0;

	if (argc == 2 && strcmp(argv[1], "server") == 0)
		return server(0);
	if (argc == 2 && strcmp(argv[1], "rserver") == 0)
		return server(1);
	if (argc == 3 && strcmp(argv[1], "sender") == 0 && parse_ulong(argv[2], 10, &a) == 0) {
		long r = sys_send((long)a, "x", 1);
		return r == 1 ? 0 : 1;
	}
	if (argc == 4 && strcmp(argv[1], "client") == 0 && parse_ulong(argv[2], 10, &a) == 0 &&
	    parse_ulong(argv[3], 10, &b) == 0)
		return client((long)a, (long)b);
	printf("usage: ipcpaths server | ipcpaths rserver | ipcpaths sender CLIENT_ID | "
	       "ipcpaths client SERVER_ID SENDER_ID\n");
	return 2;
}
