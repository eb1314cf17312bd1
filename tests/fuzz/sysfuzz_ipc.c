/* sysfuzz: the IPC calls, the rules that keep fuzzers' blocking IPC free of deadlock, and their
 * oracles. */
#include "sysfuzz.h"

/*
 * Each IPC call picks its arguments from the generators (sysfuzz_model.c)
 * and works out what the kernel must answer from the order of its checks
 * (guest/core/ipc.c: receive buffers, then the message's length and
 * buffer, then the partner): an argument that must be refused fixes the
 * error exactly, and the call must not block.  A call whose arguments are
 * all good may block on its partner; may_wait() and may_reply() (the
 * rules of sysfuzz.c, "the roles") decide whether this fuzzer may block
 * there, and when not, spoil() breaks one argument instead, so the call
 * still runs, and must fail.  What a good receive gets is checked
 * (length, sender) and handed to fz_on_message()/fz_on_word().
 */

/* Frames a message in a scratch buffer, half the time; the other half,
 * a frame an earlier call left there (and a receive may have written
 * into since) is unmade, so that it is not checked as this message. */
static void maybe_frame(struct fz *f, uint64_t va, uint64_t len)
{
	if (len < 32 || fz_classify(f, va, len, true) != CL_OK)
		return;
	if (fz_chance(f, 500))
		fz_frame(f, va, len);
	else
		memset((void *)va, 0, 8);
}

/* --- the rules of blocking ------------------------------------------------ */

/* Per mille of the calls that could block that a chaos fuzzer lets
 * through (the others are spoiled): it blocks anywhere, but not so often
 * that its run ends in the first deadlock. */
#define CHAOS_WAITS 40

/* The error a partner id makes a call fail with before it looks further
 * (a receive from 0 is a receive from any task), or 0. */
static long id_err(enum fz_idk k, bool recv)
{
	if (k == ID_NONE || (k == ID_ZERO && !recv))
		return -SHOJI_ESRCH;
	return k == ID_SELF ? -SHOJI_EDEADLK : 0;
}

/* Whether the fuzzer is in the last tenth of its calls: where it may
 * block on a task that will not answer, only end (a victim, a client), so
 * that the wait does not stop it for most of its run. */
static bool late(const struct fz *f)
{
	return f->calls > f->budget / 10 * 9;
}

/* Whether this fuzzer may block on task id: sending to it (recv false) or
 * receiving from it, from any task for id 0 (sysfuzz.c, "the roles"). */
static bool may_wait(struct fz *f, long id, bool recv)
{
	enum fz_idk k = fz_id_kind(f, id);
	if (k == ID_ZERO && f->role == ROLE_CHAOS)
		return !recv || fz_chance(f, CHAOS_WAITS);
	if (k == ID_ZERO)
		return !recv || f->role != ROLE_CLIENT;
	if (k == ID_NONE || k == ID_SELF)
		return true;
	if (f->role == ROLE_CHAOS) /* anywhere, but not so often that it ends at once */
		return fz_chance(f, CHAOS_WAITS);
	if (k == ID_VICTIM) { /* it ends on its own: once, late in the run, while it runs */
		int i = fz_ids_find(&f->victims, id);
		return f->victim_dead[i] || (f->victim_waits[i] < 1 && late(f));
	}
	if (recv)
		return false;
	if (k == ID_SERVER)
		return f->role == ROLE_CLIENT;
	return f->role == ROLE_CLIENT && id > f->id && f->client_waits < 1 && late(f);
}

/* Whether it may reply to dest and then receive from any task. */
static bool may_reply(struct fz *f, long dest)
{
	enum fz_idk k = fz_id_kind(f, dest);
	if (f->role == ROLE_CHAOS)
		return fz_chance(f, CHAOS_WAITS);
	return f->role != ROLE_CLIENT || k != ID_CLIENT;
}

/* A call on id with good arguments is made: count the waits it may cost. */
static void waits(struct fz *f, long id)
{
	int i = fz_ids_find(&f->victims, id);
	if (i >= 0 && !f->victim_dead[i])
		f->victim_waits[i]++;
	else if (fz_id_kind(f, id) == ID_CLIENT)
		f->client_waits++;
}

/* A call on id failed with ESRCH: a victim that did is gone for good. */
static void gone(struct fz *f, long id)
{
	int i = fz_ids_find(&f->victims, id);
	if (i >= 0)
		f->victim_dead[i] = true;
}

