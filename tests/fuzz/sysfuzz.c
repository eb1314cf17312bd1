/* sysfuzz: a system-call fuzzer task: its roles, the messages between fuzzers, the end of a run. */
#include "sysfuzz.h"

/*
 * usage: sysfuzz ROLE SEED CALLS CLIENTS SERVERS VICTIMS
 *   ROLE     client, server or chaos (below)
 *   SEED     the run's seed; each fuzzer mixes its task id in, so one
 *            seed gives every fuzzer of a run its own calls
 *   CALLS    random calls to make (a server: at most, between messages)
 *   CLIENTS, SERVERS, VICTIMS   task ids: "7", "4-9", "1-3,8"; "-" for none
 *            (chaos fuzzers are each other's CLIENTS); tasks in none of
 *            them are never named, so a task that cannot take fuzz
 *            messages may run beside the fuzzers
 *
 * Output:
 *   sysfuzz: task ID (ROLE, MODE mode, slot S): seed S, N calls  at the start
 *   sysfuzz: task ID: N calls, T ms                               every 1000 (chaos: 100)
 *   sysfuzz: task ID BUG: WHAT [call #N: NR ARGS]                 an oracle failed (the
 *                                                                 first 20; the rest counted)
 *   sysfuzz: task ID (ROLE, MODE mode, slot S): NAME OK/MADE ...  at the end
 *   sysfuzz: task ID done: N calls (seed S)                       at the end
 * N counts every system call made.  It exits 0, or 1 after a BUG line; a
 * chaos fuzzer does not exit (below).  The calls depend on the seed alone;
 * what they meet (which partner waits, who is still alive) depends on the
 * scheduling too.
 *
 * The roles.  Fuzzers make blocking IPC calls to each other with good
 * arguments, so that messages really move (the fast paths and the general
 * one, words and buffers, truncated and not), and a run must still end:
 * no fuzzers may wait on each other in a cycle.  So:
 *  - a client blocks only on servers (send, call, call_w), on victims
 *    (which end on their own) and on clients with a higher id (the highest
 *    never does, so a chain of them ends); the last two only once each, in
 *    the last tenth of its calls (they hold it until the partner ends);
 *    it receives from any task only in a reply_recv to a server, which
 *    answers it;
 *  - a server blocks only on victims and in receives from any task, and
 *    only when no client waits for its answer: it answers each message
 *    before it makes another call that could receive one (so at most one
 *    sender waits on it), with a reply_recv or reply_recv_w, which then
 *    receives the next.  The kernel delivers a reply only to a task that
 *    waits for the server and otherwise says EAGAIN and moves nothing, so
 *    an answer never blocks on its partner.  Its receives always ask for
 *    the sender's id.  Servers do not answer servers (two would answer
 *    each other forever);
 *  - a client ends by saying goodbye to each server (call_w with its id,
 *    until the server acknowledges it or is gone); a server exits when
 *    every client has said it.
 * Every wait ends: servers always come back to receive, clients always
 * get to their end, and the servers end with them.  A call that would
 * break a rule gets one argument spoiled (sysfuzz_ipc.c) and must fail
 * at once.
 *  - chaos fuzzers follow no rule: they block on anyone, and end by
 *    receiving from any task forever, so the run ends in the kernel's
 *    deadlock resolution (guest/core/sched_return.c, deadlock()), which kills
 *    them all, with their partners failed by ESRCH in every state.  What
 *    they did is in the lines they printed before.
 */

#define BYE_KEY 0x6279652d73797366ULL
#define ACK_KEY 0x61636b2d73797366ULL
#define FRAME_MAGIC 0x6672616d652d737aULL

/* A framed message: its payload is a function of key, so that the
 * receiver can check every byte that arrived, and say where one changed. */
struct frame {
	uint64_t magic, sender, len, key;
};

static uint64_t frame_word(uint64_t key, uint64_t i)
{
	uint64_t z = key + i * 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
	return z ^ (z >> 29);
}

static const char *const names[SYS_COUNT + 1] = {
    [SYS_EXIT] = "exit",
    [SYS_WRITE] = "write",
    [SYS_YIELD] = "yield",
    [SYS_GETPID] = "getpid",
    [SYS_CLOCK] = "clock",
    [SYS_SEND] = "send",
    [SYS_RECV] = "recv",
    [SYS_CALL] = "call",
    [SYS_MAP] = "map",
    [SYS_UNMAP] = "unmap",
    [SYS_KMEM] = "kmem",
    [SYS_STATS] = "stats",
    [SYS_REPLY_RECV] = "reply_recv",
    [SYS_CALL_W] = "call_w",
    [SYS_REPLY_RECV_W] = "reply_recv_w",
    [SYS_TASKINFO] = "taskinfo",
    [SYS_PMU] = "pmu",
    [SYS_COUNT] = "invalid",
};
static const char *const role_names[] = {"client", "server", "chaos"};

