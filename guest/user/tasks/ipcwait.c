/* ipcwait: yields, waits to receive from one task, expects it to die (ESRCH), yields again. */
#include "user.h"

/*
 * usage: ipcwait PEER [BEFORE [AFTER]]
 *
 * Yields BEFORE times (default 0), then receives from task PEER by name,
 * which must fail with ESRCH (PEER dies while it waits: the deadlock
 * resolver kills it), prints "ipcwait: task ID: recv from PEER: ESRCH",
 * yields AFTER times (default 0) and exits 0.  Anything else prints what
 * came back and exits 1.  With the yields, a test can choose which task
 * blocks last and so is the one running when the kernel finds the
 * deadlock (tests/guest/cases/deadlock-wake-current.case).
 */
static int arg(int argc, char **argv, int i, unsigned long *v)
{
	*v = 0;
	return i >= argc ? 0 : parse_ulong(argv[i], 10, v);
}

int main(int argc, char **argv)
{
	unsigned long peer, before, after;
	char buf[8];

	if (argc < 2 || argc > 4 || arg(argc, argv, 1, &peer) < 0 || !peer ||
	    arg(argc, argv, 2, &before) < 0 || arg(argc, argv, 3, &after) < 0) {
		printf("ipcwait: usage: ipcwait PEER [BEFORE [AFTER]]\n");
		return 1;
	}
	for (unsigned long i = 0; i < before; i++)
		sys_yield();
	long rc = sys_recv(peer, buf, sizeof(buf), 0);
	printf("ipcwait: task %ld: recv from %lu: %s\n", sys_getpid(), peer,
	       rc < 0 ? sys_errname(rc) : "a message");
	for (unsigned long i = 0; i < after; i++)
		sys_yield();
	return rc == -SHOJI_ESRCH ? 0 : 1;
}
