/* pairs_pingpong: Linux baseline, M independent ping-pong pairs on N CPUs: round trips per unit of
 * time. */
#include <limits.h>
#include <sys/mman.h>

#include "common.h"
#include "futex_turn.h"

/*
 * usage: pairs_pingpong pipe|futex process|thread NCPUS PAIRS N
 *
 * PAIRS pairs of a client and a server, two processes (fork) or two
 * threads each (thread: every task a thread of one process), hand 8 bytes
 * back and forth over two pipes, or a turn word over FUTEX_WAKE and
 * FUTEX_WAIT, as pipe_pingpong and futex_pingpong do.  Pair k runs on CPU
 * k mod NCPUS of the lowest NCPUS the process may use (usable_cpus: CPUs
 * 0 to NCPUS - 1 where it may use all), both its sides on that one CPU,
 * so that the pairs share no CPU's hand-overs: each round trip is two
 * context switches on one CPU, and pairs interfere only through the
 * kernel's shared state and, where PAIRS > NCPUS, by sharing a CPU.
 *
 * Each client makes N/10 (at least 10) warm-up round trips and waits;
 * when every client has, the coordinator (main, on the first CPU, asleep
 * meanwhile) reads the clock (mark_begin), lets all go, and reads it again
 * (mark_end) when the last client has made its N measured round trips.
 * One RESULT line "ipc_pairs", variant "MECH-NNCPUS-MPAIRS" (futex-N2-M4),
 * with "cpus", "pairs" and "pinned": the clock per round trip over all
 * PAIRS x N of them (the inverse of the throughput), the context switches
 * and system calls of every task over its measured round trips.  Where the
 * process may use fewer than NCPUS CPUs it prints a SKIP line saying so.
 */

#define USAGE "pairs_pingpong pipe|futex process|thread NCPUS PAIRS N"
#define MAX_CPUS 64
#define MAX_PAIRS 64
#define PIPE_STOP UINT64_MAX /* the client's last message on a pipe */

enum { TURN_CLIENT, TURN_SERVER, TURN_STOP }; /* a futex pair's turn word */

struct ctx;

/* One pair, a cache line or more of its own: pairs on other CPUs do not
 * share its lines. */
struct pair {
	struct ctx *c;
	int to_srv[2], to_cli[2];
	uint32_t turn;
	struct peer server, client;
} __attribute__((aligned(64)));

/* How a pair hands over: over two pipes or not, the client's round trip
 * (returns its system calls), the server's loop (returns when stopped),
 * the client's stop. */
struct mech {
	const char *name;
	int pipes;
	uint64_t (*round_trip)(struct pair *pr, uint64_t i);
	void *(*serve)(void *pr);
	void (*stop)(struct pair *pr);
};

/* The shared state: MAP_SHARED, so that forked tasks reach it too. */
struct ctx {
	const char *prog;
	const struct mech *mech;
	int threads, who, priv; /* priv: FUTEX_PRIVATE_FLAG between threads, else 0 */
	uint32_t pairs;
	uint64_t warm, n;
	uint32_t ready __attribute__((aligned(64))); /* clients done warming up */
	uint32_t go;				     /* 1: the measured round trips may start */
	uint32_t left;				     /* clients still measuring */
	uint64_t switches, calls; /* every task's, over its measured round trips */
	struct pair pair[MAX_PAIRS];
};

/* In a server, after each of its operations (@calls its system calls so
 * far): those of operations warm + 1 to warm + n join the totals. */
static void server_tally(struct ctx *c, uint64_t ops, uint64_t calls, uint64_t *sw0,
			 uint64_t *calls0)
{
	if (ops == c->warm) {
		*sw0 = switches(c->who);
		*calls0 = calls;
	}
	if (ops == c->warm + c->n) {
		__atomic_add_fetch(&c->switches, switches(c->who) - *sw0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&c->calls, calls - *calls0, __ATOMIC_RELAXED);
	}
}

