/* System calls: the table, and the calls too small for a file of their own. */
#include "core/kernel.h"

static int64_t sys_exit(struct task *self, const struct regs *r)
{
	task_exit(self, (int)r->rdi);
	return SYSCALL_DEFERRED;
}

static int64_t sys_write(struct task *self, const struct regs *r)
{
	uint64_t va = r->rdi, len = r->rsi;
	char buf[256];

	/* Checked whole before any byte is written: all or nothing. */
	if (uaccess_check(self, va, len, false))
		return -SHOJI_EFAULT;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		if (copy_from_task(self, buf, va + done, n))
			return -SHOJI_EFAULT;
		serial_write(buf, n);
		done += n;
	}
	return (int64_t)len;
}

static int64_t sys_yield(struct task *self, const struct regs *r)
{
	self->regs.rax = 0;
	sched_yield();
	return SYSCALL_DEFERRED;
}

static int64_t sys_getpid(struct task *self, const struct regs *r)
{
	return self->id;
}

static int64_t sys_clock(struct task *self, const struct regs *r)
{
	return (int64_t)clock_ns();
}

static int64_t sys_kmem(struct task *self, const struct regs *r)
{
	return (int64_t)task_kernel_bytes(self);
}

static int64_t sys_stats(struct task *self, const struct regs *r)
{
	struct shoji_stats st = {
	    .task_switches = stat_task_switches,
	    .cr3_writes = stat_cr3_writes,
	    .wrpkru = stat_wrpkru,
	    .syscalls = stat_syscalls,
	    .timer_ticks = stat_timer_ticks,
	    .tlb_flushes = stat_tlb_flushes,
	    .ipc_fast = stat_ipc_fast,
	};
	return copy_to_task(self, r->rdi, &st, sizeof(st));
}

static const syscall_fn syscalls[SYS_COUNT] = {
    [SYS_EXIT] = sys_exit,
    [SYS_WRITE] = sys_write,
    [SYS_YIELD] = sys_yield,
    [SYS_GETPID] = sys_getpid,
    [SYS_CLOCK] = sys_clock,
    [SYS_SEND] = sys_send,
    [SYS_RECV] = sys_recv,
    [SYS_CALL] = sys_call,
    [SYS_MAP] = sys_map,
    [SYS_UNMAP] = sys_unmap,
    [SYS_KMEM] = sys_kmem,
    [SYS_STATS] = sys_stats,
    [SYS_REPLY_RECV] = sys_reply_recv,
    [SYS_CALL_W] = sys_call_w,
    [SYS_REPLY_RECV_W] = sys_reply_recv_w,
};

uint64_t stat_syscalls, stat_ipc_fast;

static inline __attribute__((always_inline)) void syscall_run(struct task *t)
{
	uint64_t nr = t->regs.rax;
	int64_t ret = -SHOJI_ENOSYS;

	stat_syscalls++;
	if (nr < SYS_COUNT && syscalls[nr])
		ret = syscalls[nr](t, &t->regs);
	if (ret != SYSCALL_DEFERRED)
		t->regs.rax = (uint64_t)ret;
}

/* Called by entry.S with the caller's registers saved in current->regs,
 * after ipc_fast() declined the call. */
void syscall_dispatch(void)
{
	syscall_run(current);
	sched_prepare_return();
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
		task_kill(t, "entered the gate without a call from its own code (rsp %#lx)",
			  r->rsp);
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

/* audit=on: entry.S calls these instead (entry_audit_on()).  The SYSCALL
 * entry then offers no call to the fast paths, so the dispatcher offers
 * them, and both check the kernel's invariants once the task to return
 * to is ready (audit.c). */
void syscall_dispatch_audited(void)
{
	struct task *t = current;
	uint32_t id = t->id;
	if (!ipc_fast_offer(t)) {
		syscall_run(t);
		sched_prepare_return();
	}
	audit_check("a system call", id);
}

void gate_dispatch_audited(void)
{
	uint32_t id = current->id;
	gate_dispatch();
	audit_check("a system call through the gate", id);
}
