/* attack_kentry: an entry point two bytes into a movabs, on a hidden "mov %cr3, %rax". */
#include "attack.h"

/*
 * "movabs $0x9090909090d8200f, %rax" is 48 B8 0F 20 D8 90 90 90 90 90:
 * from its first byte a harmless load of a constant, but entered two bytes
 * in it is "mov %cr3, %rax" and five NOPs.  The image's entry point
 * (-e kentry_hidden, guest/user/user.mk) is that second byte: no branch
 * leads there, so only the loader's check of e_entry stands in the way.
 * The decoy then stores RAX and jumps to the ordinary _start, so that
 * main() can tell what ran.  The verifier refuses the image in `kernel`
 * mode: "kernel-mode code: entry point is not a bundle start in the
 * task's code at image offset 0x...".  In `shared` mode (ring 3) the image
 * loads and the CPU refuses the CR3 read: a general protection fault at
 * kentry_hidden, before main().
 */
__asm__(".pushsection .text.kentry, \"ax\", @progbits\n"
	".p2align 5\n"
	".type kentry_decoy, @function\n"
	"kentry_decoy:\n\t"
	"movabs $0x9090909090d8200f, %rax\n\t" /* 48 B8 0F 20 D8 90 90 90 90 90 */
	"mov %rax, kentry_cr3(%rip)\n\t"
	"jmp _start\n"
	".size kentry_decoy, . - kentry_decoy\n"
	".globl kentry_hidden\n"
	".set kentry_hidden, kentry_decoy + 2\n"
	".p2align 5\n"
	".popsection\n");

/* What the decoy stored: the CR3 it read, when entered at kentry_hidden. */
uint64_t kentry_cr3;

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;

	if (attack_begin(argc, argv, "attack_kentry", &victim, &a) < 0)
		return 1;
	printf("ATTACK kentry: trying an entry point inside an instruction\n");
	if (kentry_cr3 != 0x9090909090d8200fUL)
		printf("ATTACK kentry: SUCCEEDED (isolation broken): read CR3 = %#lx at ring 0\n",
		       (unsigned long)kentry_cr3);
	attack_done(victim);
	return 1;
}
