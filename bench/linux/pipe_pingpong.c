/* pipe_pingpong: Linux baseline, 8-byte round trips over two pipes, two tasks on one CPU or two. */
#include "pingpong.h"

/*
 * usage: pipe_pingpong process|thread N [xcpu]
 *
 * Both sides pinned to one CPU (pingpong.h), so every round trip is two
 * context switches, as between two guest tasks.  The client writes 8
 * bytes, the server reads them and writes them back; N/10 (at least 10)
 * warm-up round trips, then N measured.  One RESULT line
 * "ipc_roundtrip", variant "pipe": per round trip four system calls
 * (write and read on each side) and the context switches of both sides.
 * xcpu: the two sides on two CPUs, "ipc_roundtrip_xcpu" (pingpong.h).
 */

#define USAGE "pipe_pingpong process|thread N [xcpu]"

struct ctx {
	struct pingpong pp;
	int to_srv[2], to_cli[2];
};

static void *server(void *arg)
{
	struct ctx *c = arg;
	struct pingpong_tally t = {0};
	uint64_t v, calls = 0;

	if (!c->pp.threads) { /* forked: the client's ends are the parent's */
		close(c->to_srv[1]);
		close(c->to_cli[0]);
	}
	while (read(c->to_srv[0], &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		if (write(c->to_cli[1], &v, sizeof(v)) != (ssize_t)sizeof(v))
			die("pipe_pingpong server", "write");
		calls += 2;
		pingpong_tally(&c->pp, &t, calls);
	}
	return NULL;
}

static uint64_t round_trip(void *arg, uint64_t i)
{
	struct ctx *c = arg;
	uint64_t v = i;

	if (write(c->to_srv[1], &v, sizeof(v)) != (ssize_t)sizeof(v) ||
	    read(c->to_cli[0], &v, sizeof(v)) != (ssize_t)sizeof(v) || v != i)
		die("pipe_pingpong client", "round trip");
	return 2;
}

static void stop(void *arg)
{
	struct ctx *c = arg;

	close(c->to_srv[1]); /* EOF ends the server */
}

int main(int argc, char **argv)
{
	struct ctx *c = pingpong_init(argc, argv, USAGE, sizeof(*c), 1);

	if (pipe(c->to_srv) || pipe(c->to_cli))
		die(argv[0], "pipe");
	pingpong_start(&c->pp, server);
	if (!c->pp.threads) { /* the server's ends are the child's */
		close(c->to_srv[0]);
		close(c->to_cli[1]);
	}
	return pingpong_measure(&c->pp, "ipc_roundtrip", "pipe", round_trip, stop);
}