/* The arguments of an IPC call, and which of them it has. */
struct ipc {
	long peer;	    /* dest or src */
	uint64_t va, len;   /* the message (send half) */
	uint64_t rva, rcap; /* the receive buffer */
	uint64_t from;	    /* where the sender's id goes, 0 for none */
	bool has_msg, has_rbuf, has_from, recv;
};

/* What the kernel must answer before it looks at the partner, or 0. */
static long ipc_err(const struct fz *f, const struct ipc *c)
{
	if (c->has_rbuf && fz_classify(f, c->rva, c->rcap, true) == CL_BAD)
		return -SHOJI_EFAULT;
	if (c->has_from && c->from && fz_classify(f, c->from, 8, true) == CL_BAD)
		return -SHOJI_EFAULT;
	if (c->has_msg && c->len > SHOJI_IPC_MAX)
		return -SHOJI_EMSGSIZE;
	if (c->has_msg && fz_classify(f, c->va, c->len, false) == CL_BAD)
		return -SHOJI_EFAULT;
	return id_err(fz_id_kind(f, c->peer), c->recv);
}

/* Breaks one argument so that the call fails before it could block;
 * returns the error it must fail with now. */
static long spoil(struct fz *f, struct ipc *c)
{
	long err;
	while (!(err = ipc_err(f, c))) {
		switch (fz_below(f, 6)) {
		case 0:
			if (!c->has_rbuf)
				continue;
			c->rcap = 1 + fz_below(f, 64);
			c->rva = fz_bad_ptr(f, c->rcap, true);
			break;
		case 1:
			if (!c->has_from)
				continue;
			c->from = fz_bad_ptr(f, 8, true);
			break;
		case 2:
			if (!c->has_msg)
				continue;
			c->len = SHOJI_IPC_MAX + 1 + fz_below(f, 3) * fz_below(f, 1UL << 20);
			break;
		case 3:
			if (!c->has_msg)
				continue;
			c->len = 1 + fz_below(f, 64);
			c->va = fz_bad_ptr(f, c->len, false);
			break;
		case 4:
			c->peer = f->id;
			break;
		default: {
			enum fz_idk k;
			do
				c->peer = fz_id(f, &k);
			while (k != ID_NONE);
			break;
		}
		}
	}
	return err;
}

/* Whether [a, a + n) and [b, b + m) share a byte; ranges longer than any
 * valid buffer (the call fails on them anyway) share none. */
static bool overlap(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	if (n > (1UL << 20) || m > (1UL << 20))
		return false;
	return a < b + m && b < a + n;
}

/* A good from pointer clear of the message and the receive buffer (the
 * sentinel written there before the call must not change either), or 0
 * (when the two cover the scratch regions picked). */
static uint64_t good_from(struct fz *f, const struct ipc *c)
{
	for (unsigned i = 0; i < 32; i++) {
		uint64_t p = fz_scratch(f, 8);
		if (!overlap(p, 8, c->rva, c->rcap) &&
		    !(c->has_msg && overlap(p, 8, c->va, c->len)))
			return p;
	}
	return 0;
}

/* Fills a good receive buffer that does not share a byte with the
 * message with 0xee, so that a receive that says it copied more than it
 * did shows (the frame check finds the 0xee). */
static void prefill(const struct fz *f, const struct ipc *c)
{
	if (c->has_rbuf && fz_classify(f, c->rva, c->rcap, true) == CL_OK &&
	    !(c->has_msg && overlap(c->va, c->len, c->rva, c->rcap)) &&
	    !(c->from && overlap(c->from, 8, c->rva, c->rcap)))
		memset((void *)c->rva, 0xee, c->rcap);
}

/* A from pointer: none, a good one, or a bad one.  A server's receive
 * that may block never has none: it must know whom to answer (a bad one
 * when no good one is found: the call fails then, and blocks nowhere). */
static void pick_from(struct fz *f, struct ipc *c)
{
	uint64_t r = fz_below(f, 10);
	c->has_from = true;
	c->from = r < 8 ? good_from(f, c) : fz_bad_ptr(f, 8, true);
	if (r < 2 && f->role != ROLE_SERVER)
		c->from = 0;
	if (f->role == ROLE_SERVER && !c->from)
		c->from = fz_bad_ptr(f, 8, true);
}

/* The end of a receive with good arguments: r checked against the buffer,
 * the sender checked and the message handed on.  eagain: r may be EAGAIN
 * (a reply that found nobody waiting). */
