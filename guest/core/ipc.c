/* Synchronous IPC: send, receive and call by task id, as a rendezvous.
 *
 * A blocked task is its saved registers: the system call's arguments stay
 * in regs (RDI, RSI, RDX, R10, R8, R9) and RAX still holds its number until
 * the result is written, so no IPC state beyond the partner id is kept.
 *   send(dest, buf, len)               rdi rsi rdx
 *   recv(src, buf, cap, from*)         rdi rsi rdx r10
 *   call(dest, buf, len, rbuf, rcap)   rdi rsi rdx r10 r8
 *   reply_recv(dest, buf, len, rbuf, rcap, from*)  rdi rsi rdx r10 r8 r9
 *   call_w(dest, word), reply_recv_w(dest, word)   rdi rsi
 * A word message is its 8 bytes in RSI; a word receiver gets the message's
 * first 8 bytes in RDX (and reply_recv_w the sender's id in RSI).
 * A caller first sends, then waits in the receive state for its reply; a
 * server's reply_recv delivers its reply (never waiting for that), then
 * receives from any task.  Short messages between stacks, to a task
 * already waiting, take the fast path first (ipc_fast.c); this is the
 * general path, for everything else.
 */
#include "core/ipc.h"
#include "core/sched.h"
#include "core/syscall.h"
#include "core/task.h"
#include "core/uaccess.h"

/* Copies the message of sender s into receiver r, completes r's receive
 * (result and *from), and returns the bytes moved or -SHOJI_EFAULT.  A
 * word is an 8-byte message, on either side. */
static int64_t transfer(struct task *s, struct task *r)
{
	uint64_t len = ipc_word(s) ? SHOJI_IPC_WORD : s->regs.rdx, id = s->id;
	uint64_t word = s->regs.rsi, buf, cap, from, n;
	int fault = 0;

	if (ipc_word(r)) {
		n = len < SHOJI_IPC_WORD ? len : SHOJI_IPC_WORD;
		if (!ipc_word(s)) { /* its first n bytes, zero-extended */
			word = 0;
			fault = copy_from_task(s, &word, s->regs.rsi, n);
		}
		ipc_word_deliver(r, word, s);
	} else {
		ipc_recv_buffer(r, &buf, &cap, &from);
		n = len < cap ? len : cap; /* truncate to the buffer */
		if (ipc_word(s))
			fault = copy_to_task(r, buf, &word, n);
		else
			fault = copy_task_to_task(r, buf, s, s->regs.rsi, n);
		if (!fault && from)
			fault = copy_to_task(r, from, &id, sizeof(id));
	}
	/* Every pointer was checked at entry: only a kernel bug faults here. */
	int64_t res = fault ? -SHOJI_EFAULT : (int64_t)n;
	ipc_complete(r, res);
	return res;
}

/* Validates the send half of a send or call; the destination or an error. */
static int64_t send_check(struct task *self, const struct regs *r, struct task **dest)
{
	if (!ipc_word(self)) { /* a word carries no buffer */
		if (r->rdx > SHOJI_IPC_MAX)
			return -SHOJI_EMSGSIZE;
		if (uaccess_check(self, r->rsi, r->rdx, false))
			return -SHOJI_EFAULT;
	}
	*dest = task_by_id(r->rdi);
	if (!*dest)
		return -SHOJI_ESRCH;
	if (*dest == self)
		return -SHOJI_EDEADLK;
	return 0;
}

static void block_sending(struct task *self, struct task *dest)
{
	self->state = TASK_SEND_BLOCKED;
	self->ipc_peer = dest->id;
	self->sendq_next = 0;
	struct task **p = &dest->sendq;
	while (*p)
		p = &(*p)->sendq_next;
	*p = self;
}

uint64_t ipc_rx_expected(const struct task *t)
{
	uint64_t buf, cap, from;
	if (ipc_word(t))
		return 0;
	ipc_recv_buffer(t, &buf, &cap, &from);
	if (!uaccess_in_stack(t, buf, cap) ||
	    (from && !uaccess_in_stack(t, from, sizeof(uint64_t))))
		return 0;
	return buf;
}

void ipc_block_receive(struct task *t, uint32_t src)
{
	uint64_t buf, cap, from;
	t->state = TASK_RECV_BLOCKED;
	t->ipc_peer = src;
	if (ipc_word(t))
		return; /* the buffer fast path leaves word receivers */
	ipc_recv_buffer(t, &buf, &cap, &from);
	t->rx_buf = ipc_rx_expected(t);
	t->rx_cap = cap;
	t->rx_from = from;
}

/* The message of a sender is in; the sender goes on or waits for a reply. */
static void sender_done(struct task *s, struct task *r, int64_t res, bool front)
{
	if (ipc_is_call(s) && res >= 0) {
		ipc_block_receive(s, r->id);
		return;
	}
	ipc_complete(s, res);
	sched_ready(s, front);
}

/* Shared tail of send and call: deliver now or wait in dest's queue.  The
 * woken receiver runs next (direct switch), which keeps a round trip to
 * two switches. */
