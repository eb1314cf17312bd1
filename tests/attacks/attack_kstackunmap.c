/* attack_kstackunmap: a ring-0 task unmaps the page its stack is on, inside the system call. */
#include "attack.h"

/*
 * usage: attack_kstackunmap [VICTIM]      (the victim's task id, default 1)
 *
 * A ring-0 task's gate (entry.S) pushes RDX and finds the return address
 * on the task's own stack, and the way back (return_to_ring0) pops RAX,
 * RCX, RDX, RFLAGS and RIP from a frame the kernel writes below the
 * task's RSP.  This task moves RSP into a page of its own heap and, through
 * the gate, asks the kernel to unmap exactly that page: the gate's reads
 * happen before the unmap, the frame's writes after it.  If the kernel
 * wrote the frame through a stale mapping, or the way back popped it from
 * the freed frame (through a stale TLB entry), the task would run on
 * memory the kernel has reused.  The kernel must instead find that the
 * stack is gone when it writes the return frame and kill the task:
 * "task N (attack_kstackunmap) killed: stack pointer 0x... is outside its
 * own memory".  In `shared` mode (SYSCALL: the kernel never touches the
 * task's stack) the unmap works, and the task dies at the trampoline's
 * RET, which reads the return address from the unmapped page: the
 * control.
 */

#define NAME "attack_kstackunmap"

/* RSP = @top, then SYS_UNMAP(@page, 4096) through the trampoline by a
 * call: the return address and the gate's RDX land in @page.  Returns
 * RAX on the original stack if it ever comes back. */
static long unmap_under_me(uint64_t page, uint64_t top)
{
	long rax;
	__asm__ volatile("mov %%rsp, %%rbx\n\t"
			 "mov %[top], %%rsp\n\t"
			 "mov %[nr], %%eax\n\t"
			 "call __ehdr_start + %c[gate]\n\t"
			 "push %%rax\n\t" /* uses the page: faults in ring 3 */
			 "pop %%rax\n\t"
			 "mov %%rbx, %%rsp"
			 : "=a"(rax), "+D"(page), [top] "+r"(top)
			 : [nr] "i"(SYS_UNMAP), "S"(4096UL), [gate] "i"(SHOJI_GATE_OFFSET)
			 : "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
	return rax;
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;

	if (attack_begin(argc, argv, NAME, &victim, &a) < 0)
		return 1;
	long page = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	if (page < 0) {
		printf(NAME ": map failed: %s\n", sys_errname(page));
		return 1;
	}
	printf("ATTACK kstackunmap: trying to unmap the heap page %#lx my stack is on, through "
	       "the gate\n",
	       (unsigned long)page);
	long r = unmap_under_me((uint64_t)page, (uint64_t)page + 2048);
	printf("ATTACK kstackunmap: SUCCEEDED (isolation broken): came back (%ld) on a stack in "
	       "an unmapped page\n",
	       r);
	attack_done(victim);
	return 1;
}
