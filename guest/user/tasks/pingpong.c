/* pingpong: IPC round trips, a server answering "ping <i>" with "pong <i>", a client timing it. */
#include "user.h"

/*
 * usage: pingpong server
 *        pingpong client [N [SERVER_ID]]   (N default 1000; SERVER_ID
 *                                           default: own id - 1, i.e. the
 *                                           server was started just before)
 *
 * The client makes N sys_call()s with "ping <i>" and checks that each reply
 * is exactly "pong <i>", then prints the mean round-trip time from
 * sys_clock() and ends the server with "bye".  The server receives from any
 * task and answers with sys_send() to the sender, so one server can serve
 * clients one after another; it exits after the first "bye".
 *
 * A failed system call prints its name and error number and exits 1.
 */

#define MSG_MAX 64

/* Prints which call failed and how, and ends the task. */
static _Noreturn void fail(const char *who, const char *call, long dest, long err)
{
	printf("pingpong %s: %s to task %ld failed: %s (%ld)\n", who, call, dest, sys_errname(err),
	       -err);
	sys_exit(1);
}

static int is_msg(const char *buf, long len, const char *want)
{
	return len == (long)strlen(want) && memcmp(buf, want, (size_t)len) == 0;
}

static int server(void)
{
	char msg[MSG_MAX], reply[MSG_MAX];
	unsigned long served = 0;

	for (;;) {
		long from = 0;
		long n = sys_recv(0, msg, sizeof(msg), &from);

		if (n < 0)
			fail("server", "recv", 0, n);
		if (is_msg(msg, n, "bye")) {
			long r = sys_send(from, "bye", 3);
			if (r < 0)
				fail("server", "send", from, r);
			printf("pingpong server: served %lu round trips\n", served);
			return 0;
		}

		long rlen;
		if (n > 5 && memcmp(msg, "ping ", 5) == 0) {
			/* "ping <i>" -> "pong <i>": same length, same number */
			memcpy(reply, msg, (size_t)n);
			memcpy(reply, "pong", 4);
			rlen = n;
			served++;
		} else {
			/* Answer anyway, so a confused client is not left
			 * blocked; it will report the mismatch. */
			printf("pingpong server: unexpected message from task %ld: \"%.*s\"\n",
			       from, (int)n, msg);
			rlen = snprintf(reply, sizeof(reply), "what?");
		}
		long r = sys_send(from, reply, (size_t)rlen);
		if (r < 0)
			fail("server", "send", from, r);
	}
}

static int client(unsigned long rounds, long srv)
{
	char msg[MSG_MAX], want[MSG_MAX], reply[MSG_MAX];
	struct shoji_stats s0, s1;
	sys_stats(&s0);
	long start = sys_clock();

	for (unsigned long i = 0; i < rounds; i++) {
		int len = snprintf(msg, sizeof(msg), "ping %lu", i);
		long n = sys_call(srv, msg, (size_t)len, reply, sizeof(reply));

		if (n < 0)
			fail("client", "call", srv, n);
		snprintf(want, sizeof(want), "pong %lu", i);
		if (!is_msg(reply, n, want)) {
			printf("pingpong client: round trip %lu: got \"%.*s\", want \"%s\"\n", i,
			       (int)n, reply, want);
			/* Still end the server, so the machine can finish. */
			sys_call(srv, "bye", 3, reply, sizeof(reply));
			return 1;
		}
	}
	long elapsed = sys_clock() - start;
	sys_stats(&s1);

	printf("pingpong client: %lu round trips ok, %lu ns per round trip\n", rounds,
	       (unsigned long)elapsed / rounds);
	/* What the round trips cost in privileged events, in all (a timer
	 * tick can add a switch of its own). */
	printf("pingpong client: events: %llu task switches, %llu CR3 writes, %llu WRPKRU, "
	       "%llu timer ticks, %llu messages by the IPC fast path\n",
	       s1.task_switches - s0.task_switches, s1.cr3_writes - s0.cr3_writes,
	       s1.wrpkru - s0.wrpkru, s1.timer_ticks - s0.timer_ticks, s1.ipc_fast - s0.ipc_fast);

	long n = sys_call(srv, "bye", 3, reply, sizeof(reply));
	if (n < 0)
		fail("client", "call", srv, n);
	if (!is_msg(reply, n, "bye")) {
		printf("pingpong client: got \"%.*s\" in answer to bye, want \"bye\"\n", (int)n,
		       reply);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "server") == 0)
		return server();

	if (argc >= 2 && argc <= 4 && strcmp(argv[1], "client") == 0) {
		unsigned long rounds = 1000;
		unsigned long srv = (unsigned long)(sys_getpid() - 1);

		if ((argc < 3 || parse_ulong(argv[2], 10, &rounds) == 0) &&
		    (argc < 4 || parse_ulong(argv[3], 10, &srv) == 0) && rounds > 0)
			return client(rounds, (long)srv);
	}
	printf("pingpong: usage: pingpong server | pingpong client [N [SERVER_ID]] (N > 0)\n");
	return 1;
}