static long received(struct fz *f, long r, const struct ipc *c, bool eagain)
{
	if (r == -SHOJI_ESRCH || (eagain && r == -SHOJI_EAGAIN)) {
		if (r == -SHOJI_ESRCH)
			gone(f, c->peer);
		return r;
	}
	if (r < 0 || (uint64_t)r > c->rcap || r > SHOJI_IPC_MAX) {
		fz_bug(f, "a receive into %lu bytes = %ld (%s)", (unsigned long)c->rcap, r,
		       r < 0 ? sys_errname(r) : "too long");
		return r;
	}
	long who = c->recv && c->peer ? c->peer : 0;
	if (c->from) {
		long got = *(volatile long *)c->from;
		if (who && got != who)
			fz_bug(f, "a receive from task %ld says it came from %ld", who, got);
		who = got;
	}
	enum fz_idk k = fz_id_kind(f, who);
	if (who && (k == ID_NONE || k == ID_SELF || k == ID_VICTIM))
		fz_bug(f, "a message from task %ld, which never sends to fuzzers", who);
	fz_on_message(f, (const void *)c->rva, (uint64_t)r, who);
	return r;
}

/* --- the calls ------------------------------------------------------------- */

void fz_ipc_send(struct fz *f)
{
	enum fz_idk k;
	struct ipc c = {.peer = fz_id(f, &k), .has_msg = true};
	fz_buffer(f, false, SHOJI_IPC_MAX + 1, &c.va, &c.len);
	long want = ipc_err(f, &c);
	if (!want && !may_wait(f, c.peer, false)) {
		want = spoil(f, &c);
	}
	if (!want) {
		waits(f, c.peer);
		maybe_frame(f, c.va, c.len);
	}
	long r = fz_syscall(f, SYS_SEND, (uint64_t)c.peer, c.va, c.len, fz_edge(f), fz_edge(f),
			    fz_edge(f));
	if (want)
		fz_expect(f, "send", r, want);
	else if (r == -SHOJI_ESRCH)
		gone(f, c.peer);
	else if (r < 0 || (uint64_t)r > c.len)
		fz_bug(f, "send of %lu bytes = %ld (%s)", (unsigned long)c.len, r,
		       r < 0 ? sys_errname(r) : "too many");
}

void fz_ipc_call(struct fz *f)
{
	enum fz_idk k;
	struct ipc c = {.peer = fz_id(f, &k), .has_msg = true, .has_rbuf = true};
	fz_buffer(f, false, SHOJI_IPC_MAX + 1, &c.va, &c.len);
	fz_buffer(f, true, SHOJI_IPC_MAX + 1, &c.rva, &c.rcap);
	long want = ipc_err(f, &c);
	if (!want && !may_wait(f, c.peer, false)) {
		want = spoil(f, &c);
	}
	if (!want) {
		waits(f, c.peer);
		maybe_frame(f, c.va, c.len);
		prefill(f, &c);
	}
	long r = fz_syscall(f, SYS_CALL, (uint64_t)c.peer, c.va, c.len, c.rva, c.rcap, fz_edge(f));
	if (want) {
		fz_expect(f, "call", r, want);
		return;
	}
	c.recv = true; /* the reply comes from the partner alone */
	received(f, r, &c, false);
}

void fz_ipc_call_w(struct fz *f)
{
	enum fz_idk k;
	struct ipc c = {.peer = fz_id(f, &k)};
	long want = ipc_err(f, &c);
	if (!want && !may_wait(f, c.peer, false)) {
		want = spoil(f, &c);
	}
	if (!want)
		waits(f, c.peer);
	uint64_t word = fz_chance(f, 500) ? fz_rand(f) : fz_edge(f), rdx, rsi;
	long r = fz_syscall_w(f, SYS_CALL_W, c.peer, word, &rdx, &rsi);
	if (want)
		fz_expect(f, "call_w", r, want);
	else if (r == -SHOJI_ESRCH)
		gone(f, c.peer);
	else if (r < 0 || r > SHOJI_IPC_WORD)
		fz_bug(f, "call_w = %ld (%s)", r, r < 0 ? sys_errname(r) : "too long");
	else
		fz_on_word(f, rdx, (uint64_t)r, c.peer);
}

