/* The IPC fast paths: word messages, and short ones between stacks, to a waiting task. */
#include "core/ipc_fast.h"
#include "core/audit.h"
#include "core/ipc.h"
#include "core/sched.h"
#include "core/sched_return.h"
#include "core/syscall.h"
#include "core/task.h"
#include "core/uaccess.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define INLINE static inline __attribute__((always_inline))

/* A task blocked in a receive has the number of the call it blocked in,
 * and these compare it with SYS_CALL_W: the word calls must be the two
 * highest numbers of the IPC calls.  A number above them (SYS_TASKINFO, SYS_PMU)
 * must never block, nor be a fast path's (IPC_FAST_CALLS). */
_Static_assert(SYS_REPLY_RECV_W == SYS_CALL_W + 1 && SYS_SEND < SYS_CALL_W &&
		   SYS_RECV < SYS_CALL_W && SYS_CALL < SYS_CALL_W && SYS_REPLY_RECV < SYS_CALL_W,
	       "the word calls are the two highest IPC numbers");
_Static_assert(IPC_FAST_CALLS >> (SYS_REPLY_RECV_W + 1) == 0, "no fast path above the word calls");
_Static_assert(SYS_COUNT == SYS_PMU + 1, "a new call: check that it never blocks in a receive");

/* Words of task memory, at any alignment. */
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_word;

/* uaccess_stack_copy() out of line, for the messages not moved in two
 * words, keeping every register. */
static __attribute__((noinline, no_caller_saved_registers)) void
stack_copy(void *dst, const void *src, uint64_t len)
{
	uaccess_stack_copy(dst, src, len);
}

/* The calls of the fast paths to functions that keep every register
 * (no_caller_saved_registers), written as such: GCC 12 spills the
 * registers ENTRY_CFLAGS makes call-used around them all the same, and
 * then gives every fast path a stack frame for it.  No red zone in the
 * kernel (Makefile), so the CALL may push below RSP. */
INLINE void copy_keeping_regs(void *dst, const void *src, uint64_t len)
{
	__asm__ volatile("call %P3" : : "D"(dst), "S"(src), "d"(len), "i"(stack_copy) : "memory");
}
INLINE void load_group_keeping_regs(struct group *g)
{
	__asm__ volatile("call %P1" : : "D"(g), "i"(sched_load_group) : "memory");
}

/*
 * The task with this id when it waits in a receive for self, else 0:
 * task_by_id() and ipc_waits_for() in one.  A waiting task is not self,
 * which runs and so is runnable (audit.c checks that of current), and
 * not dead, which no test of its state then needs either.
 */
/* How a call came in: the gate (ipc_fast_take), or the SYSCALL entry,
 * whose fast exit audit=on checks first (return_sysret_audited, entry.S);
 * WAY_MP with more than one CPU up (the _mp entries of entry.S), a
 * constant in each copy, so that one CPU's paths test nothing of it. */
enum way {
	BY_GATE,
	BY_SYSCALL,
	BY_SYSCALL_AUDITED,
	WAY_MP = 4,
};
INLINE enum way way_kind(enum way way)
{
	return (enum way)(way & ~WAY_MP);
}

INLINE struct task *waiting_for(const struct task *self, uint64_t id, enum way way)
{
	struct task *t = id < TASK_MAX ? task_table[id] : 0;
	if (!t || t->state != TASK_RECV_BLOCKED)
		return 0;
	/* A task of another CPU is the general path's, in a world section
	 * (core/sched.h): here only this CPU's lock is held. */
	if ((way & WAY_MP) && unlikely(t->cpu != self->cpu))
		return 0;
	return !t->ipc_peer || t->ipc_peer == self->id ? t : 0;
}

/*
 * dest, which the message made runnable, becomes current with its page
 * tables, PKRU and FPU state (the FPU's with the tables: core/sched.h):
 * sched_switch_now() less what the fast paths know.  self was on the CPU
 * (its call saved its registers there), so this is a switch, counted
 * with the message in stat_ipc_fast (SYS_STATS adds those to the
 * switches and system calls).  First switch_begin(), then
 * either, when same_group() holds, pkru_switch() alone, or else
 * switch_rest(), true when dest runs in ring 3 (a ring-0 dest still needs
 * sched_prepare_return()).
 *
 * same_group(): self came in by SYSCALL, so it is a ring-3 task, its
 * group is loaded and cpu_return_ring0 is 0; a dest of the same group is
 * a ring-3 task too (a task's mode is its group's, which audit.c checks),
 * and then only its PKRU is left to load.
 */
