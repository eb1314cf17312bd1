/* attack_staleexec: runs in a group-mate's code page on one CPU while it exits on another. */
#include "attack.h"

/*
 * usage: attack_staleexec owner PARTNER
 *        attack_staleexec exec OWNER OWNER_KEY [PREVIOUS]
 *
 * Two tasks of one `shared` group on two CPUs (MODE@CPU), the same
 * program.  Protection keys do not govern instruction fetches (SDM Vol.
 * 3A 4.6.2): a shared task may run a group-mate's code, with its own
 * PKRU (call-code).  So the exec task jumps into the owner's copy of
 * staleexec_hijack(), in the owner's slot, which its CPU then caches as
 * it runs; that code uses registers and the exec task's own stack only.
 * There it tells the owner to exit (a message of length 0), waits with
 * SYS_KMEM, its share of the group's memory, which grows once the owner
 * has left and its frames are freed (group.c), and exits with status
 * 42, all still fetched from the owner's page.
 *
 * The owner's exit must have shot this CPU's TLB down before its frames
 * were freed (docs/architecture.md, "Several CPUs"): the first fetch
 * after SYS_KMEM changed must fault (an instruction fetch in the owner's
 * slot, not present) and the kernel kills the exec task.  Status 42
 * means it ran on from a freed frame through a stale translation, which
 * the allocator may have handed to a task that writes it: a task running
 * bytes the verifier never saw.  SYS_KMEM, SYS_SEND and the SYSRET back
 * write neither CR3 nor PKRU, so under QEMU TCG, whose TLB model every
 * PKRU write flushes, only this CPU's timer tick (or the shootdown) ends
 * the stale translation meanwhile.
 *
 * The owner waits for its partner's message (by name) and exits 0.  An
 * exec task with PREVIOUS first waits for that task to be gone, so that
 * several pairs on the same two CPUs take turns.
 */

#define STALE_STATUS 42

/* The owner's copy is what runs: registers and the caller's stack only,
 * so the exec task's PKRU never meets the owner's key (the syscall
 * wrappers are inline). */
static __attribute__((noinline, noreturn)) void staleexec_hijack(long owner, long kmem)
{
	sys_send(owner, 0, 0);
	while (sys_kmem() == kmem)
		;
	sys_exit(STALE_STATUS);
}

/* Jumps to @fn(@a0, @a1) in another slot, unmasked: never returns. */
static _Noreturn void jump2(uintptr_t fn, long a0, long a1)
{
	register uintptr_t target __asm__("rbx") = fn;
	register long r0 __asm__("rdi") = a0;
	register long r1 __asm__("rsi") = a1;
	__asm__ volatile(".byte 0xff, 0xd3" /* call *%rbx */
			 : "+r"(target), "+r"(r0), "+r"(r1)
			 :
			 : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
	__builtin_unreachable();
}

static int owner(long partner)
{
	char buf[8];
	long rc = sys_recv(partner, buf, sizeof(buf), 0);
	printf("staleexec owner: task %ld: message from task %ld: %s, exiting\n", sys_getpid(),
	       partner, rc < 0 ? sys_errname(rc) : "ok");
	return 0;
}

static int exec(long owner_id, unsigned long key, long previous)
{
	char buf[8];
	if (previous)
		(void)sys_recv(previous, buf, sizeof(buf), 0); /* ESRCH once it is gone */
	uintptr_t fn = USER_TASK_AREA + key * USER_SLOT_SIZE +
		       ((uintptr_t)staleexec_hijack - user_region_base());
	printf("ATTACK staleexec: trying task %ld's code at %#lx while it exits on another CPU\n",
	       owner_id, (unsigned long)fn);
	jump2(fn, owner_id, sys_kmem());
}

int main(int argc, char **argv)
{
	unsigned long id, key, previous = 0;
	if (argc == 3 && !strcmp(argv[1], "owner") && !parse_ulong(argv[2], 10, &id))
		return owner((long)id);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "exec") &&
	    !parse_ulong(argv[2], 10, &id) && !parse_ulong(argv[3], 10, &key) && key < USER_SLOTS &&
	    (argc == 4 || !parse_ulong(argv[4], 10, &previous)))
		return exec((long)id, key, (long)previous);
	printf("staleexec: usage: attack_staleexec owner PARTNER | exec OWNER OWNER_KEY "
	       "[PREVIOUS]\n");
	return 2;
}
