/* The task runtime: system call wrappers, formatted output, string helpers, the address layout. */
#ifndef SHOJI_USER_H
#define SHOJI_USER_H

/*
 * The system interface a task may use, documented once here.  Tasks are
 * freestanding static PIEs: there is no host libc, only what this runtime
 * provides (lib/crt0.S, lib/exit.c, lib/errname.c, lib/printf.c, the C
 * library in lib/ and guest/lib).
 *
 * Entry (set up by the kernel, see crt0.S): the image is loaded and
 * relocated at some base, `_start` runs at CPL 3 with argc, argv[] and an
 * empty envp on the stack; argv[0] is the task's name.  `_start` calls
 * main(argc, argv) and passes its result to sys_exit().
 *
 * The C library part (malloc, strtol, qsort, the printf family with
 * floats, ...) is declared in the standard headers of guest/user/include/
 * and listed in docs/task-runtime.md.  The runtime itself is built with
 * -mgeneral-regs-only but for the printf family's entry points of tasks
 * built with SSE (lib/printf_fp.c): a task built without SSE never
 * executes an SSE instruction, so the kernel never gives it FPU state.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <shoji/abi.h>

int main(int argc, char **argv);

/* --- system calls -----------------------------------------------------
 *
 * One wrapper per entry of enum shoji_sys (shoji/abi.h), same order.  All
 * return what the kernel returns in RAX: >= 0 on success, -SHOJI_Exxx on
 * error.  Every pointer argument is checked by the kernel: a pointer or
 * range outside the caller's own mapped memory gives -SHOJI_EFAULT, and
 * the calls that block (recv, call) check before blocking.
 */

/*
 * Every wrapper goes through syscall6() (but the two of word messages,
 * which get results in more registers), so the way into the kernel is
 * written once: a call to the kernel's trampoline at image offset
 * SHOJI_GATE_OFFSET, with the number in RAX and the arguments in RDI, RSI,
 * RDX, R10, R8, R9 (shoji/abi.h).  The trampoline (SYSCALL, or the gate of
 * kernel mode) overwrites RCX and R11 (SDM vol. 2B, SYSCALL); "memory"
 * because the kernel reads and writes the buffers we pass.  __ehdr_start
 * is the image base, so the call is PC-relative and needs no relocation.
 * The wrappers are inline: a call through an extra function would cost
 * every system call its own call, padding and masked return (bundle-asm).
 */
