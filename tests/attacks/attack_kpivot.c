/* attack_kpivot: a ring-0 task points RSP at memory not its own and waits for the timer. */
#include "attack.h"

/*
 * usage: attack_kpivot TARGET [VICTIM]      (the victim's task id, default 1)
 *
 * At CPL 0 an interrupt does not switch stacks by itself: without an IST
 * stack the CPU would push its frame wherever RSP points (SDM Vol. 3A
 * 6.14.2), and a ring-0 task could aim that write at the kernel.  So the
 * task sets RSP to TARGET and spins in "1: jmp 1b", making no memory
 * access at all, until the timer preempts it:
 *
 *   physmap   0xffff800000100000, the kernel's map of RAM (key 15)
 *   kimage    0xffffffff80101000, the kernel image (key 15)
 *   vstack    the victim's stack (key 1)
 *   tramp     the top of its own trampoline page (its key, read-only)
 *   guard     the bottom of its own stack: below it, the unmapped guard
 *   zero      0: the first 40 bytes below it wrap around
 *   noncanon  0x8000000000000000, not a canonical address at all
 *   push      the same, then a push instead of the spin: a stack fault
 *             at CPL 0 (#SS on hardware, SDM Vol. 3A 6.15; QEMU's TCG
 *             raises #GP for it), which the CPU delivers on its IST stack
 *             too; without one it would push onto the bad RSP, fault
 *             again and take the machine down (#DF).  Killed: "... killed:
 *             stack-segment fault, rip 0x..., error 0" (or "general
 *             protection fault").
 *   own       control: a buffer in its own data; it spins there until
 *             the timer has fired twice, moves RSP back and exits 0
 *
 * Every vector has an IST stack (idt.c), so the frame lands there, the
 * kernel's memory is untouched, and before it resumes a ring-0 task the
 * kernel writes the few words its exit path pops just below the task's
 * RSP, through the checked accessors (sched_return.c, ring0_frame()): any RSP
 * whose 40 bytes below are not the task's own writable memory kills it,
 * "task N (attack_kpivot) killed: stack pointer 0x... is outside its own
 * memory".  The victim and the other tasks finish.  The "own" control
 * proves the spin really is preempted on a pivoted stack: the timer's
 * tick count (sys_stats) grows by two or more across one pivoted spin,
 * and two ticks are a full quantum apart, far longer than the few
 * instructions of the spin that run on the task's normal stack.
 */

#define NAME "attack_kpivot"
#define OWN_STACK 4096

static uint8_t own_stack[OWN_STACK] __attribute__((aligned(16)));

static int usage(void)
{
	printf(NAME ": usage: " NAME
		    " physmap|kimage|vstack|tramp|guard|zero|noncanon|push|own [VICTIM]\n");
	return 1;
}

/* RSP = @rsp, then spin forever without touching memory. */
static _Noreturn void pivot_and_spin(uint64_t rsp)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "1: jmp 1b" ::"r"(rsp)
			 : "memory");
	__builtin_unreachable();
}

/* RSP = @rsp, then a push there. */
static _Noreturn void pivot_and_push(uint64_t rsp)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "push %%rax\n\t"
			 "1: jmp 1b" ::"r"(rsp)
			 : "memory");
	__builtin_unreachable();
}

/* RSP = @rsp for @iters turns of a register-only loop, then back. */
static void pivot_for(uint64_t rsp, uint64_t iters)
{
	__asm__ volatile("mov %%rsp, %%rdx\n\t"
			 "mov %[rsp], %%rsp\n\t"
			 "1: dec %[n]\n\t"
			 "jnz 1b\n\t"
			 "mov %%rdx, %%rsp"
			 : [n] "+r"(iters)
			 : [rsp] "r"(rsp)
			 : "rdx", "memory");
}

static uint64_t ticks(void)
{
	struct shoji_stats st;
	long rc = sys_stats(&st);
	return rc < 0 ? 0 : st.timer_ticks;
}

/* The control: spins on its own memory until two ticks fall in one
 * pivoted spin. */
static int control(long victim)
{
	uint64_t top = (uintptr_t)own_stack + OWN_STACK;
	printf("ATTACK kpivot-own: RSP = %#lx (my own data), spinning until the timer fires\n",
	       (unsigned long)top);
	for (uint64_t iters = 1 << 20; iters; iters <<= 1) {
		uint64_t t0 = ticks();
		pivot_for(top, iters);
		uint64_t n = ticks() - t0;
		if (n >= 2) {
			printf("kpivot: preempted on my own stack (%lu timer ticks in one spin), "
			       "resumed fine\n",
			       (unsigned long)n);
			attack_done(victim);
			return 0;
		}
	}
	printf("kpivot: the timer never fired during a spin\n");
	attack_done(victim);
	return 1;
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;
	uint64_t rsp;

	if (argc < 2 || argc > 3 || (argc == 3 && attack_parse_id(argv[2], &victim) < 0))
		return usage();
	const char *t = argv[1];
	if (strcmp(t, "physmap") && strcmp(t, "kimage") && strcmp(t, "vstack") &&
	    strcmp(t, "tramp") && strcmp(t, "guard") && strcmp(t, "zero") &&
	    strcmp(t, "noncanon") && strcmp(t, "push") && strcmp(t, "own"))
		return usage();
	if (attack_ask(NAME, victim, &a) < 0)
		return 1;
	if (!strcmp(t, "own"))
		return control(victim);

	if (!strcmp(t, "physmap"))
		rsp = 0xffff800000100000UL;
	else if (!strcmp(t, "kimage"))
		rsp = KERNEL_IMAGE_ADDR + 0x1000;
	else if (!strcmp(t, "vstack"))
		rsp = a.stack;
	else if (!strcmp(t, "tramp"))
		rsp = user_region_base() + SHOJI_GATE_OFFSET + 4096;
	else if (!strcmp(t, "guard"))
		rsp = user_region_base() + USER_SLOT_SIZE - 0x8000; /* 32 KiB stack */
	else if (!strcmp(t, "zero"))
		rsp = 0;
	else
		rsp = 0x8000000000000000UL;
	if (!strcmp(t, "push")) {
		printf("ATTACK kpivot-push: trying RSP = %#lx, then a push\n", (unsigned long)rsp);
		pivot_and_push(rsp);
	}
	printf("ATTACK kpivot-%s: trying RSP = %#lx, then spinning until the timer fires\n", t,
	       (unsigned long)rsp);
	pivot_and_spin(rsp);
}
