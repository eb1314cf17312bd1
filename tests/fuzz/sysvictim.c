/* sysvictim: a pair of well-behaved tasks beside the fuzzers, talking only to each other and
 * checking that nothing else touched them. */
#include <stdbool.h>

#include "user.h"

/*
 * usage: sysvictim server PARTNER ROUNDS
 *        sysvictim client PARTNER ROUNDS
 *
 * The client makes ROUNDS calls to its server, PARTNER, cycling through
 * the ways a message goes: a short one between stacks (the fast path), a
 * long one between mapped pages (the general path), a word (call_w), a
 * short one into a mapped page.  The server receives from PARTNER alone,
 * by name, so whatever else is sent to it waits in its queue until it
 * ends (and then fails with ESRCH); it answers each message with send,
 * every byte xored with 0x5a.  Both check every message against what
 * round i must carry.  Before the first round and every 64 rounds they
 * checksum their data, a stack buffer, a mapped page and their code.
 * The client yields after every round, so that the pair lives through
 * much of a run.  At the end:
 *   sysvictim: task ID intact: R round trips as server|client; data, stack, heap and code unchanged
 *                                                            exit 0
 *   sysvictim: task ID CORRUPTED: WHAT                       exit 1
 *   sysvictim: task ID: CALL failed: ERROR                   exit 1
 */

#define DATA_LEN 2048
#define STACK_LEN 512
#define PAGE 4096
#define XOR 0x5a

extern const char __ehdr_start[], __etext[];

/* Writable data, filled at start: a neighbour's fuzzer aims at it. */
static uint8_t data[DATA_LEN] = {1};
static long self;

static _Noreturn void fail(const char *call, long err)
{
	printf("sysvictim: task %ld: %s failed: %s (%ld)\n", self, call, sys_errname(err), err);
	sys_exit(1);
}

static _Noreturn void corrupted(const char *what, unsigned long round, long detail)
{
	printf("sysvictim: task %ld CORRUPTED: %s (round %lu, %ld)\n", self, what, round, detail);
	sys_exit(1);
}

