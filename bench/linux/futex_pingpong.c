/* futex_pingpong: Linux baseline, FUTEX_WAIT/FUTEX_WAKE round trips of two tasks on one CPU or two.
 */
#include "futex_turn.h"
#include "pingpong.h"

/*
 * usage: futex_pingpong process|thread N [xcpu]
 *
 * One 32-bit word says whose turn it is (0 client, 1 server, 2 stop); each
 * side sets it for the other, wakes it, and waits while the word still
 * says "other".  Between processes the word lives in a MAP_SHARED page and
 * the futex is shared; between threads it is FUTEX_PRIVATE_FLAG.  Both
 * sides pinned to one CPU.  One RESULT line "ipc_roundtrip", variant
 * "futex"; the system calls per round trip are counted as made.  xcpu:
 * the two sides on two CPUs, "ipc_roundtrip_xcpu" (pingpong.h).
 */

#define USAGE "futex_pingpong process|thread N [xcpu]"

struct ctx {
	struct pingpong pp;
	uint32_t turn;
	int priv; /* FUTEX_PRIVATE_FLAG or 0 */
};

static void *server(void *arg)
{
	struct ctx *c = arg;
	struct pingpong_tally t = {0};
	uint64_t calls = 0;

	for (;;) {
		calls += wait_while(&c->turn, 0, c->priv);
		if (__atomic_load_n(&c->turn, __ATOMIC_ACQUIRE) == 2)
			break;
		__atomic_store_n(&c->turn, 0, __ATOMIC_RELEASE);
		futex(&c->turn, FUTEX_WAKE, 1, c->priv);
		calls++;
		pingpong_tally(&c->pp, &t, calls);
	}
	return NULL;
}

static uint64_t round_trip(void *arg, uint64_t i)
{
	struct ctx *c = arg;

	__atomic_store_n(&c->turn, 1, __ATOMIC_RELEASE);
	futex(&c->turn, FUTEX_WAKE, 1, c->priv);
	return 1 + wait_while(&c->turn, 1, c->priv);
}

static void stop(void *arg)
{
	struct ctx *c = arg;

	__atomic_store_n(&c->turn, 2, __ATOMIC_RELEASE);
	futex(&c->turn, FUTEX_WAKE, 1, c->priv);
}

int main(int argc, char **argv)
{
	struct ctx *c = pingpong_init(argc, argv, USAGE, sizeof(*c), 1);

	c->priv = c->pp.threads ? FUTEX_PRIVATE_FLAG : 0;
	pingpong_start(&c->pp, server);
	return pingpong_measure(&c->pp, "ipc_roundtrip", "futex", round_trip, stop);
}