static int64_t send_to(struct task *self, struct task *dest)
{
	if (!ipc_waits_for(dest, self)) {
		block_sending(self, dest);
		return SYSCALL_DEFERRED;
	}
	bool call = ipc_is_call(self);
	int64_t res = transfer(self, dest);
	if (call && res < 0) {
		sched_enqueue(dest, true);
		return res;
	}
	if (call) {
		sender_done(self, dest, res, false); /* now waits for the reply */
	} else {
		/* The sender goes on right after the receiver. */
		self->regs.rax = (uint64_t)res;
		sched_enqueue(self, true);
		current = 0;
	}
	sched_enqueue(dest, true); /* the woken receiver runs next */
	return SYSCALL_DEFERRED;
}

int64_t sys_send(struct task *self, const struct regs *r)
{
	struct task *dest;
	int64_t rc = send_check(self, r, &dest);
	return rc ? rc : send_to(self, dest);
}

int64_t sys_call(struct task *self, const struct regs *r)
{
	struct task *dest;
	/* Every pointer is checked before the partner is looked at. */
	if (uaccess_check(self, r->r10, r->r8, true))
		return -SHOJI_EFAULT;
	int64_t rc = send_check(self, r, &dest);
	return rc ? rc : send_to(self, dest);
}

/* Self (current) starts to receive from src (0: any task): takes the
 * first matching sender queued on it, if any, and then its result is
 * written; else it blocks.  True when a message was taken. */
static bool receive(struct task *self, uint64_t src)
{
	ipc_block_receive(self, (uint32_t)src);
	for (struct task **p = &self->sendq; *p; p = &(*p)->sendq_next) {
		struct task *s = *p;
		if (src && s->id != src)
			continue;
		*p = s->sendq_next;
		int64_t res = transfer(s, self);
		sender_done(s, self, res, false);
		return true; /* transfer() wrote our result */
	}
	return false; /* blocked until a sender arrives */
}

int64_t sys_recv(struct task *self, const struct regs *r)
{
	uint64_t src = r->rdi;

	if (uaccess_check(self, r->rsi, r->rdx, true) ||
	    (r->r10 && uaccess_check(self, r->r10, sizeof(uint64_t), true)))
		return -SHOJI_EFAULT;
	if (src && !task_by_id(src))
		return -SHOJI_ESRCH;
	if (src == self->id)
		return -SHOJI_EDEADLK;

	receive(self, src);
	return SYSCALL_DEFERRED;
}

int64_t sys_call_w(struct task *self, const struct regs *r)
{
	struct task *dest;
	int64_t rc = send_check(self, r, &dest);
	return rc ? rc : send_to(self, dest);
}

/* reply_recv and reply_recv_w after their pointer checks. */
static int64_t reply_then_receive(struct task *self, const struct regs *r)
{
	struct task *dest;
	int64_t rc = send_check(self, r, &dest);
	if (rc)
		return rc;
	if (!ipc_waits_for(dest, self))
		return -SHOJI_EAGAIN; /* a reply never waits */
	int64_t res = transfer(self, dest);
	if (res < 0) {
		sched_enqueue(dest, true);
		return res;
	}
	/* The replied-to task runs next; we run after it if a message is
	 * already queued for us, else we wait for one. */
	if (receive(self, 0)) {
		sched_enqueue(self, true);
		current = 0;
	}
	sched_enqueue(dest, true);
	return SYSCALL_DEFERRED;
}

int64_t sys_reply_recv(struct task *self, const struct regs *r)
{
	/* Every pointer is checked before anything moves. */
	if (uaccess_check(self, r->r10, r->r8, true) ||
	    (r->r9 && uaccess_check(self, r->r9, sizeof(uint64_t), true)))
		return -SHOJI_EFAULT;
	return reply_then_receive(self, r);
}

int64_t sys_reply_recv_w(struct task *self, const struct regs *r)
{
	return reply_then_receive(self, r);
}

/* p, blocked in IPC with a task that is gone, goes on with -ESRCH.  p
 * may be current: the deadlock resolver ends tasks while the task that
 * blocked last is still current (sched.c). */
static void fail_partner(struct task *p)
{
	ipc_complete(p, -SHOJI_ESRCH);
	sched_ready(p, false);
}

void ipc_task_gone(struct task *t)
{
	/* Out of the queue it was sending into (its state is DEAD already:
	 * a stale ipc_peer, of a send that completed, finds it in none). */
	struct task *dest = task_by_id(t->ipc_peer);
	if (dest) {
		for (struct task **p = &dest->sendq; *p; p = &(*p)->sendq_next) {
			if (*p == t) {
				*p = t->sendq_next;
				break;
			}
		}
	}
	/* Senders queued on it, and receivers waiting on it by name (callers
	 * waiting for its reply among them), learn it is gone. */
	for (struct task *s = t->sendq; s;) {
		struct task *n = s->sendq_next;
		fail_partner(s);
		s = n;
	}
	t->sendq = 0;
	for (uint32_t id = 1; id < TASK_MAX; id++) {
		struct task *w = task_by_id(id);
		if (w && w->state == TASK_RECV_BLOCKED && w->ipc_peer == t->id)
			fail_partner(w);
	}
}
