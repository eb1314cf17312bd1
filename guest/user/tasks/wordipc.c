/* wordipc: word messages (sys_call_w, sys_reply_recv_w), alone and mixed with buffer messages. */
#include "user.h"

/*
 * usage: wordipc wserver QSENDER | wordipc bserver | wordipc client WSERVER BSERVER
 *        wordipc qsender WSERVER
 *
 * Run as tasks 1 wserver, 2 bserver, 3 client, 4 qsender.  The word server
 * takes its first message into a buffer, then serves on
 * sys_reply_recv_w(): each reply is answer(word, length) of what it
 * received.  The buffer server takes one message into a 4-byte buffer and
 * answers "ok", then one more ("bye").  The client goes through every
 * pairing and checks every result:
 *
 *   a  call_w to a buffer receive         the word's 8 bytes in a buffer
 *   b  call_w to a word receive           word to word both ways (fast)
 *   c  call of 12 bytes to a word receive its first 8 bytes
 *   d  call of 3 bytes to a word receive  zero-extended; reply to a buffer
 *   e  call_w to a 4-byte buffer          truncated to 4; "ok" as a word
 *   f  errors                             ESRCH, EDEADLK, EAGAIN
 *   g  call_w NEST: before its reply the word server wakes qsender, whose
 *      buffer call finds it busy and queues; the receive half of the
 *      server's next reply_recv_w takes it (a queued buffer message into
 *      a word), and qsender checks the word reply in its buffer
 *
 * Without a timer tick the schedule is fixed and the client checks that
 * the fast path delivered exactly the 3 word-to-word messages (a's reply,
 * b's call and reply): SYS_STATS.
 */

#define BYE 1ul
#define NEST 2ul

static _Noreturn void fail(const char *who, const char *what, long got, long want)
{
	printf("wordipc %s: %s: got %ld (%s), want %ld\n", who, what, got,
	       got < 0 ? sys_errname(got) : "-", want);
	sys_exit(1);
}

static unsigned long answer(unsigned long word, long n)
{
	return ~word ^ (unsigned long)n;
}

static int wserver(long qsender)
{
	unsigned char buf[64];
	unsigned long word = 0;
	long from = 0, n = sys_recv(0, buf, sizeof(buf), &from);

	if (n < 0)
		fail("wserver", "first receive", n, 8);
	memcpy(&word, buf, n < 8 ? (size_t)n : 8);
	for (;;) {
		printf("wordipc wserver: %ld bytes %#lx from %ld\n", n, word, from);
		if (word == BYE) {
			long r = sys_send(from, "", 0);
			return r < 0 ? 1 : 0;
		}
		if (word == NEST) {
			long r = sys_send(qsender, "go", 2);
			if (r != 2)
				fail("wserver", "send to qsender", r, 2);
		}
		n = sys_reply_recv_w(from, answer(word, n), &word, &from);
		if (n < 0)
			fail("wserver", "reply_recv_w", n, 0);
	}
}

static int bserver(void)
{
	char buf[4];
	long from = 0, n = sys_recv(0, buf, sizeof(buf), &from);

	if (n != 4)
		fail("bserver", "receive", n, 4);
	printf("wordipc bserver: %ld bytes %.4s from %ld\n", n, buf, from);
	long r = sys_send(from, "ok", 2);
	if (r != 2)
		fail("bserver", "send", r, 2);
	n = sys_recv(0, buf, sizeof(buf), &from); /* the bye */
	if (n < 0)
		fail("bserver", "second receive", n, 4);
	return sys_send(from, "", 0) < 0;
}

static int qsender(long ws)
{
	char buf[16];
	unsigned long x, w;
	long from = 0, n = sys_recv(0, buf, sizeof(buf), &from);

	if (n != 2)
		fail("qsender", "receive", n, 2);
	/* The word server is busy now (it has not replied NEST yet). */
	n = sys_call(ws, "queued!!", 8, buf, sizeof(buf));
	if (n != 8)
		fail("qsender", "call", n, 8);
	memcpy(&x, "queued!!", 8);
	memcpy(&w, buf, 8);
	if (w != answer(x, 8)) {
		printf("wordipc qsender: got %#lx, want %#lx\n", w, answer(x, 8));
		return 1;
	}
	printf("wordipc qsender: got the reply to a queued call\n");
	return 0;
}

