/* The system-call table: each call's number to its handler, and the
 * handlers too small for a file of their own.  Ordinary C (not built with
 * ENTRY_CFLAGS): the dispatchers in syscall.c call through it. */
#include "core/syscall.h"
#include "core/console.h"
#include "core/group.h"
#include "core/ipc.h"
#include "core/sched.h"
#include "core/task.h"
#include "core/task_memory.h"
#include "core/uaccess.h"
#include "lib/lib.h"

static int64_t sys_exit(struct task *self, const struct regs *r)
{
	task_exit(self, (int)r->rdi);
	return SYSCALL_DEFERRED;
}

static int64_t sys_write(struct task *self, const struct regs *r)
{
	uint64_t va = r->rdi, len = r->rsi;
	/* A task's printf (PRINTF_MAX, guest/user/lib/user.h) in one piece:
	 * one VM exit under shoji.  The console never sees the task's own
	 * address, only this copy. */
	char buf[512];

	/* Checked whole before any byte is written: all or nothing. */
	if (uaccess_check(self, va, len, false))
		return -SHOJI_EFAULT;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		if (copy_from_task(self, buf, va + done, n))
			return -SHOJI_EFAULT;
		console_task_write(self->id, buf, n);
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
	/* The machine's: every CPU's counters, summed (arch.h, PERCPU_STAT). */
	uint64_t ipc_fast = percpu_sum(stat_ipc_fast);
	struct shoji_stats st = {
	    .task_switches = percpu_sum(stat_task_switches) + ipc_fast,
	    .cr3_writes = percpu_sum(stat_cr3_writes),
	    .wrpkru = percpu_sum(stat_wrpkru),
	    .syscalls = percpu_sum(stat_syscalls) + ipc_fast,
	    .timer_ticks = percpu_sum(stat_timer_ticks),
	    .tlb_flushes = percpu_sum(stat_tlb_flushes),
	    .ipc_fast = ipc_fast,
	    .shootdowns_sent = percpu_sum(stat_shootdowns_sent),
	    .shootdowns_received = percpu_sum(stat_shootdowns_received),
	};
	return copy_to_task(self, r->rdi, &st, sizeof(st));
}

_Static_assert((int)MODE_PROCESS == SHOJI_MODE_PROCESS && (int)MODE_SHARED == SHOJI_MODE_SHARED &&
		   (int)MODE_KERNEL == SHOJI_MODE_KERNEL && (int)MODE_COUNT == SHOJI_MODE_COUNT,
	       "a task's mode is the ABI's enum shoji_mode");

/* What the kernel's "task N (NAME) started" line says (task.c), and the
 * TSC frequency in kHz as its "time:" line (main.c): all or nothing, as
 * SYS_STATS. */
static int64_t sys_taskinfo(struct task *self, const struct regs *r)
{
	struct shoji_taskinfo info = {
	    .id = self->id,
	    .mode = self->mode,
	    .group = self->group->id,
	    .pkey = self->slot,
	    .tsc_khz = tsc_hz / 1000,
	    .slot_base = slot_base(self->slot),
	};
	size_t n = strlen(self->name);

	/* Names are under SHOJI_TASK_NAME_MAX bytes (cmdline.c); cut all the
	 * same, so a longer one could never overrun. */
	if (n >= sizeof(info.name))
		n = sizeof(info.name) - 1;
	memcpy(info.name, self->name, n);
	return copy_to_task(self, r->rdi, &info, sizeof(info));
}

/* The vCPU's counters now (arch/x86_64/pmu.c): how many are valid, 0
 * without a PMU (the zeroed answer still copied, so a task never reads
 * its own stale bytes as counters); all or nothing, as SYS_STATS. */
static int64_t sys_pmu(struct task *self, const struct regs *r)
{
	struct shoji_pmu p;
	unsigned n = pmu_read(&p);
	int64_t rc = copy_to_task(self, r->rdi, &p, sizeof(p));
	return rc ? rc : (int64_t)n;
}

/* By number (include/shoji/abi.h); a number without a handler is
 * -SHOJI_ENOSYS (syscall.c). */
const syscall_fn syscall_table[SYS_COUNT] = {
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
    [SYS_TASKINFO] = sys_taskinfo,
    [SYS_PMU] = sys_pmu,
};