static uint64_t pipe_round_trip(struct pair *pr, uint64_t i)
{
	uint64_t v = i;

	if (write(pr->to_srv[1], &v, sizeof(v)) != (ssize_t)sizeof(v) ||
	    read(pr->to_cli[0], &v, sizeof(v)) != (ssize_t)sizeof(v) || v != i)
		die(pr->c->prog, "pipe round trip");
	return 2;
}

static void *pipe_serve(void *arg)
{
	struct pair *pr = arg;
	uint64_t v, ops = 0, calls = 0, sw0 = 0, calls0 = 0;

	while (read(pr->to_srv[0], &v, sizeof(v)) == (ssize_t)sizeof(v) && v != PIPE_STOP) {
		if (write(pr->to_cli[1], &v, sizeof(v)) != (ssize_t)sizeof(v))
			die(pr->c->prog, "pipe server write");
		calls += 2;
		server_tally(pr->c, ++ops, calls, &sw0, &calls0);
	}
	return NULL;
}

static void pipe_stop(struct pair *pr)
{
	uint64_t v = PIPE_STOP;

	if (write(pr->to_srv[1], &v, sizeof(v)) != (ssize_t)sizeof(v))
		die(pr->c->prog, "pipe stop");
}

static uint64_t futex_round_trip(struct pair *pr, uint64_t i)
{
	int priv = pr->c->priv;

	__atomic_store_n(&pr->turn, TURN_SERVER, __ATOMIC_RELEASE);
	futex(&pr->turn, FUTEX_WAKE, 1, priv);
	return 1 + wait_while(&pr->turn, TURN_SERVER, priv);
}

static void *futex_serve(void *arg)
{
	struct pair *pr = arg;
	int priv = pr->c->priv;
	uint64_t ops = 0, calls = 0, sw0 = 0, calls0 = 0;

	for (;;) {
		calls += wait_while(&pr->turn, TURN_CLIENT, priv);
		if (__atomic_load_n(&pr->turn, __ATOMIC_ACQUIRE) == TURN_STOP)
			break;
		__atomic_store_n(&pr->turn, TURN_CLIENT, __ATOMIC_RELEASE);
		futex(&pr->turn, FUTEX_WAKE, 1, priv);
		calls++;
		server_tally(pr->c, ++ops, calls, &sw0, &calls0);
	}
	return NULL;
}

static void futex_stop(struct pair *pr)
{
	__atomic_store_n(&pr->turn, TURN_STOP, __ATOMIC_RELEASE);
	futex(&pr->turn, FUTEX_WAKE, 1, pr->c->priv);
}

static const struct mech mechs[] = {
    {"pipe", 1, pipe_round_trip, pipe_serve, pipe_stop},
    {"futex", 0, futex_round_trip, futex_serve, futex_stop},
};

/* Waits until *w == @want, whatever it was before (FUTEX_WAIT on each other value). */
static void wait_until(uint32_t *w, uint32_t want, int priv)
{
	uint32_t v;

	while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)) != want)
		futex(w, FUTEX_WAIT, v, priv);
}

static void *client(void *arg)
{
	struct pair *pr = arg;
	struct ctx *c = pr->c;
	uint64_t calls = 0;

	for (uint64_t i = 0; i < c->warm; i++)
		c->mech->round_trip(pr, i);
	if (__atomic_add_fetch(&c->ready, 1, __ATOMIC_ACQ_REL) == c->pairs)
		futex(&c->ready, FUTEX_WAKE, 1, c->priv);
	wait_until(&c->go, 1, c->priv);
	uint64_t s0 = switches(c->who);
	for (uint64_t i = 0; i < c->n; i++)
		calls += c->mech->round_trip(pr, i);
	__atomic_add_fetch(&c->switches, switches(c->who) - s0, __ATOMIC_RELAXED);
	__atomic_add_fetch(&c->calls, calls, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&c->left, 1, __ATOMIC_ACQ_REL) == 0)
		futex(&c->left, FUTEX_WAKE, 1, c->priv);
	c->mech->stop(pr);
	return NULL;
}