static uint64_t sum(const volatile uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* What the victim keeps and checks. */
struct sums {
	uint64_t data, stack, heap, code;
};

static void take(struct sums *s, const volatile uint8_t *stack, const volatile uint8_t *heap)
{
	s->data = sum(data, DATA_LEN);
	s->stack = sum(stack, STACK_LEN);
	s->heap = sum(heap, PAGE);
	s->code = sum((const uint8_t *)__ehdr_start, (size_t)(__etext - __ehdr_start));
}

static void check(const struct sums *want, const volatile uint8_t *stack,
		  const volatile uint8_t *heap, unsigned long round)
{
	struct sums now;
	take(&now, stack, heap);
	if (now.data != want->data)
		corrupted("its data changed", round, 0);
	if (now.stack != want->stack)
		corrupted("its stack buffer changed", round, 0);
	if (now.heap != want->heap)
		corrupted("its mapped page changed", round, 0);
	if (now.code != want->code)
		corrupted("its code changed", round, 0);
}

/* Round i's message: its kind (0 stack, 1 heap, 2 word, 3 stack to heap),
 * length and bytes. */
static unsigned kind(unsigned long i)
{
	return (unsigned)(i % 4);
}

static size_t length(unsigned long i)
{
	switch (kind(i)) {
	case 0:
		return 8 + i % 57;
	case 1:
		return 100 + (i * 37) % 3000;
	case 2:
		return 8;
	default:
		return 40;
	}
}

static uint8_t byte(unsigned long i, size_t j)
{
	return (uint8_t)(i * 31 + j * 7 + 3);
}

/* Checks that msg (n bytes) is round i's message, xored with x. */
static void check_msg(const uint8_t *msg, long n, unsigned long i, uint8_t x, const char *what)
{
	if (n != (long)length(i))
		corrupted("a message of the wrong length", i, n);
	for (size_t j = 0; j < (size_t)n; j++)
		if (msg[j] != (byte(i, j) ^ x)) {
			corrupted(what, i, (long)j);
		}
}

static void server(long partner, unsigned long rounds, uint8_t *heap)
{
	uint8_t msg[64], reply[64];

	for (unsigned long i = 0; i < rounds; i++) {
		uint8_t *in = kind(i) == 1 ? heap + PAGE : msg;
		uint64_t cap = kind(i) == 1 ? PAGE : sizeof(msg);
		long from = 0;
		long n = sys_recv(partner, in, cap, &from);
		if (n < 0)
			fail("recv", n);
		if (from != partner)
			corrupted("a message from another task than the partner", i, from);
		check_msg(in, n, i, 0, "a byte of a message changed");
		uint8_t *out = kind(i) == 1 ? heap + 2 * PAGE : reply;
		for (long j = 0; j < n; j++)
			out[j] = in[j] ^ XOR;
		long r = sys_send(partner, out, (size_t)n);
		if (r != n)
			fail("send", r < 0 ? r : -SHOJI_EMSGSIZE);
	}
}

static void client(long partner, unsigned long i, uint8_t *heap)
{
	uint8_t msg[64], reply[64];
	size_t len = length(i);
	long n;

	if (kind(i) == 2) {
		uint64_t word = 0, back = 0;
		for (size_t j = 0; j < 8; j++)
			word |= (uint64_t)byte(i, j) << (8 * j);
		n = sys_call_w(partner, word, &back);
		if (n < 0)
			fail("call_w", n);
		check_msg((const uint8_t *)&back, n, i, XOR, "a byte of a word reply changed");
		return;
	}
	uint8_t *out = kind(i) == 1 ? heap + PAGE : msg;
	uint8_t *in = kind(i) == 0 ? reply : heap + 2 * PAGE;
	uint64_t cap = kind(i) == 0 ? sizeof(reply) : PAGE;
	for (size_t j = 0; j < len; j++)
		out[j] = byte(i, j);
	n = sys_call(partner, out, len, in, cap);
	if (n < 0)
		fail("call", n);
	check_msg(in, n, i, XOR, "a byte of a reply changed");
}

int main(int argc, char **argv)
{
	volatile uint8_t stack[STACK_LEN];
	unsigned long partner, rounds;
	struct sums want;

	self = sys_getpid();
	if (argc != 4 || (strcmp(argv[1], "server") && strcmp(argv[1], "client")) ||
	    parse_ulong(argv[2], 10, &partner) || parse_ulong(argv[3], 10, &rounds) || !partner) {
		printf("sysvictim: usage: sysvictim server|client PARTNER ROUNDS\n");
		return 2;
	}
	bool is_server = !strcmp(argv[1], "server");
	long heap = sys_map(3 * PAGE, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	if (heap < 0)
		fail("map", heap);
	for (unsigned i = 0; i < DATA_LEN; i++)
		data[i] = (uint8_t)(i * 13 + self);
	for (unsigned i = 0; i < STACK_LEN; i++)
		stack[i] = (uint8_t)(i * 7 + self);
	for (unsigned i = 0; i < PAGE; i++)
		((uint8_t *)heap)[i] = (uint8_t)(i * 5 + self);
	take(&want, stack, (const uint8_t *)heap);
	printf(
	    "sysvictim: task %ld (%s of task %lu): %lu round trips, data at %#lx, heap at %#lx\n",
	    self, argv[1], partner, rounds, (unsigned long)(uintptr_t)data, (unsigned long)heap);

	if (is_server) {
		server((long)partner, rounds, (uint8_t *)heap);
	} else {
		for (unsigned long i = 0; i < rounds; i++) {
			client((long)partner, i, (uint8_t *)heap);
			sys_yield();
			if (i % 64 == 63)
				check(&want, stack, (const uint8_t *)heap, i);
		}
	}
	check(&want, stack, (const uint8_t *)heap, rounds);
	printf("sysvictim: task %ld intact: %lu round trips as %s; data, stack, heap and code "
	       "unchanged (%ld ms)\n",
	       self, rounds, argv[1], sys_clock() / 1000000);
	return 0;
}
