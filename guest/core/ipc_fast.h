/* The IPC fast paths (ipc_fast.c), which the system-call entry offers calls first. */
#ifndef CORE_IPC_FAST_H
#define CORE_IPC_FAST_H

#include <stdbool.h>
#include <stdint.h>
#include <shoji/abi.h>
#include "core/task.h"

/*
 * The fast paths: send, call and reply_recv of short messages on the
 * tasks' stacks, call_w and reply_recv_w to a word receiver, each counted
 * in stat_ipc_fast.  Two ways in:
 *  - ipc_fast_send() .. ipc_fast_reply_recv_w(): what the SYSCALL entry
 *    (entry.S) calls for these numbers, through entry_syscall_table
 *    (syscall.c), with the caller's RDI, RSI and RDX as they came.  A
 *    call the fast path leaves goes on to syscall_dispatch(), which
 *    returns to entry.S; a delivered message returns through
 *    return_sysret(), or for a ring-0 receiver to entry.S.
 *  - ipc_fast_offer(t): the gate (gate_dispatch()); false when the
 *    general path must run, true when the receiver is current and ready
 *    to be returned to.
 * Entry convention (ENTRY_CFLAGS, guest/kernel.mk): they may clobber RBX
 * and R12-R15, so only entry.S and syscall.c, built the same way, call
 * them.
 */
void ipc_fast_send(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_call(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_reply_recv(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_call_w(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_reply_recv_w(uint64_t rdi, uint64_t rsi, uint64_t rdx);
/* audit=on (entry_audit_on(), syscall.c's entry_syscall_table_audited):
 * the same fast paths, with the invariants checked after every call; at
 * the SYSRET exit by ipc_fast_audit_exit(), which entry.S calls. */
void ipc_fast_send_audited(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_call_audited(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_reply_recv_audited(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_call_w_audited(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_reply_recv_w_audited(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_audit_exit(void);
/* With more than one CPU up, the same through the _mp entries (entry.S,
 * syscall.c's entry_syscall_table_mp): they leave a partner of another
 * CPU to the general path and exit through return_sysret_mp. */
void ipc_fast_send_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_call_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_reply_recv_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_call_w_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_reply_recv_w_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_send_audited_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_call_audited_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_reply_recv_audited_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_call_w_audited_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
void ipc_fast_reply_recv_w_audited_mp(uint64_t rdi, uint64_t rsi, uint64_t rdx);
/* The calls the fast paths take, as a bit mask of their numbers. */
#define IPC_FAST_CALLS                                                                             \
	(1ull << SYS_SEND | 1ull << SYS_CALL | 1ull << SYS_REPLY_RECV | 1ull << SYS_CALL_W |       \
	 1ull << SYS_REPLY_RECV_W)
/* ipc_fast_offer() of a call in IPC_FAST_CALLS, with one CPU and with
 * more. */
bool ipc_fast_take(struct task *t);
bool ipc_fast_take_mp(struct task *t);
/* Inline: the gate offers every call, and most are not IPC.  mp: more
 * than one CPU is up (a constant in each caller, syscall.c). */
static inline bool ipc_fast_offer(struct task *t, bool mp)
{
	uint64_t nr = t->regs.rax;
	if (nr >= 64 || !(IPC_FAST_CALLS >> nr & 1))
		return false;
	return mp ? ipc_fast_take_mp(t) : ipc_fast_take(t);
}

#endif