INLINE void switch_begin(struct task *dest)
{
	stat_ipc_fast++;
	current = dest;
	sched_cpu.on_cpu = dest;
}
INLINE bool same_group(const struct task *dest, enum way way)
{
	return way_kind(way) != BY_GATE && likely(sched_cpu.loaded_group == dest->group);
}
INLINE bool switch_rest(struct task *dest)
{
	if (sched_cpu.loaded_group != dest->group)
		load_group_keeping_regs(dest->group);
	cpu_return_ring0 = dest->mode == MODE_KERNEL;
	if (cpu_return_ring0)
		return false;
	pkru_switch(dest->pkru);
	return true;
}

/* return_sysret() (entry.S), the end of a SYSCALL fast path to a ring-3
 * dest: it was blocked in a system call until now, and a ring-3 task
 * enters the kernel only by SYSCALL, so its frame is a SYSCALL frame.  A
 * jump: GCC calls a _Noreturn function, after aligning the stack. */
INLINE _Noreturn void leave_by_sysret(enum way way)
{
	/* One asm, its target a constant: two would let GCC move the jump
	 * to a cold block, one more instruction on the way out. */
	__asm__ volatile("jmp %P0"
			 :
			 : "i"(way == BY_SYSCALL_AUDITED	      ? return_sysret_audited
			       : way == (BY_SYSCALL_AUDITED | WAY_MP) ? return_sysret_audited_mp
			       : way & WAY_MP			      ? return_sysret_mp
								      : return_sysret));
	__builtin_unreachable();
}

/* The end of a SYSCALL fast path after switch_rest(). */
INLINE void syscall_return(bool ring3, enum way way)
{
	if (likely(ring3))
		leave_by_sysret(way);
	sched_prepare_return();
}

/*
 * Word messages (call_w, reply_recv_w) to a task waiting in a word
 * receive: nothing to check but the partner, nothing to copy but a
 * register.  The same ends as the general path (sys_call_w(),
 * reply_then_receive() in ipc.c); anything else is left to it.  Returns
 * dest with its message, or 0.
 */
