/* pipe_pingpong: Linux baseline, 8-byte round trips over two pipes, two tasks on one CPU. */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "common.h"

/*
 * usage: pipe_pingpong process|thread N
 *
 * Both sides pinned to one CPU (common.h, pin_one_cpu), so every round
 * trip is two context switches, as between two guest tasks.  The client
 * writes 8 bytes, the server reads them and writes them back; N/10 (at
 * least 10) warm-up round trips, then N measured.  One RESULT line
 * "ipc_roundtrip", variant "pipe": per round trip four system calls
 * (write and read on each side) and the context switches of both sides.
 */

#define USAGE "pipe_pingpong process|thread N"

struct ctx {
	int to_srv[2], to_cli[2];
	uint64_t warm, n;
	int who;	       /* RUSAGE_SELF (process) or RUSAGE_THREAD */
	uint64_t srv_switches; /* the server's, over the measured round trips */
};

static void *server(void *arg)
{
	struct ctx *c = arg;
	uint64_t v, count = 0, s0 = 0;

	while (read(c->to_srv[0], &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		if (write(c->to_cli[1], &v, sizeof(v)) != (ssize_t)sizeof(v))
			die("pipe_pingpong server", "write");
		count++;
		if (count == c->warm)
			s0 = switches(c->who);
		if (count == c->warm + c->n)
			c->srv_switches = switches(c->who) - s0;
	}
	return NULL;
}

static void round_trip(struct ctx *c, uint64_t i)
{
	uint64_t v = i;
	if (write(c->to_srv[1], &v, sizeof(v)) != (ssize_t)sizeof(v) ||
	    read(c->to_cli[0], &v, sizeof(v)) != (ssize_t)sizeof(v) || v != i)
		die("pipe_pingpong client", "round trip");
}

int main(int argc, char **argv)
{
	int threads;
	if (argc != 3) {
		fprintf(stderr, "usage: %s\n", USAGE);
		return 2;
	}
	const char *mode = arg_mode(argv, 1, &threads, USAGE);
	uint64_t n = arg_count(argv, 2, USAGE);
	/* Shared with a forked server: it reports its switches here. */
	struct ctx *c =
	    mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		die(argv[0], "mmap");
	c->warm = warmup_for(n);
	c->n = n;
	c->who = threads ? RUSAGE_THREAD : RUSAGE_SELF;
	if (pipe(c->to_srv) || pipe(c->to_cli))
		die(argv[0], "pipe");
	pin_one_cpu(argv[0]);

	pthread_t th;
	pid_t pid = -1;
	if (threads) {
		if (pthread_create(&th, NULL, server, c))
			die(argv[0], "pthread_create");
	} else {
		pid = fork();
		if (pid < 0)
			die(argv[0], "fork");
		if (pid == 0) {
			close(c->to_srv[1]);
			close(c->to_cli[0]);
			server(c);
			_exit(0);
		}
		close(c->to_srv[0]);
		close(c->to_cli[1]);
	}

	struct mark a, b;
	for (uint64_t i = 0; i < c->warm; i++)
		round_trip(c, i);
	uint64_t s0 = switches(c->who);
	mark_begin(&a);
	for (uint64_t i = 0; i < n; i++)
		round_trip(c, i);
	mark_end(&b);
	uint64_t own = switches(c->who) - s0;

	close(c->to_srv[1]); /* EOF ends the server */
	if (threads)
		pthread_join(th, NULL);
	else
		waitpid(pid, NULL, 0);
	result("ipc_roundtrip", mode, "pipe", n, c->warm, (double)(b.tsc - a.tsc),
	       (double)(b.ns - a.ns), (double)(own + c->srv_switches), 4.0 * n, -1, NULL);
	return 0;
}
