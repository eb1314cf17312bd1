/* victim: keeps secrets in its data, stack and heap, says where, and checks them at the end. */
#include <stdbool.h>

#include "attack.h"

/*
 * usage: victim [N]       (N > 0, default 1: the number of attackers)
 *
 * Puts a SECRET_LEN-byte secret in its writable data, on its stack and in
 * a sys_map() page, then serves N address requests (VICTIM_ASK, from any
 * task) with a struct victim_addrs.  Then it waits for each task it served,
 * by id: a killed attacker ends the wait with ESRCH ("victim: task T is
 * gone"), one that survived sends VICTIM_DONE ("victim: task T is done").
 * Only then, with every attacker finished, it compares the secrets with
 * their original values:
 *   "victim: secrets intact"                      exit 0
 *   "victim: secret CHANGED (<where>): <bytes>"   exit 1, one per secret
 * A failed system call prints its name and error and exits 1.
 */

#define MAX_ATTACKERS 32
#define MSG_MAX 64

static const char data_want[] = "data-secret-D4t4";
static const char stack_want[] = "stak-secret-5t4k";
static const char heap_want[] = "heap-secret-H34p";
_Static_assert(sizeof(data_want) == SECRET_LEN + 1, "secret length");
_Static_assert(sizeof(stack_want) == SECRET_LEN + 1, "secret length");
_Static_assert(sizeof(heap_want) == SECRET_LEN + 1, "secret length");

/* Writable, so that a write attack meets the key and not a read-only page. */
static char data_secret[SECRET_LEN] __attribute__((aligned(16))) = "data-secret-D4t4";

/* The victim's own code, published: an attacker that calls it runs it
 * with its own PKRU, so the load of the secret must fault. */
static __attribute__((noinline)) uint64_t victim_peek(void)
{
	return *(const volatile uint64_t *)(uintptr_t)data_secret;
}

static _Noreturn void fail(const char *call, long err)
{
	printf("victim: %s failed: %s (%ld)\n", call, sys_errname(err), -err);
	sys_exit(1);
}

/* The tasks served, in order, and whether each has said VICTIM_DONE. */
static long who[MAX_ATTACKERS];
static bool done[MAX_ATTACKERS];
static unsigned long nwho;

static bool is_msg(const char *msg, long len, const char *want)
{
	return len == (long)strlen(want) && !memcmp(msg, want, (size_t)len);
}

/* Marks task @id done; false when it was never served. */
static bool mark_done(long id)
{
	for (unsigned long i = 0; i < nwho; i++) {
		if (who[i] == id && !done[i]) {
			done[i] = true;
			printf("victim: task %ld is done\n", id);
			return true;
		}
	}
	return false;
}

/* Serves @n address requests.  An attacker that survives may say done
 * before the others have asked: that is noted, not counted. */
static void serve(unsigned long n, const struct victim_addrs *a)
{
	char msg[MSG_MAX];

	while (nwho < n) {
		long from = 0;
		long len = sys_recv(0, msg, sizeof(msg), &from);
		if (len < 0)
			fail("recv", len);
		if (is_msg(msg, len, VICTIM_DONE) && mark_done(from))
			continue;
		if (!is_msg(msg, len, VICTIM_ASK)) {
			printf("victim: unexpected message from task %ld: \"%.*s\"\n", from,
			       (int)len, msg);
			continue;
		}
		long r = sys_send(from, a, sizeof(*a));
		if (r < 0)
			printf("victim: reply to task %ld failed: %s\n", from, sys_errname(r));
		who[nwho++] = from;
	}
}

/* Waits until the @i-th task served is gone or says it is done. */
static void wait_for(unsigned long i)
{
	char msg[MSG_MAX];

	while (!done[i]) {
		long len = sys_recv(who[i], msg, sizeof(msg), NULL);
		if (len == -SHOJI_ESRCH) {
			printf("victim: task %ld is gone\n", who[i]);
			return;
		}
		if (len < 0)
			fail("recv", len);
		if (is_msg(msg, len, VICTIM_DONE) && mark_done(who[i]))
			return;
		printf("victim: unexpected message from task %ld: \"%.*s\"\n", who[i], (int)len,
		       msg);
	}
}

/* Compares one secret; prints and returns 1 when it changed. */
static int changed(const char *where, const volatile char *got, const char *want)
{
	char now[SECRET_LEN];

	for (int i = 0; i < SECRET_LEN; i++)
		now[i] = got[i];
	if (!memcmp(now, want, SECRET_LEN))
		return 0;
	printf("victim: secret CHANGED (%s): \"%.*s\", was \"%s\"\n", where, SECRET_LEN, now, want);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long n = 1;
	volatile char stack_secret[SECRET_LEN];

	if (argc > 2 ||
	    (argc == 2 && (parse_ulong(argv[1], 10, &n) < 0 || n == 0 || n > MAX_ATTACKERS))) {
		printf("victim: usage: victim [N] (N attackers, 1 to %d)\n", MAX_ATTACKERS);
		return 1;
	}

	long heap = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	if (heap <= 0) { /* 0 is no mapping either: heap windows start at 4 GiB */
		printf("victim: map failed: %s (%ld)\n", sys_errname(heap), -heap);
		return 1;
	}
	for (int i = 0; i < SECRET_LEN; i++) {
		stack_secret[i] = stack_want[i];
		((volatile char *)heap)[i] = heap_want[i];
	}
	struct victim_addrs a = {
	    .data = (uintptr_t)data_secret,
	    .stack = (uintptr_t)stack_secret,
	    .heap = (uintptr_t)heap,
	    .code = (uintptr_t)victim_peek,
	};
	printf("victim: task %ld, data at %#lx, stack at %#lx, heap at %#lx, code at %#lx; "
	       "serving %lu\n",
	       sys_getpid(), (unsigned long)a.data, (unsigned long)a.stack, (unsigned long)a.heap,
	       (unsigned long)a.code, n);

	serve(n, &a);
	for (unsigned long i = 0; i < n; i++)
		wait_for(i);

	int bad = changed("data", data_secret, data_want) +
		  changed("stack", stack_secret, stack_want) +
		  changed("heap", (const volatile char *)heap, heap_want);
	if (bad)
		return 1;
	/* The victim's own call of victim_peek() works: only others fault. */
	if (victim_peek() == 0) {
		printf("victim: victim_peek() read nothing\n");
		return 1;
	}
	printf("victim: secrets intact\n");
	return 0;
}
