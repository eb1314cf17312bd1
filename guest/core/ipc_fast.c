/* The IPC fast paths: word messages, and short ones between stacks, to a waiting task. */
#include "core/ipc_fast.h"
#include "core/ipc.h"
#include "core/sched.h"
#include "core/sched_return.h"
#include "core/syscall.h"
#include "core/task.h"
#include "core/uaccess.h"

#define unlikely(x) __builtin_expect(!!(x), 0)

_Static_assert(ENTRY_IPC_FAST_CALLS == IPC_FAST_CALLS,
	       "entry.S offers the calls the fast paths take");
_Static_assert(SYS_REPLY_RECV_W == SYS_CALL_W + 1 && SYS_COUNT == SYS_REPLY_RECV_W + 1 &&
		   ENTRY_SYS_CALL_W == SYS_CALL_W,
	       "the word calls are the two highest numbers");

/* The end both fast paths share once dest has its message and is current:
 * the counters, and a ring-0 receiver's return frame. */
static inline bool delivered(struct task *dest)
{
	stat_syscalls++;
	stat_ipc_fast++;
	if (dest->mode == MODE_KERNEL)
		sched_prepare_return();
	return true;
}

/*
 * Word messages (call_w, reply_recv_w) to a task waiting in a word
 * receive: nothing to check but the partner, nothing to copy but a
 * register.  The same ends as the general path (sys_call_w(),
 * reply_then_receive() in ipc.c); anything else is left to it.  A
 * function of its own, which the entry paths call directly, so that it
 * runs without the buffer path's frame.
 */
bool ipc_fast_word(struct task *self)
{
	const struct regs *r = &self->regs;
	uint64_t nr = r->rax;

	/* reply_recv_w: its receive must block (nothing queued for it yet). */
	if (nr == SYS_REPLY_RECV_W && unlikely(self->sendq != 0))
		return false;
	struct task *dest = task_by_id(r->rdi);
	if (unlikely(!dest || dest == self || !ipc_waits_for(dest, self) || !ipc_word(dest)))
		return false;

	/* call_w waits for the reply from dest, reply_recv_w for any task */
	self->state = TASK_RECV_BLOCKED;
	self->ipc_peer = nr == SYS_CALL_W ? dest->id : 0;
	ipc_word_deliver(dest, r->rsi, self);
	ipc_complete(dest, SHOJI_IPC_WORD);
	sched_switch_now(dest);
	return delivered(dest);
}

/*
 * The buffer fast path: a message of at most SHOJI_IPC_FAST_MAX bytes on the
 * sender's stack, to a task already waiting for it with its buffers on its
 * own stack.  It ends as send_to() and sys_reply_recv() end (ipc.c), with
 * the same results and queue order, but the copies go through the tasks'
 * own addresses instead of page walks: the message is read under the
 * sender's page tables and PKRU into a kernel buffer, and written under
 * the receiver's after the switch to it (stacks stay mapped under their
 * owner's key: uaccess_in_stack()).  Every check of the general path is
 * made, or it is left to run.
 */
bool ipc_fast(struct task *self)
{
	const struct regs *r = &self->regs;
	uint64_t len = r->rdx, buf, cap, from, nr = r->rax;
	/* One CPU, one message in flight: a static buffer costs no frame. */
	static uint64_t msg[SHOJI_IPC_FAST_MAX / sizeof(uint64_t)];

	if (unlikely(len > SHOJI_IPC_FAST_MAX))
		return false;
	if (unlikely(!uaccess_in_stack(self, r->rsi, len)))
		return false;
	if (nr != SYS_SEND && unlikely(!uaccess_in_stack(self, r->r10, r->r8)))
		return false;
	/* reply_recv: its receive must block (nothing queued for it yet). */
	if (nr == SYS_REPLY_RECV &&
	    unlikely(self->sendq || (r->r9 && !uaccess_in_stack(self, r->r9, sizeof(uint64_t)))))
		return false;
	struct task *dest = task_by_id(r->rdi);
	/* dest waits in a receive: its number is one of recv, call,
	 * reply_recv, or a word call (the highest), which this path leaves. */
	if (unlikely(!dest || dest == self || !ipc_waits_for(dest, self) ||
		     dest->regs.rax >= SYS_CALL_W))
		return false;
	ipc_recv_buffer(dest, &buf, &cap, &from);
	uint64_t n = len < cap ? len : cap;
	if (unlikely(!uaccess_in_stack(dest, buf, n)))
		return false;
	if (from && unlikely(!uaccess_in_stack(dest, from, sizeof(uint64_t))))
		return false;

	uaccess_open();
	uaccess_stack_copy(msg, (const void *)r->rsi, n); /* self is current */
	if (nr == SYS_SEND) {
		self->regs.rax = n; /* goes on right after the receiver */
		sched_enqueue(self, true);
	} else {
		/* call waits for the reply from dest, reply_recv for any task */
		self->state = TASK_RECV_BLOCKED;
		self->ipc_peer = nr == SYS_CALL ? dest->id : 0;
	}
	ipc_complete(dest, (int64_t)n);
	sched_switch_now(dest);
	uaccess_stack_copy((void *)buf, msg, n); /* dest is current now */
	if (from)
		*(uint64_t *)from = self->id;
	uaccess_close();
	return delivered(dest);
}