void fz_frame(struct fz *f, uint64_t va, uint64_t len)
{
	uint8_t *p = (uint8_t *)va;
	struct frame h = {FRAME_MAGIC, (uint64_t)f->id, len, fz_rand(f)};
	for (uint64_t i = sizeof(h); i < len; i += 8) {
		uint64_t w = frame_word(h.key, i);
		memcpy(p + i, &w, len - i < 8 ? len - i : 8);
	}
	memcpy(p, &h, sizeof(h));
}

/* Checks a whole framed message (n bytes at buf from task from). */
static void check_frame(struct fz *f, const uint8_t *buf, uint64_t n, long from)
{
	struct frame h;
	uint64_t bad = 0, first = 0;

	memcpy(&h, buf, sizeof(h));
	if (h.magic != FRAME_MAGIC || h.len != n || (from && (long)h.sender != from))
		return; /* not a frame, or not all of it */
	for (uint64_t i = sizeof(h); i < n; i += 8) {
		uint64_t w = frame_word(h.key, i), got = 0, m = n - i < 8 ? n - i : 8;
		memcpy(&got, buf + i, m);
		if (m < 8)
			w &= (1UL << (8 * m)) - 1;
		if (got != w && !bad++)
			first = i;
	}
	if (bad) {
		uint64_t got = 0;
		memcpy(&got, buf + first, n - first < 8 ? n - first : 8);
		fz_bug(f,
		       "a message of %lu bytes from task %ld arrived changed: %lu words differ, "
		       "the first at offset %lu (at %#lx) reads %#lx, want %#lx",
		       (unsigned long)n, (long)h.sender, (unsigned long)bad, (unsigned long)first,
		       (unsigned long)(uintptr_t)(buf + first), (unsigned long)got,
		       (unsigned long)frame_word(h.key, first));
	}
}

bool fz_all_byed(const struct fz *f)
{
	return f->nbyed == f->clients.n;
}

/* A server notes a sender to answer. */
static void pend(struct fz *f, long id)
{
	for (unsigned i = 0; i < f->npending; i++)
		if (f->pending[i] == id)
			return;
	if (f->npending == sizeof(f->pending) / sizeof(f->pending[0]))
		fz_bug(f, "more than %u senders wait for an answer", f->npending);
	else
		f->pending[f->npending++] = id;
}

/* What a server does with a message whose first bytes are word. */
static void note(struct fz *f, uint64_t word, uint64_t n, long from)
{
	if (f->role != ROLE_SERVER)
		return;
	long cid = (long)(word ^ BYE_KEY);
	int i = n >= 8 ? fz_ids_find(&f->clients, cid) : -1;
	if (i >= 0 && (!from || from == cid)) {
		if (!f->byed[i]) {
			f->byed[i] = true;
			f->nbyed++;
		}
		from = cid;
	}
	if (fz_id_kind(f, from) == ID_CLIENT)
		pend(f, from);
}

void fz_on_message(struct fz *f, const void *buf, uint64_t n, long from)
{
	f->delivered++;
	if (n >= sizeof(struct frame))
		check_frame(f, buf, n, from);
	uint64_t word = 0;
	memcpy(&word, buf, n < 8 ? n : 8);
	note(f, word, n, from);
}

void fz_on_word(struct fz *f, uint64_t word, uint64_t n, long from)
{
	f->delivered++;
	if (n < 8 && word >> (8 * n))
		fz_bug(f, "a word message of %lu bytes from task %ld reads %#lx", (unsigned long)n,
		       from, (unsigned long)word);
	note(f, word, n, from);
}

/* --- the roles -------------------------------------------------------------- */

/* A server answers task to: a goodbye with its acknowledgement, anything
 * else with a random reply (bad arguments first, maybe: refused, then
 * again), which also receives the next message if it is delivered. */
static void answer(struct fz *f, long to)
{
	int i = fz_ids_find(&f->clients, to);
	if (i >= 0 && f->byed[i]) {
		fz_reply_recv_w(f, to, ACK_KEY ^ (uint64_t)to);
		return;
	}
	for (unsigned tries = 0; tries < 4; tries++) {
		bool sane = tries == 3 || fz_chance(f, 500);
		long r = sane && fz_chance(f, 300) ? fz_reply_recv_w(f, to, fz_rand(f))
						   : fz_reply_recv(f, to, sane);
		if (r >= 0 || r == -SHOJI_EAGAIN || r == -SHOJI_ESRCH)
			return;
	}
}

static void serve(struct fz *f)
{
	while (!fz_all_byed(f)) {
		if (f->npending) {
			long to = f->pending[--f->npending];
			answer(f, to);
			continue;
		}
		/* Nobody waits for an answer: fuzz, until a call receives. */
		for (uint64_t k = fz_below(f, 4); k && !f->npending && f->calls < f->budget; k--)
			fz_call_one(f);
		if (!f->npending && fz_recv_any(f) < 0)
			return; /* reported */
	}
}

