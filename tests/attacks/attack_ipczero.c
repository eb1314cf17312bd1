/* attack_ipczero: a client's hostile zero-length buffer makes a server's IPC fail. */
#include "attack.h"

/*
 * usage: attack_ipczero server CLIENTS | client SERVER WHAT
 *
 * The kernel checks every pointer when a call comes in, but a range of
 * length 0 passes uaccess_check() wherever it points (uaccess.c: "!len"
 * comes first), while the copy between two tasks (copy_task_to_task())
 * insists that even an empty range lie in its owner's windows.  So a
 * zero-length buffer at a hostile address is accepted from its owner,
 * and refused later, in the middle of the PARTNER's system call, which
 * then fails with EFAULT although every pointer the partner gave is good:
 * a client can make a server's reply_recv fail (and leave it out of its
 * receive), or a server a client's send.  The secure outcome: the owner of
 * the bad pointer gets EFAULT before it blocks (or an empty message works
 * on both sides), and the partner's call never fails for it.
 *
 *   server CLIENTS  receives, and answers each message with reply_recv of
 *                   "ok" until it has seen CLIENTS "bye" messages; prints
 *                   every failure of its own calls ("ipczero server: ...")
 *   client SERVER WHAT
 *     rbuf    call(SERVER, "hi", 2, rbuf = the kernel image, rcap 0): the
 *             reply cannot fit anywhere, and nothing needs to be copied
 *     msg     send(SERVER, msg = the kernel image, len 0)
 *   then it sends "bye" and exits 0.
 *
 * Each client prints what its hostile call returned; the server must
 * never print EFAULT: its own pointers are all on its stack.
 */

#define NAME "ipczero"

static int server(long clients)
{
	char buf[64];
	long from = 0, n, byes = 0;

	n = sys_recv(0, buf, sizeof(buf), &from);
	while (byes < clients) {
		if (n < 0) {
			printf(NAME " server: receive failed: %s\n", sys_errname(n));
			n = sys_recv(0, buf, sizeof(buf), &from);
			continue;
		}
		if (n == 3 && !memcmp(buf, "bye", 3)) {
			byes++;
			printf(NAME " server: task %ld said bye\n", from);
			if (byes == clients)
				break;
			n = sys_recv(0, buf, sizeof(buf), &from);
			continue;
		}
		long to = from;
		printf(NAME " server: %ld bytes from task %ld, replying\n", n, to);
		n = sys_reply_recv(to, "ok", 2, buf, sizeof(buf), &from);
		if (n == -SHOJI_EFAULT) {
			printf(NAME " server: reply_recv to task %ld failed: EFAULT (all its own "
				    "pointers are good)\n",
			       to);
			n = sys_recv(0, buf, sizeof(buf), &from);
		} else if (n == -SHOJI_EAGAIN) { /* a send, not a call: no reply wanted */
			n = sys_recv(0, buf, sizeof(buf), &from);
		}
	}
	printf(NAME " server: done\n");
	return 0;
}

static int client(long srv, const char *what)
{
	long r;
	if (!strcmp(what, "rbuf")) {
		printf("ATTACK ipczero-rbuf: call with a zero-length reply buffer at %#lx\n",
		       KERNEL_IMAGE_ADDR);
		r = sys_call(srv, "hi", 2, (void *)KERNEL_IMAGE_ADDR, 0);
	} else if (!strcmp(what, "msg")) {
		printf("ATTACK ipczero-msg: send of a zero-length message at %#lx\n",
		       KERNEL_IMAGE_ADDR);
		r = sys_send(srv, (void *)KERNEL_IMAGE_ADDR, 0);
	} else {
		printf(NAME ": unknown attack %s\n", what);
		return 1;
	}
	printf(NAME " client: %s returned %ld (%s)\n", what, r, r < 0 ? sys_errname(r) : "ok");
	r = sys_send(srv, "bye", 3);
	return r == 3 ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long v = 0;
	if (argc == 3 && !strcmp(argv[1], "server") && !parse_ulong(argv[2], 10, &v))
		return server((long)v);
	if (argc == 4 && !strcmp(argv[1], "client") && !parse_ulong(argv[2], 10, &v))
		return client((long)v, argv[3]);
	printf(NAME ": usage: attack_ipczero server CLIENTS | client SERVER rbuf|msg\n");
	return 1;
}
