/* unix_pingpong: Linux baseline, 8-byte round trips over a UNIX socketpair on one CPU or two. */
#include <sys/socket.h>

#include "pingpong.h"

/*
 * usage: unix_pingpong process|thread N [xcpu]
 *
 * One AF_UNIX SOCK_STREAM socketpair; both sides pinned to one CPU
 * (pingpong.h).  The client sends 8 bytes on its end, the server receives
 * them on the other and sends them back; N/10 (at least 10) warm-up round
 * trips, then N measured.  One RESULT line "ipc_roundtrip", variant
 * "unix": per round trip four system calls (write and read on each side),
 * two copies each way (into the socket buffer and out of it) and the
 * context switches of both sides.  xcpu: the two sides on two CPUs,
 * "ipc_roundtrip_xcpu" (pingpong.h).
 */

#define USAGE "unix_pingpong process|thread N [xcpu]"

struct ctx {
	struct pingpong pp;
	int sv[2]; /* [0] the client's end, [1] the server's */
};

static void *server(void *arg)
{
	struct ctx *c = arg;
	struct pingpong_tally t = {0};
	uint64_t v, calls = 0;

	if (!c->pp.threads) /* forked: the client's end is the parent's */
		close(c->sv[0]);
	while (read(c->sv[1], &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		if (write(c->sv[1], &v, sizeof(v)) != (ssize_t)sizeof(v))
			die("unix_pingpong server", "write");
		calls += 2;
		pingpong_tally(&c->pp, &t, calls);
	}
	return NULL;
}

static uint64_t round_trip(void *arg, uint64_t i)
{
	struct ctx *c = arg;
	uint64_t v = i;

	if (write(c->sv[0], &v, sizeof(v)) != (ssize_t)sizeof(v) ||
	    read(c->sv[0], &v, sizeof(v)) != (ssize_t)sizeof(v) || v != i)
		die("unix_pingpong client", "round trip");
	return 2;
}

static void stop(void *arg)
{
	struct ctx *c = arg;

	shutdown(c->sv[0], SHUT_WR); /* EOF ends the server */
}

int main(int argc, char **argv)
{
	struct ctx *c = pingpong_init(argc, argv, USAGE, sizeof(*c), 1);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, c->sv))
		die(argv[0], "socketpair");
	pingpong_start(&c->pp, server);
	if (!c->pp.threads) /* the server's end is the child's */
		close(c->sv[1]);
	return pingpong_measure(&c->pp, "ipc_roundtrip", "unix", round_trip, stop);
}
