/* System calls: the handler type, the table (syscall_table.c) and the dispatchers entry.S calls
 * (syscall.c). */
#ifndef CORE_SYSCALL_H
#define CORE_SYSCALL_H

#include <stdint.h>
#include <shoji/abi.h>
#include "arch/x86_64/arch.h"
#include "core/task.h"

/* Handler result meaning "do not store a result now": the task blocked
 * (its result comes later) or no longer exists. */
#define SYSCALL_DEFERRED INT64_MIN
typedef int64_t (*syscall_fn)(struct task *self, const struct regs *r);
/* syscall_table.c: the handler of each call by number, 0 where none. */
extern const syscall_fn syscall_table[SYS_COUNT];
/* System calls and messages of the IPC fast paths (core/ipc_fast.h): the
 * fast paths count only in stat_ipc_fast, each one system call and one
 * task switch, which SYS_STATS adds to stat_syscalls and
 * stat_task_switches. */
extern uint64_t stat_syscalls, stat_ipc_fast;
/* What the SYSCALL entry (entry.S) calls, by number below SYS_COUNT: the
 * fast path of each IPC call (core/ipc_fast.h), syscall_dispatch() for
 * the others, syscall_dispatch_audited() for all with audit=on.  Each
 * gets the caller's RDI, RSI and RDX as they came, and the entry
 * convention of ipc_fast.h. */
typedef void entry_fn(uint64_t rdi, uint64_t rsi, uint64_t rdx);
extern entry_fn *entry_syscall_table[SYS_COUNT];
/* What audit=on puts in entry_syscall_table (entry_audit_on()). */
extern entry_fn *const entry_syscall_table_audited[SYS_COUNT];
/* The same two for syscall_entry_mp, with more than one CPU up: the _mp
 * dispatchers and fast paths, which take world sections and leave a
 * partner of another CPU to the general path. */
extern entry_fn *entry_syscall_table_mp[SYS_COUNT];
extern entry_fn *const entry_syscall_table_audited_mp[SYS_COUNT];
/* Runs the call of current from its saved registers (the arguments are
 * unused) and prepares the return: entry.S calls it for numbers at or
 * above SYS_COUNT, the fast paths for the calls they leave. */
entry_fn syscall_dispatch;
/* The ring-0 tasks' gate (entry.S): reads RDX and the return address the
 * gate left on the task's stack, then runs the call like syscall_dispatch. */
void gate_dispatch(void);
/* What entry.S calls instead with audit=on: the same, then
 * audit_check(). */
entry_fn syscall_dispatch_audited;
void gate_dispatch_audited(void);
/* Each of the four with more than one CPU up: the general path in a world
 * section (core/sched.h). */
entry_fn syscall_dispatch_mp;
void gate_dispatch_mp(void);
entry_fn syscall_dispatch_audited_mp;
void gate_dispatch_audited_mp(void);

#endif
