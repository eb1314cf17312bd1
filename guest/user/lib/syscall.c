/* System call wrappers, one per entry of enum shoji_sys, and the names of the error numbers. */
#include "user.h"

/*
 * Every wrapper goes through this one function, so the way into the kernel
 * is written once: a call to the kernel's trampoline at image offset
 * SHOJI_GATE_OFFSET, with the number in RAX and the arguments in RDI, RSI,
 * RDX, R10, R8, R9 (shoji/abi.h).  The trampoline (SYSCALL, or the gate of
 * kernel mode) overwrites RCX and R11 (SDM vol. 2B, SYSCALL); "memory"
 * because the kernel reads and writes the buffers we pass.  __ehdr_start
 * is the image base, so the call is PC-relative and needs no relocation.
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

_Noreturn void sys_exit(int status)
{
	syscall6(SYS_EXIT, status, 0, 0, 0, 0, 0);
	/* The kernel never returns from SYS_EXIT; if it did, trap rather
	 * than run off the end of a function. */
	for (;;)
		__asm__ volatile("ud2");
}

long sys_write(const void *buf, size_t len)
{
	return syscall6(SYS_WRITE, (long)buf, (long)len, 0, 0, 0, 0);
}

long sys_yield(void)
{
	return syscall6(SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

long sys_getpid(void)
{
	return syscall6(SYS_GETPID, 0, 0, 0, 0, 0, 0);
}

long sys_clock(void)
{
	return syscall6(SYS_CLOCK, 0, 0, 0, 0, 0, 0);
}

long sys_send(long dest, const void *buf, size_t len)
{
	return syscall6(SYS_SEND, dest, (long)buf, (long)len, 0, 0, 0);
}

long sys_recv(long src, void *buf, size_t cap, long *from)
{
	return syscall6(SYS_RECV, src, (long)buf, (long)cap, (long)from, 0, 0);
}

long sys_call(long dest, const void *buf, size_t len, void *rbuf, size_t rcap)
{
	return syscall6(SYS_CALL, dest, (long)buf, (long)len, (long)rbuf, (long)rcap, 0);
}

long sys_map(size_t len, int prot)
{
	return syscall6(SYS_MAP, (long)len, prot, 0, 0, 0, 0);
}

long sys_unmap(void *addr, size_t len)
{
	return syscall6(SYS_UNMAP, (long)addr, (long)len, 0, 0, 0, 0);
}

long sys_kmem(void)
{
	return syscall6(SYS_KMEM, 0, 0, 0, 0, 0, 0);
}

long sys_stats(struct shoji_stats *st)
{
	return syscall6(SYS_STATS, (long)st, 0, 0, 0, 0, 0);
}

static const struct {
	long err;
	const char *name;
} errnames[] = {
    {SHOJI_EPERM, "EPERM"},   {SHOJI_ESRCH, "ESRCH"},	    {SHOJI_ENOMEM, "ENOMEM"},
    {SHOJI_EFAULT, "EFAULT"}, {SHOJI_EINVAL, "EINVAL"},	    {SHOJI_EDEADLK, "EDEADLK"},
    {SHOJI_ENOSYS, "ENOSYS"}, {SHOJI_EMSGSIZE, "EMSGSIZE"},
};

const char *sys_errname(long err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "E?";
}
