/* Synchronous IPC (ipc.c): the calls, and what the general and fast paths share. */
#ifndef CORE_IPC_H
#define CORE_IPC_H

#include <stdbool.h>
#include <stdint.h>
#include <shoji/abi.h>
#include "core/task.h"

int64_t sys_send(struct task *self, const struct regs *r);
int64_t sys_recv(struct task *self, const struct regs *r);
int64_t sys_call(struct task *self, const struct regs *r);
int64_t sys_reply_recv(struct task *self, const struct regs *r);
int64_t sys_call_w(struct task *self, const struct regs *r);
int64_t sys_reply_recv_w(struct task *self, const struct regs *r);
/* t is dying: fail every IPC partner waiting on it with -SHOJI_ESRCH. */
void ipc_task_gone(struct task *t);

/* What ipc.c and ipc_fast.c share about a task in IPC, whose arguments
 * are still in its saved registers (ipc.c says which). */
/* Whether its message is a word in RSI (call_w, reply_recv_w), and
 * whether it receives into RDX: the same two calls. */
static inline bool ipc_word(const struct task *t)
{
	return t->regs.rax == SYS_CALL_W || t->regs.rax == SYS_REPLY_RECV_W;
}
/* Whether its send half waits for a reply (call, call_w). */
static inline bool ipc_is_call(const struct task *t)
{
	return t->regs.rax == SYS_CALL || t->regs.rax == SYS_CALL_W;
}
/* The buffer of a task blocked in a receive, not a word one. */
static inline void ipc_recv_buffer(const struct task *t, uint64_t *buf, uint64_t *cap,
				   uint64_t *from)
{
	if (t->regs.rax == SYS_RECV) {
		*buf = t->regs.rsi, *cap = t->regs.rdx, *from = t->regs.r10;
	} else { /* waiting for the reply to a call, or replied and receiving */
		*buf = t->regs.r10, *cap = t->regs.r8;
		*from = t->regs.rax == SYS_REPLY_RECV ? t->regs.r9 : 0;
	}
}
/* A word receiver r's results from sender s: the message's first 8 bytes
 * in RDX, and for reply_recv_w s's id in RSI (ipc_complete() writes RAX). */
static inline void ipc_word_deliver(struct task *r, uint64_t word, const struct task *s)
{
	r->regs.rdx = word;
	if (r->regs.rax == SYS_REPLY_RECV_W)
		r->regs.rsi = s->id;
}
/*
 * The receive of a task blocked in one, as the buffer fast path wants it
 * (ipc_fast.c): buffer, capacity and *from pointer, 0 for none, kept in
 * words of its frame that a blocked task's does not use: RCX and R11,
 * which SYSCALL and the gate do not keep (entry.S: the caller loses
 * them), and the error code, which means nothing for a system call.
 * rx_buf 0 (never an address in a stack) when the fast path may not
 * deliver: a buffer or *from not inside the task's stack
 * (uaccess_in_stack(), checked when it blocked).  Every block in a
 * buffer receive writes them (ipc_block_receive(), or the fast path after
 * the same checks); they are read only while the task is blocked there,
 * and not for a word receive (ipc_word()), and audit.c checks them
 * against the registers.
 */
#define rx_buf regs.rcx
#define rx_cap regs.r11
#define rx_from regs.error
/* t (current) blocks in a receive from src (0: any task), with its
 * arguments in its saved registers; its rx_ words are filled in. */
void ipc_block_receive(struct task *t, uint32_t src);
/* What rx_buf must be for t, blocked in a buffer receive: its buffer
 * when its buffer and *from lie in its stack, else 0 (audit.c compares). */
uint64_t ipc_rx_expected(const struct task *t);
/* Whether r waits for a message from s. */
static inline bool ipc_waits_for(const struct task *r, const struct task *s)
{
	return r->state == TASK_RECV_BLOCKED && (!r->ipc_peer || r->ipc_peer == s->id);
}
/* Ends t's wait in IPC with result res: runnable again.  Its ipc_peer
 * is left as it was: nothing reads it but while t is blocked (task.h). */
static inline void ipc_complete(struct task *t, int64_t res)
{
	t->regs.rax = (uint64_t)res;
	t->state = TASK_RUNNABLE;
}

#endif