static inline long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("call __ehdr_start + %c[gate]"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
			   "r"(r9), [gate] "i"(SHOJI_GATE_OFFSET)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Ends the calling task with @status (0: success; anything else makes the
 * machine's exit status 1).  Never returns. */
static inline _Noreturn void sys_exit(int status)
{
	syscall6(SYS_EXIT, status, 0, 0, 0, 0, 0);
	/* The kernel never returns from SYS_EXIT; if it did, trap rather
	 * than run off the end of a function. */
	for (;;)
		__asm__ volatile("ud2");
}

/* Writes @len bytes at @buf to the console.  Returns @len, or -SHOJI_EFAULT
 * when [buf, buf+len) is not readable by the caller. */
static inline long sys_write(const void *buf, size_t len)
{
	return syscall6(SYS_WRITE, (long)buf, (long)len, 0, 0, 0, 0);
}

/* Moves the caller to the back of the run queue.  Returns 0. */
static inline long sys_yield(void)
{
	return syscall6(SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

/* Returns the caller's task id (1 for the first task on the command line,
 * 2 for the second, ...). */
static inline long sys_getpid(void)
{
	return syscall6(SYS_GETPID, 0, 0, 0, 0, 0, 0);
}

/* Returns nanoseconds since boot (TSC based; under QEMU with -icount it
 * counts instructions, not time). */
static inline long sys_clock(void)
{
	return syscall6(SYS_CLOCK, 0, 0, 0, 0, 0, 0);
}

/* Sends @len bytes at @buf to task @dest and blocks until @dest receives
 * them.  Returns the bytes delivered (less than @len when the receiver's
 * buffer is smaller: the message is truncated).  Errors: -SHOJI_ESRCH when
 * @dest does not exist, -SHOJI_EFAULT for a bad @buf, -SHOJI_EMSGSIZE when
 * @len exceeds SHOJI_IPC_MAX. */
static inline long sys_send(long dest, const void *buf, size_t len)
{
	return syscall6(SYS_SEND, dest, (long)buf, (long)len, 0, 0, 0);
}

/* Blocks until a message from task @src arrives (@src 0: from any task)
 * and copies at most @cap bytes of it to @buf.  Returns the bytes copied;
 * when @from is not NULL, the kernel stores the sender's id in *@from (all
 * 64 bits).  Errors:
 * -SHOJI_EFAULT for a bad @buf or @from (checked before blocking),
 * -SHOJI_ESRCH when @src is not 0 and does not exist. */
static inline long sys_recv(long src, void *buf, size_t cap, long *from)
{
	return syscall6(SYS_RECV, src, (long)buf, (long)cap, (long)from, 0, 0);
}

/* Sends @len bytes at @buf to task @dest, then receives the reply from
 * @dest alone into @rbuf (at most @rcap bytes, the rest truncated).
 * Returns the reply's length in @rbuf.  Errors as sys_send() and
 * sys_recv(); both buffers are checked before anything is sent. */
static inline long sys_call(long dest, const void *buf, size_t len, void *rbuf, size_t rcap)
{
	return syscall6(SYS_CALL, dest, (long)buf, (long)len, (long)rbuf, (long)rcap, 0);
}

/* A server's loop in one call: sends @len bytes at @buf to task @dest,
 * which must already be waiting for a message from the caller (as a task
 * blocked in sys_call() to us is), then receives from any task into
 * @rbuf (at most @rcap bytes) and *@from, as sys_recv(0, ...).  Returns
 * the received length.  Errors: -SHOJI_EAGAIN when @dest is not waiting
 * for us (nothing sent, nothing received); otherwise as sys_send() and
 * sys_recv(), every buffer checked before anything moves. */
static inline long sys_reply_recv(long dest, const void *buf, size_t len, void *rbuf, size_t rcap,
				  long *from)
{
	return syscall6(SYS_REPLY_RECV, dest, (long)buf, (long)len, (long)rbuf, (long)rcap,
			(long)from);
}

/*
 * Word messages: 8 bytes in a register instead of a buffer (L4's short
 * IPC), so the kernel checks and copies no memory (shoji/abi.h).  They mix
 * with buffer messages: a buffer receiver gets the word's 8 bytes, a word
 * receiver the first 8 bytes of any message, zero-extended.  The kernel
 * writes RDX (and, for sys_reply_recv_w(), RSI) besides RAX, so these two
 * have their own call sequence.
 */

/* The call sequence of word messages: the word in RSI; RAX, RDX and RSI
 * come back. */
static inline long syscall_w(long nr, long dest, unsigned long word, unsigned long *rdx,
			     unsigned long *rsi)
{
	long ret;
	__asm__ volatile("call __ehdr_start + %c[gate]"
			 : "=a"(ret), "=d"(*rdx), "+S"(word)
			 : "a"(nr), "D"(dest), [gate] "i"(SHOJI_GATE_OFFSET)
			 : "rcx", "r11", "memory");
	*rsi = word;
	return ret;
}

/* sys_call() with word messages: sends @word to task @dest, then receives
 * the reply from @dest alone into *@reply.  Returns the reply's length
 * (at most 8); errors as sys_call(), but for the buffers. */
static inline long sys_call_w(long dest, unsigned long word, unsigned long *reply)
{
	unsigned long rdx, rsi;
	long ret = syscall_w(SYS_CALL_W, dest, word, &rdx, &rsi);
	if (ret >= 0)
		*reply = rdx;
	return ret;
}

/* sys_reply_recv() with word messages: replies @word to task @dest, which
 * must already be waiting for a message from the caller, then receives
 * from any task into *@msg and *@from.  Returns the received length (at
 * most 8); errors as sys_reply_recv(), but for the buffers. */
static inline long sys_reply_recv_w(long dest, unsigned long word, unsigned long *msg, long *from)
{
	unsigned long rdx, rsi;
	long ret = syscall_w(SYS_REPLY_RECV_W, dest, word, &rdx, &rsi);
	if (ret >= 0) {
		*msg = rdx;
		*from = (long)rsi;
	}
	return ret;
}

/* Maps @len bytes (rounded up to pages) of zeroed memory with @prot, a mask
 * of SHOJI_PROT_READ and SHOJI_PROT_WRITE.  Returns the address, or
 * -SHOJI_EINVAL (@len 0, unknown bits in @prot) or -SHOJI_ENOMEM. */
static inline long sys_map(size_t len, int prot)
{
	return syscall6(SYS_MAP, (long)len, prot, 0, 0, 0, 0);
}

/* Unmaps @len bytes at @addr, which sys_map() returned.  Returns 0, or
 * -SHOJI_EINVAL when @addr did not come from sys_map(). */
static inline long sys_unmap(void *addr, size_t len)
{
	return syscall6(SYS_UNMAP, (long)addr, (long)len, 0, 0, 0, 0);
}

/* Returns the bytes of kernel memory held for the caller: its task
 * structure and an equal share of its group's page tables and group
 * structure (there is no kernel stack per task). */
static inline long sys_kmem(void)
{
	return syscall6(SYS_KMEM, 0, 0, 0, 0, 0, 0);
}

/* Copies the kernel's event counters (task switches, CR3 writes, WRPKRU,
 * system calls, timer ticks, TLB flushes, IPC fast-path deliveries) into
 * *st.  Returns 0 or -SHOJI_EFAULT. */
static inline long sys_stats(struct shoji_stats *st)
{
	return syscall6(SYS_STATS, (long)st, 0, 0, 0, 0, 0);
}

/* Copies who the caller is into *info: its id, name, mode (enum
 * shoji_mode), group, protection key and slot base, and the TSC frequency
 * in kHz.  Returns 0 or -SHOJI_EFAULT (nothing written then). */
static inline long sys_taskinfo(struct shoji_taskinfo *info)
{
	return syscall6(SYS_TASKINFO, (long)info, 0, 0, 0, 0, 0);
}

/* Copies the vCPU's performance counters into *p (struct shoji_pmu: which
 * events, their widths, their values now).  Returns how many are valid,
 * 0 when the kernel has none, or -SHOJI_EFAULT (nothing written then). */
static inline long sys_pmu(struct shoji_pmu *p)
{
	return syscall6(SYS_PMU, (long)p, 0, 0, 0, 0, 0);
}

/* (lib/errname.c) Returns the name of error number @err ("EFAULT"; @err may be negated, as
 * a system call returns it), or "E?" for a number the ABI does not know. */
const char *sys_errname(long err);

/* --- formatted output and strings -------------------------------------
 *
 * vsnprintf, snprintf, the mem* and str* functions and parse_ulong come
 * from guest/lib (lib.h, shared with the kernel).  printf (lib/printf.c)
 * formats into a PRINTF_MAX-byte buffer on the stack and writes it with
 * one sys_write(), so the line a task prints is never interleaved with
 * another task's; output beyond PRINTF_MAX - 1 bytes is cut off.  Returns
 * the bytes written, or the negative error of sys_write().
 */
#include "lib/lib.h"
#define PRINTF_MAX 512
#include <stdio.h>

/* --- the user address space (the kernel's layout, layout.h) ------------
 *
 *   1 GiB + s * 128 KiB   slot s: image at +0 (at most 92 KiB), a guard
 *                         page, the 32 KiB stack ending at the next slot
 *   4 GiB + s * 256 MiB   heap window of slot s (sys_map memory)
 *
 * A `process` task is alone in its page table, in slot 0.  The tasks of a
 * `shared` group sit in slots 1-15 of one page table, slot s also being
 * the protection key of its pages: a neighbour's slot is mapped, but with
 * another key.
 */
#define USER_SLOT_SIZE (128UL << 10)
#define USER_TASK_AREA (1UL << 30)
#define USER_SLOTS 16
#define USER_HALF_END 0x0000800000000000UL /* first non-canonical address */

/* Where the kernel image lies (mapped in every task's page table, for the
 * kernel only): what the isolation tests try to read. */
#define KERNEL_IMAGE_ADDR 0xffffffff80100000UL

/* Returns the base of the caller's slot, found from the address of one of
 * its own variables (the image starts the slot). */
static inline uintptr_t user_region_base(void)
{
	static const char anchor;
	return (uintptr_t)&anchor & ~(USER_SLOT_SIZE - 1);
}

/* Returns the base of a neighbouring slot: the one above the caller's, or
 * the one below for the last slot.  In `shared` mode another task may
 * live there; in `process` mode nothing is mapped there. */
static inline uintptr_t user_neighbour_base(void)
{
	uintptr_t own = user_region_base();
	uintptr_t last = USER_TASK_AREA + (USER_SLOTS - 1) * USER_SLOT_SIZE;
	return own >= last ? own - USER_SLOT_SIZE : own + USER_SLOT_SIZE;
}

#endif
