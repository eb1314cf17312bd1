/* attack_race: a partner on another CPU ends or unmaps its buffer while IPC is in flight. */
#include "attack.h"

/*
 * usage: attack_race exiter PEER SPINS
 *        attack_race unmapper PEER ROUNDS
 *        attack_race sender|caller PEER
 *
 * Run with the two roles pinned to different CPUs, so every message is
 * the general path's across CPUs (docs/architecture.md, "Several CPUs").
 * The exiter takes one message from PEER, yields SPINS times (the
 * sender's next message meanwhile blocks on it: sending, or waiting for
 * the reply to its call) and exits without a word.  The unmapper takes
 * ROUNDS messages, each into a heap page mapped for it and unmapped
 * right after, then unmaps its buffer and receives into it (EFAULT,
 * before it blocks), and exits.  The sender sends (the caller calls) from
 * a heap page it maps for each message and unmaps after, until a call
 * fails: it must fail with ESRCH once its partner is gone, however the
 * race went.  No panic, nothing left blocked, the audit clean.
 */

#define PAGE 4096UL
#define RW (SHOJI_PROT_READ | SHOJI_PROT_WRITE)
#define MSG "race message"

static int exiter(long peer, unsigned long spins)
{
	char buf[32];
	long n = sys_recv(peer, buf, sizeof(buf), 0);
	printf("race exiter: first message: %ld\n", n);
	for (unsigned long i = 0; i < spins; i++)
		sys_yield();
	printf("race exiter: exiting with task %ld still at it\n", peer);
	return n == (long)sizeof(MSG) - 1 ? 0 : 1;
}

static int unmapper(long peer, unsigned long rounds)
{
	for (unsigned long i = 0; i < rounds; i++) {
		long m = sys_map(PAGE, RW);
		if (m < 0) {
			printf("race unmapper: map: %s\n", sys_errname(m));
			return 1;
		}
		long n = sys_recv(peer, (void *)m, PAGE, 0);
		if (n != (long)sizeof(MSG) - 1 || memcmp((void *)m, MSG, sizeof(MSG) - 1)) {
			printf("race unmapper: unexpected message %lu: %ld\n", i, n);
			return 1;
		}
		long u = sys_unmap((void *)m, PAGE);
		if (u) {
			printf("race unmapper: unmap: %s\n", sys_errname(u));
			return 1;
		}
	}
	long m = sys_map(PAGE, RW);
	long u = m < 0 ? m : sys_unmap((void *)m, PAGE);
	long n = u ? u : sys_recv(peer, (void *)m, PAGE, 0);
	printf("race unmapper: %lu messages, then a receive into its unmapped buffer: %s\n", rounds,
	       n < 0 ? sys_errname(n) : "delivered");
	return n == -SHOJI_EFAULT ? 0 : 1;
}

static int sender(long peer, int call)
{
	const char *who = call ? "caller" : "sender";
	unsigned long sent = 0;
	char reply[32];
	for (;;) {
		long m = sys_map(PAGE, RW);
		if (m < 0) {
			printf("race %s: map: %s\n", who, sys_errname(m));
			return 1;
		}
		memcpy((void *)m, MSG, sizeof(MSG) - 1);
		long n = call ? sys_call(peer, (void *)m, sizeof(MSG) - 1, reply, sizeof(reply))
			      : sys_send(peer, (void *)m, sizeof(MSG) - 1);
		long u = sys_unmap((void *)m, PAGE);
		if (u) {
			printf("race %s: unmap: %s\n", who, sys_errname(u));
			return 1;
		}
		if (n < 0) {
			printf("race %s: %lu sent, then %s\n", who, sent, sys_errname(n));
			return n == -SHOJI_ESRCH ? 0 : 1;
		}
		sent++;
	}
}

int main(int argc, char **argv)
{
	long peer;
	unsigned long count = 0;
	if (argc < 3 || attack_parse_id(argv[2], &peer) < 0 ||
	    (argc > 3 && parse_ulong(argv[3], 10, &count) < 0)) {
		printf("attack_race: usage: attack_race exiter|unmapper|sender|caller PEER [N]\n");
		return 2;
	}
	printf("ATTACK race-%s: trying task %ld on another CPU\n", argv[1], peer);
	if (!strcmp(argv[1], "exiter"))
		return exiter(peer, count);
	if (!strcmp(argv[1], "unmapper"))
		return unmapper(peer, count);
	return sender(peer, !strcmp(argv[1], "caller"));
}
