/* sysfuzz: one random system call: the table, the arguments, the rules that keep blocking IPC live,
 * the oracles. */
#include "sysfuzz.h"

/*
 * Each call picks its arguments from the generators (sysfuzz_model.c) and
 * works out what the kernel must answer from the order of its checks
 * (guest/core/ipc.c: receive buffers, then the message's length and
 * buffer, then the partner): an argument that must be refused fixes the
 * error exactly, and the call must not block.  A call whose arguments are
 * all good may block on its partner; the rules of may_wait() and
 * may_reply() (sysfuzz.c explains them) decide whether this fuzzer may
 * block there, and when not, spoil() breaks one argument instead, so the
 * call still runs, and must fail.
 */

/* Printable text for SYS_WRITE: a write prints one of its tails, a whole
 * line that no case's pattern matches. */
static const char junk[] = "~ fuzz junk line: the kernel wrote these bytes ~~~~~~~~~~~~~~~~~\n";

static void count(struct fz *f, uint64_t nr, long r)
{
	unsigned i = nr < SYS_COUNT ? (unsigned)nr : SYS_COUNT;
	f->count[i]++;
	if (r >= 0)
		f->ok[i]++;
	if (++f->calls % (f->role == ROLE_CHAOS ? FZ_PROGRESS_CHAOS : FZ_PROGRESS) == 0)
		printf("sysfuzz: task %ld: %lu calls, %ld ms\n", f->id, (unsigned long)f->calls,
		       sys_clock() / 1000000);
}

long fz_syscall(struct fz *f, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		uint64_t a5, uint64_t a6)
{
	f->cur_nr = nr;
	f->cur_a[0] = a1, f->cur_a[1] = a2, f->cur_a[2] = a3;
	f->cur_a[3] = a4, f->cur_a[4] = a5, f->cur_a[5] = a6;
	long r = syscall6((long)nr, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5, (long)a6);
	count(f, nr, r);
	return r;
}

long fz_syscall_w(struct fz *f, uint64_t nr, long dest, uint64_t word, uint64_t *rdx, uint64_t *rsi)
{
	f->cur_nr = nr;
	f->cur_a[0] = (uint64_t)dest, f->cur_a[1] = word;
	f->cur_a[2] = f->cur_a[3] = f->cur_a[4] = f->cur_a[5] = 0;
	unsigned long d = 0, s = 0;
	long r = syscall_w((long)nr, dest, word, &d, &s);
	*rdx = d, *rsi = s;
	count(f, nr, r);
	return r;
}

void fz_bug(struct fz *f, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (++f->bugs > 20)
		return; /* counted in the summary */
	printf("sysfuzz: task %ld BUG: %s [call #%lu: %ld %#lx %#lx %#lx %#lx %#lx %#lx]\n", f->id,
	       what, (unsigned long)f->calls, (long)f->cur_nr, (unsigned long)f->cur_a[0],
	       (unsigned long)f->cur_a[1], (unsigned long)f->cur_a[2], (unsigned long)f->cur_a[3],
	       (unsigned long)f->cur_a[4], (unsigned long)f->cur_a[5]);
}

/* Checks a result that must be exactly want. */
static void expect(struct fz *f, const char *what, long r, long want)
{
	if (r != want)
		fz_bug(f, "%s = %ld (%s), want %ld (%s)", what, r, r < 0 ? sys_errname(r) : "ok",
		       want, want < 0 ? sys_errname(want) : "ok");
}

/* An address the model says is bad for len bytes (never 0, which some
 * calls take for "none"). */
static uint64_t bad_ptr(struct fz *f, uint64_t len, bool write)
{
	for (unsigned i = 0; i < 8; i++) {
		uint64_t va = fz_bad_addr(f);
		if (va && fz_classify(f, va, len, write) == CL_BAD)
			return va;
	}
	return FZ_KERNEL_VMA + 0x100000;
}

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
			c->rva = bad_ptr(f, c->rcap, true);
			break;
		case 1:
			if (!c->has_from)
				continue;
			c->from = bad_ptr(f, 8, true);
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
			c->va = bad_ptr(f, c->len, false);
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
	c->from = r < 8 ? good_from(f, c) : bad_ptr(f, 8, true);
	if (r < 2 && f->role != ROLE_SERVER)
		c->from = 0;
	if (f->role == ROLE_SERVER && !c->from)
		c->from = bad_ptr(f, 8, true);
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

