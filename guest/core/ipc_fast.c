/* The IPC fast paths: word messages, and short ones between stacks, to a waiting task. */
#include "core/ipc_fast.h"
#include "core/ipc.h"
#include "core/sched.h"
#include "core/sched_return.h"
#include "core/syscall.h"
#include "core/task.h"
#include "core/uaccess.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define INLINE static inline __attribute__((always_inline))

/*
 * The task with this id when it waits in a receive for self, else 0:
 * task_by_id() and ipc_waits_for() in one.  A waiting task is not self,
 * which runs and so is runnable (audit.c checks that of current), and
 * not dead, which no test of its state then needs either.
 */
INLINE struct task *waiting_for(const struct task *self, uint64_t id)
{
	struct task *t = id < TASK_MAX ? task_table[id] : 0;
	if (!t || t->state != TASK_RECV_BLOCKED)
		return 0;
	return !t->ipc_peer || t->ipc_peer == self->id ? t : 0;
}

/*
 * dest, which the message made runnable, becomes current, with its page
 * tables and PKRU: sched_switch_now() less what the fast paths know.
 * self was on the CPU (its call saved its registers there), so this is a
 * switch, counted with the message in stat_ipc_fast (SYS_STATS adds
 * those to the switches and system calls).  True when dest runs in ring
 * 3; a ring-0 dest still needs sched_prepare_return().
 *
 * from_syscall: self came in by SYSCALL, so it is a ring-3 task, its
 * group is loaded and cpu_return_ring0 is 0.  A dest of the same group
 * is a ring-3 task too (a task's mode is its group's, which audit.c
 * checks): only its PKRU is left to load.
 */
INLINE bool switch_to(struct task *dest, bool from_syscall)
{
	stat_ipc_fast++;
	current = dest;
	sched_cpu.on_cpu = dest;
	if (from_syscall && likely(sched_cpu.loaded_group == dest->group)) {
		pkru_switch(dest->pkru);
		return true;
	}
	if (sched_cpu.loaded_group != dest->group)
		sched_load_group(dest->group);
	cpu_return_ring0 = dest->mode == MODE_KERNEL;
	if (cpu_return_ring0)
		return false;
	pkru_switch(dest->pkru);
	return true;
}

/* The end of a SYSCALL fast path once dest is current: a ring-3 dest was
 * blocked in a system call until now, and a ring-3 task enters the
 * kernel only by SYSCALL, so its frame is a SYSCALL frame. */
INLINE void syscall_return(bool ring3)
{
	if (likely(ring3))
		return_sysret();
	sched_prepare_return();
}

/*
 * Word messages (call_w, reply_recv_w) to a task waiting in a word
 * receive: nothing to check but the partner, nothing to copy but a
 * register.  The same ends as the general path (sys_call_w(),
 * reply_then_receive() in ipc.c); anything else is left to it.  Returns
 * dest with its message, or 0.
 */
