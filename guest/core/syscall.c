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

/* The general path, in a world section with more than one CPU (mp,
 * core/sched.h): a call may touch tasks of other CPUs, groups and memory. */
static inline __attribute__((always_inline)) void syscall_run(struct task *t, bool mp)
{
	if (mp)
		world_enter();
	uint64_t nr = t->regs.rax;
	int64_t ret = -SHOJI_ENOSYS;

	stat_syscalls++;
	if (nr < SYS_COUNT && syscall_table[nr])
		ret = syscall_table[nr](t, &t->regs);
	if (ret != SYSCALL_DEFERRED)
		t->regs.rax = (uint64_t)ret;
	if (mp)
		world_leave();
}

_Static_assert(ENTRY_SYS_COUNT == SYS_COUNT, "entry.S knows the number of calls");

/* Every number has its line: a new call changes SYS_COUNT, which the
 * assertion above then finds unequal to ENTRY_SYS_COUNT.  gen: the
 * general path's dispatcher; fast: the suffix of the fast paths' entries
 * (core/ipc_fast.h). */
#define ENTRY_TABLE(gen, fast)                                                                     \
	{                                                                                          \
		[SYS_EXIT] = gen, [SYS_WRITE] = gen, [SYS_YIELD] = gen, [SYS_GETPID] = gen,        \
		[SYS_CLOCK] = gen, [SYS_RECV] = gen, [SYS_MAP] = gen, [SYS_UNMAP] = gen,           \
		[SYS_KMEM] = gen, [SYS_STATS] = gen, [SYS_TASKINFO] = gen, [SYS_PMU] = gen,        \
		[SYS_SEND] = ipc_fast_send##fast, [SYS_CALL] = ipc_fast_call##fast,                \
		[SYS_REPLY_RECV] = ipc_fast_reply_recv##fast,                                      \
		[SYS_CALL_W] = ipc_fast_call_w##fast,                                              \
		[SYS_REPLY_RECV_W] = ipc_fast_reply_recv_w##fast,                                  \
	}
/* One CPU (syscall_entry), more (syscall_entry_mp, entry.S), and what
 * audit=on copies over each (entry_audit_on()): the IPC fast paths stay,
 * audited (core/ipc_fast.h). */
entry_fn *entry_syscall_table[SYS_COUNT] = ENTRY_TABLE(syscall_dispatch, );
entry_fn *entry_syscall_table_mp[SYS_COUNT] = ENTRY_TABLE(syscall_dispatch_mp, _mp);
entry_fn *const entry_syscall_table_audited[SYS_COUNT] =
    ENTRY_TABLE(syscall_dispatch_audited, _audited);
entry_fn *const entry_syscall_table_audited_mp[SYS_COUNT] =
    ENTRY_TABLE(syscall_dispatch_audited_mp, _audited_mp);

void syscall_dispatch(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	(void)rdi, (void)rsi, (void)rdx;
	syscall_run(current, false);
	sched_prepare_return();
}

void syscall_dispatch_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	(void)rdi, (void)rsi, (void)rdx;
	syscall_run(current, true);
	sched_prepare_return();
}

static inline __attribute__((always_inline)) void gate_run(bool mp)
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
		task_kill_alone(t, "entered the gate without a call from its own code (rsp %#lx)",
				r->rsp);
	} else {
		r->rdx = w[0];
		r->rip = w[1];
		r->rsp += sizeof(w);
		if (ipc_fast_offer(t, mp))
			return;
		syscall_run(t, mp);
	}
	sched_prepare_return();
}

void gate_dispatch(void)
{
	gate_run(false);
}

void gate_dispatch_mp(void)
{
	gate_run(true);
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

void syscall_dispatch_audited_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	uint32_t id = current->id;
	syscall_dispatch_mp(rdi, rsi, rdx);
	audit_check("a system call", id);
}

void gate_dispatch_audited(void)
{
	uint32_t id = current->id;
	gate_dispatch();
	audit_check("a system call through the gate", id);
}

void gate_dispatch_audited_mp(void)
{
	uint32_t id = current->id;
	gate_dispatch_mp();
	audit_check("a system call through the gate", id);
}