static void call_send(struct fz *f)
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
		expect(f, "send", r, want);
	else if (r == -SHOJI_ESRCH)
		gone(f, c.peer);
	else if (r < 0 || (uint64_t)r > c.len)
		fz_bug(f, "send of %lu bytes = %ld (%s)", (unsigned long)c.len, r,
		       r < 0 ? sys_errname(r) : "too many");
}

static void call_call(struct fz *f)
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
		expect(f, "call", r, want);
		return;
	}
	c.recv = true; /* the reply comes from the partner alone */
	received(f, r, &c, false);
}

static void call_call_w(struct fz *f)
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
		expect(f, "call_w", r, want);
	else if (r == -SHOJI_ESRCH)
		gone(f, c.peer);
	else if (r < 0 || r > SHOJI_IPC_WORD)
		fz_bug(f, "call_w = %ld (%s)", r, r < 0 ? sys_errname(r) : "too long");
	else
		fz_on_word(f, rdx, (uint64_t)r, c.peer);
}

static void call_recv(struct fz *f)
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
		expect(f, "recv", r, want);
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
		expect(f, "reply_recv", r, want);
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
		expect(f, "reply_recv_w", r, want);
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

static void call_reply_recv(struct fz *f)
{
	enum fz_idk k;
	fz_reply_recv(f, fz_id(f, &k), false);
}

static void call_reply_recv_w(struct fz *f)
{
	enum fz_idk k;
	fz_reply_recv_w(f, fz_id(f, &k), fz_chance(f, 500) ? fz_rand(f) : fz_edge(f));
}

static void call_write(struct fz *f)
{
	uint64_t va, len, r = fz_below(f, 100);
	long want;

	if (r < 10) { /* a tail of the junk line */
		len = 1 + fz_below(f, sizeof(junk) - 1);
		va = (uint64_t)(uintptr_t)junk + sizeof(junk) - 1 - len;
		want = (long)len;
	} else if (r < 30) { /* nothing, from anywhere */
		len = 0;
		va = fz_chance(f, 500) ? fz_bad_addr(f) : fz_edge(f);
		want = 0;
	} else { /* must be refused: a readable range would print garbage */
		if (fz_buffer(f, false, 2 * FZ_PAGE, &va, &len) != CL_BAD) {
			len = 1 + fz_len(f, FZ_PAGE, true);
			if (!len)
				len = 1;
			va = bad_ptr(f, len, false);
		}
		want = -SHOJI_EFAULT;
	}
	expect(f, "write", fz_syscall(f, SYS_WRITE, va, len, fz_edge(f), 0, 0, 0), want);
}

static void call_stats(struct fz *f)
{
	uint64_t va, len;
	if (fz_chance(f, 600))
		va = fz_scratch(f, sizeof(struct shoji_stats));
	else
		fz_buffer(f, true, sizeof(struct shoji_stats), &va, &len);
	enum fz_class c = fz_classify(f, va, sizeof(struct shoji_stats), true);
	if (c == CL_KEEP)
		va = bad_ptr(f, sizeof(struct shoji_stats), true), c = CL_BAD;
	long r = fz_syscall(f, SYS_STATS, va, fz_edge(f), fz_edge(f), 0, 0, 0);
	expect(f, "stats", r, c == CL_BAD ? -SHOJI_EFAULT : 0);
	if (r || c == CL_BAD)
		return;
	struct shoji_stats st;
	memcpy(&st, (const void *)va, sizeof(st));
	if (st.syscalls < f->last_syscalls)
		fz_bug(f, "stats: %llu system calls, after %lu before", st.syscalls,
		       (unsigned long)f->last_syscalls);
	f->last_syscalls = st.syscalls;
}