static void expect(const char *what, long got, long want)
{
	if (got != want)
		fail("client", what, got, want);
}

static void expect_word(const char *what, unsigned long got, unsigned long want)
{
	if (got != want) {
		printf("wordipc client: %s: got %#lx, want %#lx\n", what, got, want);
		sys_exit(1);
	}
}

static int client(long ws, long bs)
{
	struct shoji_stats s0, s1;
	unsigned long w = 0, x = 0x1122334455667788ul;
	char rbuf[16];
	long from = 0;

	sys_stats(&s0);
	/* a: the wserver's first receive is into a buffer */
	expect("a: call_w", sys_call_w(ws, x, &w), 8);
	expect_word("a: reply", w, answer(x, 8));
	/* b: the wserver now waits in reply_recv_w */
	expect("b: call_w", sys_call_w(ws, 0x42, &w), 8);
	expect_word("b: reply", w, answer(0x42, 8));
	/* c, d: buffer calls to the word receive; its reply lands in a buffer */
	memset(rbuf, 0, sizeof(rbuf));
	expect("c: call", sys_call(ws, "abcdefghijkl", 12, rbuf, sizeof(rbuf)), 8);
	memcpy(&x, "abcdefgh", 8);
	memcpy(&w, rbuf, 8);
	expect_word("c: reply", w, answer(x, 8));
	expect("d: call", sys_call(ws, "xyz", 3, rbuf, 4), 4);
	x = 0;
	memcpy(&x, "xyz", 3);
	w = 0;
	memcpy(&w, rbuf, 4);
	expect_word("d: reply", w, answer(x, 3) & 0xffffffffu);
	/* e: a word to a 4-byte buffer; a 2-byte reply into the word */
	memcpy(&x, "wxyz0123", 8);
	expect("e: call_w", sys_call_w(bs, x, &w), 2);
	expect_word("e: reply", w, 'o' | 'k' << 8);
	sys_stats(&s1);
	/* f: refused before anything moves */
	expect("f: call_w to nobody", sys_call_w(99, 0, &w), -SHOJI_ESRCH);
	expect("f: call_w to itself", sys_call_w(sys_getpid(), 0, &w), -SHOJI_EDEADLK);
	/* The bserver is runnable, not waiting for us: a reply never waits. */
	expect("f: reply_recv_w to a task not waiting", sys_reply_recv_w(bs, 0, &w, &from),
	       -SHOJI_EAGAIN);
	/* g: the wserver takes qsender's queued call after this reply */
	expect("g: call_w", sys_call_w(ws, NEST, &w), 8);
	expect_word("g: reply", w, answer(NEST, 8));
	expect("bye to bserver", sys_call_w(bs, BYE, &w), 0);
	expect("bye to wserver", sys_call_w(ws, BYE, &w), 0);

	unsigned long fast = s1.ipc_fast - s0.ipc_fast;
	if (s1.timer_ticks != s0.timer_ticks)
		printf("wordipc client: all ok (a timer tick came in, paths not checked)\n");
	else if (fast != 3)
		fail("client", "fast deliveries", (long)fast, 3);
	else
		printf("wordipc client: all ok, 3 fast\n");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long ws, bs, qs;

	if (argc == 3 && strcmp(argv[1], "wserver") == 0 && parse_ulong(argv[2], 10, &qs) == 0)
		return wserver((long)qs);
	if (argc == 3 && strcmp(argv[1], "qsender") == 0 && parse_ulong(argv[2], 10, &ws) == 0)
		return qsender((long)ws);
	if (argc == 2 && strcmp(argv[1], "bserver") == 0)
		return bserver();
	if (argc == 4 && strcmp(argv[1], "client") == 0 && parse_ulong(argv[2], 10, &ws) == 0 &&
	    parse_ulong(argv[3], 10, &bs) == 0)
		return client((long)ws, (long)bs);
	printf(
	    "usage: wordipc wserver QSENDER | wordipc bserver | wordipc client WSERVER BSERVER | "
	    "wordipc qsender WSERVER\n");
	return 2;
}
