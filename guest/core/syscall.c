/* System-call dispatch: what entry.S calls on a SYSCALL or a gate entry
 * (built with ENTRY_CFLAGS, guest/kernel.mk); the table of handlers is
 * guest/core/syscall_table.c. */
#include "core/syscall.h"
#include "core/audit.h"
#include "core/ipc_fast.h"
#include "core/sched.h"
#include "core/sched_return.h"
#include "core/task.h"
#include "core/uaccess.h"
#include "isolation/isolation.h"

uint64_t stat_syscalls PERCPU_STAT, stat_ipc_fast PERCPU_STAT;

/* The general path, in a world section (core/sched.h): a call may touch
 * tasks of other CPUs, groups and memory. */
static inline __attribute__((always_inline)) void syscall_run(struct task *t)
{
	world_enter();
	uint64_t nr = t->regs.rax;
	int64_t ret = -SHOJI_ENOSYS;

	stat_syscalls++;
	if (nr < SYS_COUNT && syscall_table[nr])
		ret = syscall_table[nr](t, &t->regs);
	if (ret != SYSCALL_DEFERRED)
		t->regs.rax = (uint64_t)ret;
	world_leave();
}

_Static_assert(ENTRY_SYS_COUNT == SYS_COUNT, "entry.S knows the number of calls");

/* Every number has its line: a new call changes SYS_COUNT, which the
 * assertion above then finds unequal to ENTRY_SYS_COUNT. */
entry_fn *entry_syscall_table[SYS_COUNT] = {
    [SYS_EXIT] = syscall_dispatch,
    [SYS_WRITE] = syscall_dispatch,
    [SYS_YIELD] = syscall_dispatch,
    [SYS_GETPID] = syscall_dispatch,
    [SYS_CLOCK] = syscall_dispatch,
    [SYS_RECV] = syscall_dispatch,
    [SYS_MAP] = syscall_dispatch,
    [SYS_UNMAP] = syscall_dispatch,
    [SYS_KMEM] = syscall_dispatch,
    [SYS_STATS] = syscall_dispatch,
    [SYS_TASKINFO] = syscall_dispatch,
    [SYS_PMU] = syscall_dispatch,
    [SYS_SEND] = ipc_fast_send,
    [SYS_CALL] = ipc_fast_call,
    [SYS_REPLY_RECV] = ipc_fast_reply_recv,
    [SYS_CALL_W] = ipc_fast_call_w,
    [SYS_REPLY_RECV_W] = ipc_fast_reply_recv_w,
};

/* audit=on's table, which entry_audit_on() copies over the one above:
 * the IPC fast paths stay, audited (core/ipc_fast.h). */
entry_fn *const entry_syscall_table_audited[SYS_COUNT] = {
    [SYS_EXIT] = syscall_dispatch_audited,
    [SYS_WRITE] = syscall_dispatch_audited,
    [SYS_YIELD] = syscall_dispatch_audited,
    [SYS_GETPID] = syscall_dispatch_audited,
    [SYS_CLOCK] = syscall_dispatch_audited,
    [SYS_RECV] = syscall_dispatch_audited,
    [SYS_MAP] = syscall_dispatch_audited,
    [SYS_UNMAP] = syscall_dispatch_audited,
    [SYS_KMEM] = syscall_dispatch_audited,
    [SYS_STATS] = syscall_dispatch_audited,
    [SYS_TASKINFO] = syscall_dispatch_audited,
    [SYS_PMU] = syscall_dispatch_audited,
    [SYS_SEND] = ipc_fast_send_audited,
    [SYS_CALL] = ipc_fast_call_audited,
    [SYS_REPLY_RECV] = ipc_fast_reply_recv_audited,
    [SYS_CALL_W] = ipc_fast_call_w_audited,
    [SYS_REPLY_RECV_W] = ipc_fast_reply_recv_w_audited,
};

void syscall_dispatch(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	(void)rdi, (void)rsi, (void)rdx;
	syscall_run(current);
	sched_prepare_return();
}

/* A gate entry without a call from t's own code ends t, in a world
 * section (a kill frees memory and wakes partners anywhere); out of
 * line, off the gate's path. */
static __attribute__((noinline, cold)) void gate_kill(struct task *t)
{
	world_enter();
	task_kill(t, "entered the gate without a call from its own code (rsp %#lx)", t->regs.rsp);
	world_leave();
}

void gate_dispatch(void)
{
	struct task *t = current;
	struct regs *r = &t->regs;
	uint64_t w[2]; /* the RDX the gate pushed, the caller's return address */

	/* Calls end at bundle boundaries (the verifier), so a genuine return
	 * address is bundle-aligned and inside the caller's own slot. */
	if (uaccess_in_stack(t, r->rsp, sizeof(w))) { /* the usual case: see ring0_frame() */
		w[0] = ((const uint64_t *)r->rsp)[0];
		w[1] = ((const uint64_t *)r->rsp)[1];
	} else if (copy_from_task(t, w, r->rsp, sizeof(w)))
		w[1] = 1; /* not a return address: refused below */
	if (w[1] % BUNDLE_SIZE || w[1] - slot_base(t->slot) >= SLOT_IMAGE_MAX) {
		gate_kill(t);
	} else {
		r->rdx = w[0];
		r->rip = w[1];
		r->rsp += sizeof(w);
		if (ipc_fast_offer(t))
			return;
		syscall_run(t);
	}
	sched_prepare_return();
}

/* audit=on: entry.S calls these instead (entry_audit_on()), the IPC calls
 * going to their fast paths' audited entries (core/ipc_fast.h); both
 * check the kernel's invariants once the task to return to is ready
 * (audit.c). */
void syscall_dispatch_audited(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	uint32_t id = current->id;
	syscall_dispatch(rdi, rsi, rdx);
	audit_check("a system call", id);
}

void gate_dispatch_audited(void)
{
	uint32_t id = current->id;
	gate_dispatch();
	audit_check("a system call through the gate", id);
}
