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
extern uint64_t stat_syscalls, stat_ipc_fast;
/* Called by entry.S only (after ipc_fast()), with the entry convention of
 * ipc_fast(). */
void syscall_dispatch(void);
/* The ring-0 tasks' gate (entry.S): reads RDX and the return address the
 * gate left on the task's stack, then runs the call like syscall_dispatch. */
void gate_dispatch(void);
/* What entry.S calls instead with audit=on: the same, the fast paths
 * offered here, then audit_check(). */
void syscall_dispatch_audited(void);
void gate_dispatch_audited(void);

#endif
