/* attack_khidden_unreached: the hidden mov %rax, %cr3 with no way into it; runs harmlessly. */
#include "khidden.h"

/*
 * usage: attack_khidden_unreached [VICTIM]   (the victim's task id, default 1)
 *
 * The same hidden "mov %rax, %cr3" as attack_khidden (0F 22 D8 inside
 * "movabs $0x9090909090d8220f, %rax"), but no direct branch leads into
 * it.  The verifier accepts the image: every byte it can reach decodes
 * from a bundle start as the harmless movabs, and the hidden bytes are not
 * an instruction start anyone may branch to.  At run time the task
 *   1. calls hidden_movabs normally: it returns the constant;
 *   2. calls hidden_movabs + 2 through an ordinary (masked) function
 *      pointer: the mask clears the low five bits, so the call lands on
 *      the bundle start, hidden_movabs itself, and returns the constant
 *      again: "khidden: the mask sent the call to 0x... (hidden_movabs
 *      itself): it returned 0x9090909090d8220f, no CR3 write".
 * Then it tells the victim it is done and exits 0: the hidden bytes were
 * never executed.  (A jump to them would have been "mov %rax, %cr3" at
 * CPL 0; any other value than the constant, or a crash, is a failure.)
 */

#define NAME "attack_khidden_unreached"

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;

	if (attack_begin(argc, argv, NAME, &victim, &a) < 0)
		return 1;

	uint64_t v = hidden_movabs();
	printf("khidden: hidden_movabs at %#lx returned %#lx\n", (unsigned long)hidden_movabs,
	       (unsigned long)v);

	uintptr_t aim = (uintptr_t)hidden_movabs + 2, lands = attack_masked_target(aim);
	printf("ATTACK khidden-masked: trying a masked call to %#lx, the hidden mov %%rax, %%cr3\n",
	       (unsigned long)aim);
	uint64_t w = attack_call_masked(aim);
	printf("khidden: the mask sent the call to %#lx (%s): it returned %#lx, %s\n",
	       (unsigned long)lands,
	       lands == (uintptr_t)hidden_movabs ? "hidden_movabs itself" : "somewhere else",
	       (unsigned long)w, w == HIDDEN_MOVABS_VALUE ? "no CR3 write" : "UNEXPECTED");
	attack_done(victim);
	int ok = v == HIDDEN_MOVABS_VALUE && w == HIDDEN_MOVABS_VALUE &&
		 lands == (uintptr_t)hidden_movabs;
	return ok ? 0 : 1;
}
