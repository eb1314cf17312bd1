/* kcode.h: the body shared by the kernel-mode attacks that the verifier must refuse at load. */
#ifndef KCODE_H
#define KCODE_H

/*
 * usage: attack_k... [VICTIM]      (the victim's task id, default 1)
 *
 * A `kernel` mode task runs at CPL 0, where every privileged instruction
 * works and only the load-time verifier (isolation/verify.c) keeps its
 * control flow inside its own code.  Each task built on this file holds
 * one piece of code the verifier must refuse: a privileged instruction
 * (attack_kpriv_*), a branch it may not make (attack_kbranch_*,
 * attack_kindirect, attack_kret), or one hidden inside another instruction
 * (attack_khidden).  The file defines, before including this one:
 *
 *   KCODE_TASK   the task's name ("attack_kpriv_cr3")
 *   KCODE_NAME   the attack's name in its ATTACK lines ("kpriv-cr3")
 *   KCODE_WHAT   what it tries ("mov %cr3, %rax: read the page-table root")
 *   kcode_run()  a function that runs the code
 *
 * The verifier checks the whole image at load and refuses it at the first
 * thing it finds, so each task carries exactly one, and each case sees its
 * own reason: "task image NAME refused: kernel-mode code: <why> at image
 * offset 0x...", status 3, nothing runs (not even the victim).  In
 * `shared` mode (ring 3, where there is no verifier) the same image loads
 * and runs, and the CPU or the page tables stop the code instead: a
 * control showing that the code is really there and really reached.
 */

#include "attack.h"

static void kcode_run(void);

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;

	if (attack_begin(argc, argv, KCODE_TASK, &victim, &a) < 0)
		return 1;
	printf("ATTACK " KCODE_NAME ": trying %s\n", KCODE_WHAT);
	kcode_run();
	printf("ATTACK " KCODE_NAME ": SUCCEEDED (isolation broken): it ran\n");
	attack_done(victim);
	return 1;
}

#endif