INLINE struct task *word_deliver(struct task *self, uint64_t nr, uint64_t dest_id, uint64_t word)
{
	/* reply_recv_w: its receive must block (nothing queued for it yet). */
	if (nr == SYS_REPLY_RECV_W && unlikely(self->sendq != 0))
		return 0;
	struct task *dest = waiting_for(self, dest_id);
	/* A word receiver: its number is a word call's, the two highest. */
	if (unlikely(!dest || dest->regs.rax < SYS_CALL_W))
		return 0;
	/* call_w waits for the reply from dest, reply_recv_w for any task */
	self->state = TASK_RECV_BLOCKED;
	self->ipc_peer = nr == SYS_CALL_W ? (uint32_t)dest_id : 0;
	ipc_word_deliver(dest, word, self);
	ipc_complete(dest, SHOJI_IPC_WORD);
	return dest;
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
 * made, or it is left to run.  Returns whether dest is a ring-3 task, or
 * -1 when the general path must run.
 */
INLINE int buffer_deliver(struct task *self, uint64_t nr, bool from_syscall)
{
	const struct regs *r = &self->regs;
	uint64_t len = r->rdx, buf, cap, from;
	/* One CPU, one message in flight: a static buffer costs no frame. */
	static uint64_t msg[SHOJI_IPC_FAST_MAX / sizeof(uint64_t)];

	if (unlikely(len > SHOJI_IPC_FAST_MAX))
		return -1;
	if (unlikely(!uaccess_in_stack(self, r->rsi, len)))
		return -1;
	if (nr != SYS_SEND && unlikely(!uaccess_in_stack(self, r->r10, r->r8)))
		return -1;
	/* reply_recv: its receive must block (nothing queued for it yet). */
	if (nr == SYS_REPLY_RECV &&
	    unlikely(self->sendq || (r->r9 && !uaccess_in_stack(self, r->r9, sizeof(uint64_t)))))
		return -1;
	struct task *dest = waiting_for(self, r->rdi);
	/* dest waits in a receive: its number is one of recv, call,
	 * reply_recv, or a word call (the highest), which this path leaves. */
	if (unlikely(!dest || dest->regs.rax >= SYS_CALL_W))
		return -1;
	ipc_recv_buffer(dest, &buf, &cap, &from);
	uint64_t n = len < cap ? len : cap;
	if (unlikely(!uaccess_in_stack(dest, buf, n)))
		return -1;
	if (from && unlikely(!uaccess_in_stack(dest, from, sizeof(uint64_t))))
		return -1;

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
	bool ring3 = switch_to(dest, from_syscall);
	uaccess_stack_copy((void *)buf, msg, n); /* dest is current now */
	if (from)
		*(uint64_t *)from = self->id;
	uaccess_close();
	return ring3;
}

/* The SYSCALL entry's fast paths, one per call, so that the number is a
 * constant in each. */
INLINE void syscall_word(uint64_t nr, uint64_t dest_id, uint64_t word, uint64_t rdx)
{
	struct task *dest = word_deliver(current, nr, dest_id, word);
	if (unlikely(!dest)) {
		syscall_dispatch(dest_id, word, rdx);
		return;
	}
	syscall_return(switch_to(dest, true));
}

INLINE void syscall_buffer(uint64_t nr, uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	int ring3 = buffer_deliver(current, nr, true);
	if (unlikely(ring3 < 0)) {
		syscall_dispatch(rdi, rsi, rdx);
		return;
	}
	syscall_return(ring3);
}

void ipc_fast_send(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	syscall_buffer(SYS_SEND, rdi, rsi, rdx);
}

void ipc_fast_call(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	syscall_buffer(SYS_CALL, rdi, rsi, rdx);
}

void ipc_fast_reply_recv(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	syscall_buffer(SYS_REPLY_RECV, rdi, rsi, rdx);
}

void ipc_fast_call_w(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	syscall_word(SYS_CALL_W, rdi, rsi, rdx);
}

void ipc_fast_reply_recv_w(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	syscall_word(SYS_REPLY_RECV_W, rdi, rsi, rdx);
}

/* The gate's and the audited dispatcher's way in: the same paths, the
 * number and arguments read from t's saved registers. */
bool ipc_fast_offer(struct task *t)
{
	uint64_t nr = t->regs.rax;
	int ring3;
	if (nr == SYS_CALL_W || nr == SYS_REPLY_RECV_W) {
		struct task *dest = word_deliver(t, nr, t->regs.rdi, t->regs.rsi);
		if (!dest)
			return false;
		ring3 = switch_to(dest, false);
	} else if (nr == SYS_SEND || nr == SYS_CALL || nr == SYS_REPLY_RECV) {
		ring3 = buffer_deliver(t, nr, false);
		if (ring3 < 0)
			return false;
	} else {
		return false;
	}
	if (!ring3)
		sched_prepare_return();
	return true;
}