/* argv[1] as a struct mech, else the usage and exit 2. */
static const struct mech *arg_mech(char **argv)
{
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (!strcmp(argv[1], mechs[i].name))
			return &mechs[i];
	fprintf(stderr, "%s: '%s' is neither pipe nor futex; usage: %s\n", argv[0], argv[1], USAGE);
	exit(2);
}

/* argv[i] as a count from 1 to @max, else the usage and exit 2. */
static uint32_t arg_upto(char **argv, int i, uint32_t max)
{
	uint64_t v = arg_count(argv, i, USAGE);

	if (v > max) {
		fprintf(stderr, "%s: %s is over %u; usage: %s\n", argv[0], argv[i], max, USAGE);
		exit(2);
	}
	return (uint32_t)v;
}

/* Starts every pair's two tasks on its CPU, then pins the caller to the first. */
static void start_pairs(struct ctx *c, const int *cpu, uint32_t ncpus)
{
	for (uint32_t k = 0; k < c->pairs; k++) {
		struct pair *pr = &c->pair[k];

		pr->c = c;
		if (c->mech->pipes && (pipe(pr->to_srv) || pipe(pr->to_cli)))
			die(c->prog, "pipe");
		pin_cpu(c->prog, cpu[k % ncpus]);
		peer_start(&pr->server, c->threads, c->mech->serve, pr, c->prog);
		peer_start(&pr->client, c->threads, client, pr, c->prog);
	}
	pin_cpu(c->prog, cpu[0]);
}

int main(int argc, char **argv)
{
	int threads, cpu[MAX_CPUS];
	char variant[48], extra[320], pinned[256];
	struct mark a, b;

	arg_total(argc, 6, USAGE);
	const struct mech *mech = arg_mech(argv);
	const char *mode = arg_mode(argv, 2, &threads, USAGE);
	uint32_t ncpus = arg_upto(argv, 3, MAX_CPUS), pairs = arg_upto(argv, 4, MAX_PAIRS);
	uint64_t n = arg_count(argv, 5, USAGE);

	snprintf(variant, sizeof(variant), "%s-N%u-M%u", mech->name, ncpus, pairs);
	if ((uint32_t)usable_cpus(argv[0], cpu, (int)ncpus) < ncpus) {
		skip("ipc_pairs", mode, variant,
		     "the process may use fewer CPUs than NCPUS (sched_getaffinity)");
		return 0;
	}
	struct ctx *c =
	    mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		die(argv[0], "mmap");
	*c = (struct ctx){.prog = argv[0],
			  .mech = mech,
			  .threads = threads,
			  .who = threads ? RUSAGE_THREAD : RUSAGE_SELF,
			  .priv = threads ? FUTEX_PRIVATE_FLAG : 0,
			  .pairs = pairs,
			  .warm = bench_warmup(n),
			  .n = n,
			  .left = pairs};
	start_pairs(c, cpu, ncpus);

	wait_until(&c->ready, pairs, c->priv);
	mark_begin(&a);
	__atomic_store_n(&c->go, 1, __ATOMIC_RELEASE);
	futex(&c->go, FUTEX_WAKE, INT_MAX, c->priv);
	wait_until(&c->left, 0, c->priv);
	mark_end(&b);
	for (uint32_t k = 0; k < pairs; k++) {
		peer_join(&c->pair[k].client);
		peer_join(&c->pair[k].server);
	}

	cpu_list(pinned, sizeof(pinned), cpu, (int)ncpus);
	snprintf(extra, sizeof(extra), ",\"cpus\":%u,\"pairs\":%u,\"pinned\":\"%s\"", ncpus, pairs,
		 pinned);
	result("ipc_pairs", mode, variant, pairs * n, pairs * c->warm, (double)(b.tsc - a.tsc),
	       (double)(b.ns - a.ns), (double)c->switches, (double)c->calls, -1, extra);
	return 0;
}