static void call_yield(struct fz *f)
{
	expect(f, "yield", fz_syscall(f, SYS_YIELD, fz_edge(f), fz_edge(f), 0, 0, 0, 0), 0);
}

static void call_getpid(struct fz *f)
{
	expect(f, "getpid", fz_syscall(f, SYS_GETPID, fz_edge(f), 0, fz_edge(f), 0, 0, 0), f->id);
}

static void call_clock(struct fz *f)
{
	long r = fz_syscall(f, SYS_CLOCK, fz_edge(f), 0, 0, 0, 0, fz_edge(f));
	if (r < f->last_clock)
		fz_bug(f, "clock went back from %ld to %ld", f->last_clock, r);
	f->last_clock = r;
}

static void call_kmem(struct fz *f)
{
	long r = fz_syscall(f, SYS_KMEM, fz_edge(f), fz_edge(f), fz_edge(f), 0, 0, 0);
	if (r <= 0 || r > (1L << 20))
		fz_bug(f, "kmem = %ld", r);
}

/* Numbers past the table: ENOSYS, whatever the arguments (and whatever
 * the low bits: a kernel that cut the number to 32 bits would run a real
 * call). */
static void call_invalid(struct fz *f)
{
	static const uint64_t nr[] = {SYS_COUNT,
				      SYS_COUNT + 1,
				      31,
				      32,
				      63,
				      64,
				      65,
				      127,
				      255,
				      256,
				      0x7fffffffUL,
				      0x80000000UL,
				      0xffffffffUL,
				      1UL << 32,
				      1UL << 63,
				      (uint64_t)-1,
				      (uint64_t)INT64_MAX};
	uint64_t n = nr[fz_below(f, sizeof(nr) / sizeof(nr[0]))];
	if (fz_chance(f, 300)) /* a valid call in the low bits */
		n = (fz_chance(f, 500) ? 1UL << 32 : 1UL << 63) | (1 + fz_below(f, SYS_COUNT - 1));
	else if (fz_chance(f, 100))
		n = SYS_COUNT + fz_rand(f) % (1UL << 40);
	uint64_t a[6];
	for (unsigned i = 0; i < 6; i++)
		a[i] = fz_chance(f, 500) ? fz_edge(f) : fz_bad_addr(f);
	expect(f, "an invalid call number", fz_syscall(f, n, a[0], a[1], a[2], a[3], a[4], a[5]),
	       -SHOJI_ENOSYS);
}

/* The calls and their weights: the IPC and memory calls most. */
static const struct {
	unsigned weight;
	void (*run)(struct fz *f);
} table[SYS_COUNT + 1] = {
    [SYS_EXIT] = {0, 0}, /* the end of the run, never fuzzed */
    [SYS_WRITE] = {6, call_write},
    [SYS_YIELD] = {3, call_yield},
    [SYS_GETPID] = {2, call_getpid},
    [SYS_CLOCK] = {2, call_clock},
    [SYS_SEND] = {10, call_send},
    [SYS_RECV] = {8, call_recv},
    [SYS_CALL] = {10, call_call},
    [SYS_MAP] = {10, fz_heap_map},
    [SYS_UNMAP] = {10, fz_heap_unmap},
    [SYS_KMEM] = {2, call_kmem},
    [SYS_STATS] = {5, call_stats},
    [SYS_REPLY_RECV] = {8, call_reply_recv},
    [SYS_CALL_W] = {8, call_call_w},
    [SYS_REPLY_RECV_W] = {8, call_reply_recv_w},
    [SYS_COUNT] = {4, call_invalid},
};

void fz_call_one(struct fz *f)
{
	if (f->drain_at && f->calls >= f->drain_at) {
		f->drain_at = 0;
		fz_heap_drain(f);
		return;
	}
	if (f->fill_at && f->calls >= f->fill_at) {
		f->fill_at = 0;
		fz_heap_fill(f);
		return;
	}
	unsigned total = 0;
	for (unsigned i = 0; i <= SYS_COUNT; i++)
		total += table[i].weight;
	unsigned r = (unsigned)fz_below(f, total), i = 0;
	while (r >= table[i].weight)
		r -= table[i++].weight;
	table[i].run(f);
}
