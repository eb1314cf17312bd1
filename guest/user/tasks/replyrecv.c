/* replyrecv: a server on sys_reply_recv() whose receive finds a caller already queued. */
#include "user.h"

/*
 * usage: replyrecv server BACKEND_ID
 *        replyrecv backend
 *        replyrecv client SERVER_ID MESSAGE
 *
 * Run as tasks 1 server, 2 backend, 3 client "nest", 4 client "plain".
 * The server answers "nest" only after a call to the backend, which
 * yields before it replies; client 4 calls meanwhile, while the server
 * waits for the backend alone, so its call is queued.  The server's
 * reply_recv() to client 3 then delivers the reply and takes client 4's
 * queued message in its receive half: the general path, both halves.
 * Every reply is "LEN FROM MESSAGE" as the server received it, and each
 * client prints what it got.  Every buffer is on its task's stack, so the
 * fast path is taken wherever the receiver is waiting.  Without a timer tick the schedule is fixed,
 * and the server checks that the IPC fast path delivered exactly the four
 * messages it should (SYS_STATS; ipc.c): the call to it from client 3,
 * its call to the backend, the backend's reply, its last reply.
 */

#define MSG_MAX 64

static _Noreturn void fail(const char *who, const char *what, long err)
{
	printf("replyrecv %s: %s failed: %s (%ld)\n", who, what, sys_errname(err), -err);
	sys_exit(1);
}

static struct shoji_stats stats(void)
{
	struct shoji_stats st;
	long r = sys_stats(&st);
	if (r < 0)
		fail("server", "stats", r);
	return st;
}

static int server(long backend)
{
	char msg[MSG_MAX], reply[MSG_MAX], tmp[8];
	long from = 0, first = 0;
	struct shoji_stats s0 = stats();
	long n = sys_recv(0, msg, sizeof(msg), &from);

	for (int served = 1;; served++) {
		if (n < 0)
			fail("server", "receive", n);
		if (n == 4 && memcmp(msg, "nest", 4) == 0) {
			/* On the stack, as every buffer here. */
			char work[4] = {'w', 'o', 'r', 'k'};
			long r = sys_call(backend, work, sizeof(work), tmp, sizeof(tmp));
			if (r != 2 || memcmp(tmp, "ok", 2))
				fail("server", "call to the backend", r < 0 ? r : -SHOJI_EINVAL);
		}
		int len = snprintf(reply, sizeof(reply), "%ld %ld %.*s", n, from, (int)n, msg);
		if (served == 2) {
			long r = sys_send(from, reply, (size_t)len);
			if (r < 0)
				fail("server", "send", r);
			break;
		}
		first = from;
		n = sys_reply_recv(from, reply, (size_t)len, msg, sizeof(msg), &from);
	}
	struct shoji_stats s1 = stats();
	unsigned long fast = s1.ipc_fast - s0.ipc_fast;
	if (s1.timer_ticks != s0.timer_ticks)
		printf("replyrecv server: a timer tick came in, paths not checked\n");
	else if (fast != 4)
		printf("replyrecv server: %lu fast deliveries, want 4\n", fast);
	else
		printf("replyrecv server: paths as expected (first caller %ld)\n", first);
	return 0;
}

static int backend(void)
{
	char msg[MSG_MAX];
	long from = 0;
	long n = sys_recv(0, msg, sizeof(msg), &from);
	if (n < 0)
		fail("backend", "receive", n);
	sys_yield(); /* the other client calls the server now */
	char ok[2] = {'o', 'k'};
	long r = sys_send(from, ok, sizeof(ok));
	return r == 2 ? 0 : 1;
}

static int client(long srv, const char *m)
{
	char msg[MSG_MAX], reply[MSG_MAX];
	size_t len = strlen(m) < sizeof(msg) ? strlen(m) : sizeof(msg);
	memcpy(msg, m, len);
	long n = sys_call(srv, msg, len, reply, sizeof(reply));
	if (n < 0)
		fail("client", "call", n);
	printf("replyrecv client %ld: got \"%.*s\"\n", sys_getpid(), (int)n, reply);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long id;

	if (argc == 3 && strcmp(argv[1], "server") == 0 && parse_ulong(argv[2], 10, &id) == 0)
		return server((long)id);
	if (argc == 2 && strcmp(argv[1], "backend") == 0)
		return backend();
	if (argc == 4 && strcmp(argv[1], "client") == 0 && parse_ulong(argv[2], 10, &id) == 0)
		return client((long)id, argv[3]);
	printf("usage: replyrecv server BACKEND_ID | replyrecv backend | "
	       "replyrecv client SERVER_ID MESSAGE\n");
	return 2;
}