void fz_ipc_recv(struct fz *f)
{
	enum fz_idk k;
	struct ipc c = {.peer = fz_id(f, &k), .has_rbuf = true, .recv = true};
	fz_buffer(f, true, SHOJI_IPC_MAX + 1, &c.rva, &c.rcap);
	pick_from(f, &c);
	long want = ipc_err(f, &c);
	if (!want && !may_wait(f, c.peer, true)) {
		want = spoil(f, &c);
	}
	if (!want && c.peer)
		waits(f, c.peer);
	if (!want && c.from)
		*(volatile uint64_t *)c.from = 0xfeedfacefeedfaceULL;
	if (!want)
		prefill(f, &c);
	long r = fz_syscall(f, SYS_RECV, (uint64_t)c.peer, c.rva, c.rcap, c.from, fz_edge(f),
			    fz_edge(f));
	if (want)
		fz_expect(f, "recv", r, want);
	else
		received(f, r, &c, false);
}

long fz_reply_recv(struct fz *f, long dest, bool sane)
{
	struct ipc c = {.peer = dest, .has_msg = true, .has_rbuf = true};
	if (sane) {
		c.len = fz_len(f, 512, false);
		c.va = fz_scratch(f, c.len);
		c.rcap = 8 + fz_below(f, FZ_PAGE - 7);
		c.rva = fz_scratch(f, c.rcap);
		c.has_from = true;
		while (!c.from)
			c.from = good_from(f, &c);
	} else {
		fz_buffer(f, false, SHOJI_IPC_MAX + 1, &c.va, &c.len);
		fz_buffer(f, true, SHOJI_IPC_MAX + 1, &c.rva, &c.rcap);
		pick_from(f, &c);
	}
	long want = ipc_err(f, &c);
	if (!want && !may_reply(f, c.peer)) {
		want = spoil(f, &c);
	}
	if (!want) {
		maybe_frame(f, c.va, c.len);
		if (c.from)
			*(volatile uint64_t *)c.from = 0xfeedfacefeedfaceULL;
		prefill(f, &c);
	}
	long r =
	    fz_syscall(f, SYS_REPLY_RECV, (uint64_t)c.peer, c.va, c.len, c.rva, c.rcap, c.from);
	if (want) {
		fz_expect(f, "reply_recv", r, want);
		return r;
	}
	return received(f, r, &c, true);
}

long fz_reply_recv_w(struct fz *f, long dest, uint64_t word)
{
	struct ipc c = {.peer = dest};
	long want = ipc_err(f, &c);
	if (!want && !may_reply(f, c.peer)) {
		want = spoil(f, &c);
	}
	uint64_t rdx, rsi;
	long r = fz_syscall_w(f, SYS_REPLY_RECV_W, c.peer, word, &rdx, &rsi);
	if (want) {
		fz_expect(f, "reply_recv_w", r, want);
		return r;
	}
	if (r == -SHOJI_EAGAIN || r == -SHOJI_ESRCH) {
		if (r == -SHOJI_ESRCH)
			gone(f, c.peer);
		return r;
	}
	if (r < 0 || r > SHOJI_IPC_WORD) {
		fz_bug(f, "reply_recv_w = %ld (%s)", r, r < 0 ? sys_errname(r) : "too long");
		return r;
	}
	enum fz_idk k = fz_id_kind(f, (long)rsi);
	if (k == ID_NONE || k == ID_SELF || k == ID_VICTIM || k == ID_ZERO)
		fz_bug(f, "a word from task %ld, which never sends to fuzzers", (long)rsi);
	fz_on_word(f, rdx, (uint64_t)r, (long)rsi);
	return r;
}

long fz_recv_any(struct fz *f)
{
	struct ipc c = {.peer = 0, .has_rbuf = true, .recv = true};
	c.rcap = fz_chance(f, 900) ? 8 + fz_below(f, FZ_PAGE - 7) : fz_below(f, 8);
	c.rva = fz_scratch(f, c.rcap);
	c.has_from = true;
	while (!c.from)
		c.from = good_from(f, &c);
	if (c.from)
		*(volatile uint64_t *)c.from = 0xfeedfacefeedfaceULL;
	prefill(f, &c);
	long r = fz_syscall(f, SYS_RECV, 0, c.rva, c.rcap, c.from, 0, 0);
	return received(f, r, &c, false);
}

void fz_ipc_reply_recv(struct fz *f)
{
	enum fz_idk k;
	fz_reply_recv(f, fz_id(f, &k), false);
}

void fz_ipc_reply_recv_w(struct fz *f)
{
	enum fz_idk k;
	fz_reply_recv_w(f, fz_id(f, &k), fz_chance(f, 500) ? fz_rand(f) : fz_edge(f));
}
