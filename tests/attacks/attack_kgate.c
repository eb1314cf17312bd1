/* attack_kgate: enters the gate by a jump, with a forged return address or stack; killed. */
#include "attack.h"

/*
 * usage: attack_kgate TARGET [VICTIM]      (the victim's task id, default 1)
 *
 * A ring-0 task enters the kernel by "call" to its trampoline, which jumps
 * to ktask_gate (entry.S).  The verifier also lets a "jmp rel32" reach the
 * trampoline, so the task controls everything the gate finds on its
 * stack: this one pushes a return address of its choosing (or points RSP
 * somewhere else) and jumps.  The gate trusts nothing there: it reads the
 * return address through the checked accessors, and it must be a bundle
 * start of the caller's own image (gate_dispatch(), syscall.c).
 *
 *   kernel     return address ktask_gate + 6, the gate's own middle
 *   victim     return address the victim's code (bundle-aligned)
 *   unaligned  return address one byte past a bundle start of its own code
 *   tramp      return address its own trampoline (bundle-aligned, but not
 *              its image)
 *              each: "task N (attack_kgate) killed: entered the gate without
 *              a call from its own code (rsp 0x...)"
 *   kstack     RSP = 0xffff800000100000 (the physmap, key 15): the gate's
 *              first push, still under the task's PKRU, faults: "... killed:
 *              protection-key violation at 0xffff8000000ffff8 (write), rip
 *              <in the gate>, ..., key 15 owned by the kernel"
 *   vstack     RSP = the victim's stack: the same push faults on the
 *              victim's key, "... key 1 owned by task 1 (victim)"
 *   own        control: a bundle-aligned return address in its own code and
 *              its own stack, number SYS_GETPID: the jump works as a system
 *              call, "kgate: a jump to the trampoline returned my id N",
 *              exit 0
 *
 * The victim's secrets stay intact, and every other task finishes.
 */

#define NAME "attack_kgate"

static int usage(void)
{
	printf(NAME ": usage: " NAME " kernel|victim|unaligned|tramp|kstack|vstack|own [VICTIM]\n");
	return 1;
}

/* Pushes @ret and jumps to the trampoline with RAX = SYS_GETPID; a
 * return lands at the bundle-aligned label after the jump, whose address
 * is *@label.  Returns RAX. */
static long jump_in(uint64_t ret, uint64_t *label)
{
	long rax;
	__asm__ volatile("lea 2f(%%rip), %%rcx\n\t"
			 "mov %%rcx, (%[label])\n\t"
			 "test %[ret], %[ret]\n\t"
			 "cmovz %%rcx, %[ret]\n\t" /* ret 0: the label itself */
			 "push %[ret]\n\t"
			 "mov %[nr], %%eax\n\t"
			 "jmp __ehdr_start + %c[gate]\n\t"
			 ".p2align 5\n"
			 "2:"
			 : "=a"(rax), [ret] "+r"(ret)
			 : [label] "r"(label), [nr] "i"(SYS_GETPID), [gate] "i"(SHOJI_GATE_OFFSET)
			 : "rcx", "rdx", "r11", "memory");
	return rax;
}

/* RSP = @rsp, then into the trampoline (never comes back). */
static _Noreturn void jump_in_on(uint64_t rsp)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "mov %1, %%eax\n\t"
			 "jmp __ehdr_start + %c2" ::"r"(rsp),
			 "i"(SYS_GETPID), "i"(SHOJI_GATE_OFFSET)
			 : "rax", "memory");
	__builtin_unreachable();
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;
	uint64_t label = 0, ret;

	if (argc < 2 || argc > 3 || (argc == 3 && attack_parse_id(argv[2], &victim) < 0))
		return usage();
	const char *t = argv[1];
	if (strcmp(t, "kernel") && strcmp(t, "victim") && strcmp(t, "unaligned") &&
	    strcmp(t, "tramp") && strcmp(t, "kstack") && strcmp(t, "vstack") && strcmp(t, "own"))
		return usage();
	if (attack_ask(NAME, victim, &a) < 0)
		return 1;

	if (!strcmp(t, "kstack") || !strcmp(t, "vstack")) {
		uint64_t rsp = !strcmp(t, "kstack") ? 0xffff800000100000UL : a.stack;
		printf("ATTACK kgate-%s: trying a jump to the trampoline with RSP = %#lx\n", t,
		       (unsigned long)rsp);
		jump_in_on(rsp);
	}

	if (!strcmp(t, "kernel"))
		ret = attack_ktask_gate() + 6;
	else if (!strcmp(t, "victim"))
		ret = a.code;
	else if (!strcmp(t, "unaligned"))
		ret = (uintptr_t)main + 1;
	else if (!strcmp(t, "tramp"))
		ret = user_region_base() + SHOJI_GATE_OFFSET;
	else
		ret = 0; /* own: the label after the jump */
	if (ret)
		printf(
		    "ATTACK kgate-%s: trying a jump to the trampoline with return address %#lx\n",
		    t, (unsigned long)ret);
	else
		printf("ATTACK kgate-own: a jump to the trampoline with a return address in my "
		       "own code\n");
	long got = jump_in(ret, &label);
	if (!strcmp(t, "own") && got == sys_getpid()) {
		printf("kgate: a jump to the trampoline returned my id %ld at %#lx\n", got,
		       (unsigned long)label);
		attack_done(victim);
		return 0;
	}
	printf("ATTACK kgate-%s: SUCCEEDED (isolation broken): the gate returned %ld at %#lx\n", t,
	       got, (unsigned long)label);
	attack_done(victim);
	return 1;
}
