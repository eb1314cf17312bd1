/* The IPC fast paths (ipc_fast.c), which the system-call entry offers calls first. */
#ifndef CORE_IPC_FAST_H
#define CORE_IPC_FAST_H

#include <stdbool.h>
#include <stdint.h>
#include <shoji/abi.h>
#include "core/task.h"

/*
 * The fast paths: ipc_fast() of send, call and reply_recv for short
 * messages on the tasks' stacks, ipc_fast_word() of call_w and
 * reply_recv_w to a word receiver; each counted in stat_syscalls and
 * stat_ipc_fast, false when the general path must run.  When true, the
 * receiver is current and ready to be returned to.  The SYSCALL entry
 * (entry.S) offers them their calls first, the gate (gate_dispatch())
 * after its checks.  Entry convention (ENTRY_CFLAGS, guest/kernel.mk):
 * they may clobber RBX and R12-R15, so only entry.S and syscall.c, built
 * the same way, call them. */
bool ipc_fast(struct task *self);
bool ipc_fast_word(struct task *self);
/* The calls the fast paths take, as a bit mask of their numbers: they
 * must be given only these, call_w and reply_recv_w (the two highest)
 * to ipc_fast_word(), the others to ipc_fast() (ipc_fast_offer()). */
#define IPC_FAST_CALLS                                                                             \
	(1ull << SYS_SEND | 1ull << SYS_CALL | 1ull << SYS_REPLY_RECV | 1ull << SYS_CALL_W |       \
	 1ull << SYS_REPLY_RECV_W)
static inline bool ipc_fast_offer(struct task *t)
{
	uint64_t nr = t->regs.rax;
	if (nr >= 64 || !(IPC_FAST_CALLS >> nr & 1))
		return false;
	return nr >= SYS_CALL_W ? ipc_fast_word(t) : ipc_fast(t);
}

#endif
