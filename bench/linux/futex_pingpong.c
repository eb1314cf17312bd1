/* futex_pingpong: Linux baseline, FUTEX_WAIT/FUTEX_WAKE round trips of two tasks on one CPU. */
#include <linux/futex.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "common.h"

/*
 * usage: futex_pingpong process|thread N
 *
 * One 32-bit word says whose turn it is (0 client, 1 server, 2 stop); each
 * side sets it for the other, wakes it, and waits while the word still
 * says "other".  Between processes the word lives in a MAP_SHARED page and
 * the futex is shared; between threads it is FUTEX_PRIVATE_FLAG.  Both
 * sides pinned to one CPU.  One RESULT line "ipc_roundtrip", variant
 * "futex"; the system calls per round trip are counted as made.
 */

#define USAGE "futex_pingpong process|thread N"

struct ctx {
	uint32_t turn;
	int priv; /* FUTEX_PRIVATE_FLAG or 0 */
	int who;
	uint64_t warm, n;
	uint64_t srv_switches, srv_syscalls;
};

static long futex(uint32_t *w, int op, uint32_t val, int priv)
{
	return syscall(SYS_futex, w, op | priv, val, NULL, NULL, 0);
}

/* Waits while *w == busy; returns the system calls made. */
static uint64_t wait_while(uint32_t *w, uint32_t busy, int priv)
{
	uint64_t calls = 0;
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == busy) {
		futex(w, FUTEX_WAIT, busy, priv);
		calls++;
	}
	return calls;
}

static void *server(void *arg)
{
	struct ctx *c = arg;
	uint64_t count = 0, s0 = 0, calls = 0, calls0 = 0;

	for (;;) {
		calls += wait_while(&c->turn, 0, c->priv);
		if (__atomic_load_n(&c->turn, __ATOMIC_ACQUIRE) == 2)
			break;
		__atomic_store_n(&c->turn, 0, __ATOMIC_RELEASE);
		futex(&c->turn, FUTEX_WAKE, 1, c->priv);
		calls++;
		count++;
		if (count == c->warm) {
			s0 = switches(c->who);
			calls0 = calls;
		}
		if (count == c->warm + c->n) {
			c->srv_switches = switches(c->who) - s0;
			c->srv_syscalls = calls - calls0;
		}
	}
	return NULL;
}

static uint64_t round_trip(struct ctx *c)
{
	__atomic_store_n(&c->turn, 1, __ATOMIC_RELEASE);
	futex(&c->turn, FUTEX_WAKE, 1, c->priv);
	return 1 + wait_while(&c->turn, 1, c->priv);
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
	struct ctx *c =
	    mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		die(argv[0], "mmap");
	c->warm = warmup_for(n);
	c->n = n;
	c->who = threads ? RUSAGE_THREAD : RUSAGE_SELF;
	c->priv = threads ? FUTEX_PRIVATE_FLAG : 0;
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
			server(c);
			_exit(0);
		}
	}

	struct mark a, b;
	for (uint64_t i = 0; i < c->warm; i++)
		round_trip(c);
	uint64_t s0 = switches(c->who), calls = 0;
	mark_begin(&a);
	for (uint64_t i = 0; i < n; i++)
		calls += round_trip(c);
	mark_end(&b);
	uint64_t own = switches(c->who) - s0;

	__atomic_store_n(&c->turn, 2, __ATOMIC_RELEASE);
	futex(&c->turn, FUTEX_WAKE, 1, c->priv);
	if (threads)
		pthread_join(th, NULL);
	else
		waitpid(pid, NULL, 0);
	result("ipc_roundtrip", mode, "futex", n, c->warm, (double)(b.tsc - a.tsc),
	       (double)(b.ns - a.ns), (double)(own + c->srv_switches),
	       (double)(calls + c->srv_syscalls), -1, NULL);
	return 0;
}