INLINE struct task *word_deliver(struct task *self, uint64_t nr, uint64_t dest_id, uint64_t word,
				 enum way way)
{
	/* reply_recv_w: its receive must block (nothing queued for it yet). */
	if (nr == SYS_REPLY_RECV_W && unlikely(self->sendq != 0))
		return 0;
	struct task *dest = waiting_for(self, dest_id, way);
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

/* The second half of a buffer message, dest current now (its page
 * tables and PKRU loaded): the words or the kernel buffer into its
 * buffer, and the sender's id into *from. */
INLINE void copy_out(uint64_t buf, uint64_t n, uint64_t from, uint32_t id, bool words, uint64_t w0,
		     uint64_t w1, const uint64_t *msg)
{
	if (words) {
		*(unaligned_word *)buf = w0;
		*(unaligned_word *)(buf + n - sizeof(uint64_t)) = w1;
	} else {
		copy_keeping_regs((void *)buf, msg, n);
	}
	if (from)
		*(uint64_t *)from = id;
	uaccess_close();
}

/* What the general path would leave: the receive self blocks in after
 * its send, in registers (ipc.c says which). */
struct rx {
	uint64_t buf, cap, from;
};

/* buffer_deliver() once everything is checked: the message of n bytes
 * from sbuf to dest, in two words when `words` (a constant in each copy,
 * so that the test is made once). */
INLINE int buffer_move(struct task *self, uint64_t nr, struct task *dest, uint64_t dest_id,
		       uint64_t sbuf, uint64_t n, struct rx rx, enum way way, bool words)
{
	/* One message in flight per CPU: a buffer in the window costs no frame. */
	static uint64_t msg[SHOJI_IPC_FAST_MAX / sizeof(uint64_t)] PERCPU;
	uint64_t buf = dest->rx_buf, from = dest->rx_from, w0 = 0, w1 = 0;

	uaccess_open(); /* self is current */
	if (words) {
		w0 = *(const unaligned_word *)sbuf;
		w1 = *(const unaligned_word *)(sbuf + n - sizeof(uint64_t));
	} else {
		copy_keeping_regs(msg, (const void *)sbuf, n);
	}
	if (nr == SYS_SEND) {
		self->regs.rax = n; /* goes on right after the receiver */
		sched_enqueue_here(self, true);
	} else {
		/* call waits for the reply from dest, reply_recv for any task;
		 * its buffers were checked as ipc_block_receive() would */
		self->state = TASK_RECV_BLOCKED;
		self->ipc_peer = nr == SYS_CALL ? (uint32_t)dest_id : 0;
		self->rx_buf = rx.buf, self->rx_cap = rx.cap, self->rx_from = rx.from;
	}
	ipc_complete(dest, (int64_t)n);
	switch_begin(dest);
	if (same_group(dest, way)) {
		pkru_switch(dest->pkru);
		copy_out(buf, n, from, self->id, words, w0, w1, msg);
		leave_by_sysret(way);
	}
	bool ring3 = switch_rest(dest);
	copy_out(buf, n, from, self->id, words, w0, w1, msg);
	return ring3;
}

/*
 * The buffer fast path: a message of at most SHOJI_IPC_FAST_MAX bytes on the
 * sender's stack, to a task already waiting for it with its buffers on its
 * own stack.  It ends as send_to() and sys_reply_recv() end (ipc.c), with
 * the same results and queue order, but the copies go through the tasks'
 * own addresses instead of page walks: the message is read under the
 * sender's page tables and PKRU (into two registers when it is 8 to 16
 * bytes long, else a kernel buffer), and written under the receiver's
 * after the switch to it (stacks stay mapped under their owner's key:
 * uaccess_in_stack()).  Every check of the general path is made, or it is
 * left to run; the receiver's buffers were checked when it blocked (its
 * rx_ words, ipc.h).  From SYSCALL to a task of the same group it ends
 * by SYSRET; else it returns whether dest is a ring-3 task, or -1 when
 * the general path must run.
 */
INLINE int buffer_deliver(struct task *self, uint64_t nr, uint64_t dest_id, uint64_t sbuf,
			  uint64_t len, enum way way)
{
	const struct regs *r = &self->regs;
	struct rx rx = {r->r10, r->r8, nr == SYS_REPLY_RECV ? r->r9 : 0};

	if (unlikely(len > SHOJI_IPC_FAST_MAX || !uaccess_in_stack(self, sbuf, len)))
		return -1;
	if (nr != SYS_SEND && unlikely(!uaccess_in_stack(self, rx.buf, rx.cap)))
		return -1;
	/* reply_recv: its receive must block (nothing queued for it yet). */
	if (nr == SYS_REPLY_RECV && unlikely(self->sendq != 0))
		return -1;
	/* (a server's *from is the usual case: no hint that it is 0) */
	if (nr == SYS_REPLY_RECV && rx.from &&
	    unlikely(!uaccess_in_stack(self, rx.from, sizeof(uint64_t))))
		return -1;
	struct task *dest = waiting_for(self, dest_id, way);
	/* dest waits in a buffer receive (the word calls are the highest
	 * numbers) with its buffers in its stack (rx_buf, ipc.h). */
	if (unlikely(!dest || dest->regs.rax >= SYS_CALL_W || !dest->rx_buf))
		return -1;
	uint64_t n = len < dest->rx_cap ? len : dest->rx_cap;
	if (likely(n - sizeof(uint64_t) <= sizeof(uint64_t)))
		return buffer_move(self, nr, dest, dest_id, sbuf, n, rx, way, true);
	return buffer_move(self, nr, dest, dest_id, sbuf, n, rx, way, false);
}

/* The general path for a call the fast path leaves. */
INLINE void general(uint64_t rdi, uint64_t rsi, uint64_t rdx, enum way way)
{
	if (way & WAY_MP)
		syscall_dispatch_mp(rdi, rsi, rdx);
	else
		syscall_dispatch(rdi, rsi, rdx);
}

/* The SYSCALL entry's fast paths, one per call, so that the number is a
 * constant in each. */
INLINE void syscall_word(uint64_t nr, uint64_t dest_id, uint64_t word, uint64_t rdx, enum way way)
{
	struct task *dest = word_deliver(current, nr, dest_id, word, way);
	if (unlikely(!dest)) {
		general(dest_id, word, rdx, way);
		return;
	}
	switch_begin(dest);
	if (same_group(dest, way)) {
		pkru_switch(dest->pkru);
		leave_by_sysret(way);
	}
	syscall_return(switch_rest(dest), way);
}

INLINE void syscall_buffer(uint64_t nr, uint64_t rdi, uint64_t rsi, uint64_t rdx, enum way way)
{
	int ring3 = buffer_deliver(current, nr, rdi, rsi, rdx, way);
	if (unlikely(ring3 < 0)) {
		general(rdi, rsi, rdx, way);
		return;
	}
	syscall_return(ring3, way);
}

/* One entry function per call and way, so that both are constants. */
#define FAST_ENTRY(name, how, nr, way)                                                             \
	void name(uint64_t rdi, uint64_t rsi, uint64_t rdx)                                        \
	{                                                                                          \
		how(nr, rdi, rsi, rdx, way);                                                       \
	}
FAST_ENTRY(ipc_fast_send, syscall_buffer, SYS_SEND, BY_SYSCALL)
FAST_ENTRY(ipc_fast_call, syscall_buffer, SYS_CALL, BY_SYSCALL)
FAST_ENTRY(ipc_fast_reply_recv, syscall_buffer, SYS_REPLY_RECV, BY_SYSCALL)
FAST_ENTRY(ipc_fast_call_w, syscall_word, SYS_CALL_W, BY_SYSCALL)
FAST_ENTRY(ipc_fast_reply_recv_w, syscall_word, SYS_REPLY_RECV_W, BY_SYSCALL)
FAST_ENTRY(ipc_fast_send_mp, syscall_buffer, SYS_SEND, BY_SYSCALL | WAY_MP)
FAST_ENTRY(ipc_fast_call_mp, syscall_buffer, SYS_CALL, BY_SYSCALL | WAY_MP)
FAST_ENTRY(ipc_fast_reply_recv_mp, syscall_buffer, SYS_REPLY_RECV, BY_SYSCALL | WAY_MP)
FAST_ENTRY(ipc_fast_call_w_mp, syscall_word, SYS_CALL_W, BY_SYSCALL | WAY_MP)
FAST_ENTRY(ipc_fast_reply_recv_w_mp, syscall_word, SYS_REPLY_RECV_W, BY_SYSCALL | WAY_MP)

/*
 * audit=on: the same fast paths, with the invariants checked after each
 * call however it ends: by SYSRET (return_sysret_audited calls
 * ipc_fast_audit_exit() first), or back here (the general path, or a
 * ring-0 receiver).  So the branch that trusts a same-group receiver to
 * be a ring-3 task with a SYSCALL frame runs under the audit too.
 */
/* The caller of this CPU's fast path, which another CPU's may overwrite
 * meanwhile if it were shared. */
static uint32_t audited_caller PERCPU;

void ipc_fast_audit_exit(void)
{
	__atomic_fetch_add(&audit_fast_exits, 1, __ATOMIC_RELAXED); /* outside a world section */
	audit_check("an IPC fast path (its SYSRET exit)", audited_caller);
}

#define FAST_ENTRY_AUDITED(name, how, nr)                                                          \
	void name##_audited(uint64_t rdi, uint64_t rsi, uint64_t rdx)                              \
	{                                                                                          \
		audited_caller = current->id;                                                      \
		how(nr, rdi, rsi, rdx, BY_SYSCALL_AUDITED);                                        \
		audit_check("a system call", audited_caller);                                      \
	}                                                                                          \
	void name##_audited_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx)                           \
	{                                                                                          \
		audited_caller = current->id;                                                      \
		how(nr, rdi, rsi, rdx, BY_SYSCALL_AUDITED | WAY_MP);                               \
		audit_check("a system call", audited_caller);                                      \
	}
FAST_ENTRY_AUDITED(ipc_fast_send, syscall_buffer, SYS_SEND)
FAST_ENTRY_AUDITED(ipc_fast_call, syscall_buffer, SYS_CALL)
FAST_ENTRY_AUDITED(ipc_fast_reply_recv, syscall_buffer, SYS_REPLY_RECV)
FAST_ENTRY_AUDITED(ipc_fast_call_w, syscall_word, SYS_CALL_W)
FAST_ENTRY_AUDITED(ipc_fast_reply_recv_w, syscall_word, SYS_REPLY_RECV_W)

/* The gate's way in: the same paths, the number and arguments read from
 * t's saved registers. */
INLINE bool gate_take(struct task *t, enum way way)
{
	uint64_t nr = t->regs.rax;
	int ring3;
	if (nr >= SYS_CALL_W) { /* call_w, reply_recv_w: the two highest */
		struct task *dest = word_deliver(t, nr, t->regs.rdi, t->regs.rsi, way);
		if (!dest)
			return false;
		switch_begin(dest);
		ring3 = switch_rest(dest);
	} else {
		ring3 = buffer_deliver(t, nr, t->regs.rdi, t->regs.rsi, t->regs.rdx, way);
		if (ring3 < 0)
			return false;
	}
	if (!ring3)
		sched_prepare_return();
	return true;
}

bool ipc_fast_take(struct task *t)
{
	return gate_take(t, BY_GATE);
}

bool ipc_fast_take_mp(struct task *t)
{
	return gate_take(t, BY_GATE | WAY_MP);
}