/* A client's goodbye to server s. */
static void bye(struct fz *f, long s)
{
	for (unsigned tries = 0; tries < 100000; tries++) {
		uint64_t rdx, rsi;
		long r = fz_syscall_w(f, SYS_CALL_W, s, BYE_KEY ^ (uint64_t)f->id, &rdx, &rsi);
		if (r == -SHOJI_ESRCH || (r == 8 && rdx == (ACK_KEY ^ (uint64_t)f->id)))
			return;
		if (r < 0) {
			fz_bug(f, "goodbye to task %ld = %s", s, sys_errname(r));
			return;
		}
	}
	fz_bug(f, "task %ld never acknowledged the goodbye", s);
}

/* The end of a run: the heap given back and checked, the read-only pages
 * checked, the counts printed. */
static void finish(struct fz *f)
{
	char line[PRINTF_MAX - 16];
	int n;

	fz_heap_release(f);
	if (fz_ro_sum(f) != f->ro_sum)
		fz_bug(f, "its read-only pages changed during the run");
	n = snprintf(line, sizeof(line), "sysfuzz: task %ld (%s, %s mode, slot %u):", f->id,
		     role_names[f->role], f->mode, f->slot);
	for (unsigned i = 1; i <= SYS_COUNT && n < (int)sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %lu/%lu", names[i],
			      (unsigned long)f->ok[i], (unsigned long)f->count[i]);
	printf("%s; %lu messages in\n", line, (unsigned long)f->delivered);
	if (f->bugs)
		printf("sysfuzz: task %ld: %lu BUG reports\n", f->id, (unsigned long)f->bugs);
	printf("sysfuzz: task %ld done: %lu calls (seed %lu)\n", f->id, (unsigned long)f->calls,
	       f->seed);
}

/* Parses a task-id set ("7", "4-9", "1-3,8", "-"); 0 or -1. */
static int parse_ids(const char *s, struct fz_ids *ids)
{
	char buf[96];

	ids->n = 0;
	if (!strcmp(s, "-"))
		return 0;
	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	for (char *p = buf; p;) {
		char *next = strchr(p, ',');
		if (next)
			*next++ = 0;
		char *dash = strchr(p, '-');
		if (dash)
			*dash = 0;
		unsigned long a, b;
		if (parse_ulong(p, 10, &a) || parse_ulong(dash ? dash + 1 : p, 10, &b) || !a ||
		    b < a || b >= FZ_TASK_MAX)
			return -1;
		for (; a <= b; a++) {
			if (ids->n == FZ_IDS_MAX)
				return -1;
			ids->id[ids->n++] = (long)a;
		}
		p = next;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct fz f; /* in the image's data: its pages are PG_KEEP */
	unsigned long calls;
	int role = -1;

	for (int i = 0; argc == 7 && i < 3; i++)
		if (!strcmp(argv[1], role_names[i]))
			role = i;
	if (role < 0 || parse_ulong(argv[2], 10, &f.seed) || parse_ulong(argv[3], 10, &calls) ||
	    parse_ids(argv[4], &f.clients) || parse_ids(argv[5], &f.servers) ||
	    parse_ids(argv[6], &f.victims)) {
		printf("sysfuzz: usage: sysfuzz client|server|chaos SEED CALLS CLIENTS SERVERS "
		       "VICTIMS (ids: 4-9,12 or -)\n");
		return 2;
	}
	f.role = (enum fz_role)role;
	f.id = sys_getpid();
	f.name = argv[0];
	f.pmu_count = -1;
	f.budget = calls;
	f.rng = f.seed * 0x2545f4914f6cdd1dULL + (uint64_t)f.id * 0x9e3779b97f4a7c15ULL;
	fz_model_init(&f);
	if (calls >= 400) { /* the two memory sequences, once each */
		f.drain_at = calls / 5 + fz_below(&f, calls / 4);
		f.fill_at = calls / 2 + fz_below(&f, calls * 2 / 5);
	}
	f.last_clock = sys_clock();
	printf("sysfuzz: task %ld (%s, %s mode, slot %u): seed %lu, %lu calls\n", f.id,
	       role_names[role], f.mode, f.slot, f.seed, calls);

	if (f.role == ROLE_SERVER) {
		serve(&f);
	} else {
		while (f.calls < f.budget)
			fz_call_one(&f);
	}
	if (f.role == ROLE_CLIENT) {
		fz_heap_release(&f);
		for (unsigned i = 0; i < f.servers.n; i++)
			bye(&f, f.servers.id[i]);
	}
	finish(&f);
	if (f.role == ROLE_CHAOS) { /* wait for a message forever: the deadlock ends it */
		uint64_t buf = fz_scratch(&f, 64);
		for (;;) {
			long from = 0;
			long r = sys_recv(0, (void *)buf, 64, &from);
			if (r < 0 || fz_ids_find(&f.clients, from) < 0) {
				fz_bug(&f,
				       "a receive from any task = %ld, from task %ld: no fuzzer "
				       "sent it",
				       r, from);
				return 1;
			}
		}
	}
	return f.bugs ? 1 : 0;
}
