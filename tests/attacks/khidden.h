/* khidden.h: hidden_movabs, a function whose movabs immediate hides "mov %rax, %cr3". */
#ifndef KHIDDEN_H
#define KHIDDEN_H

/*
 * "movabs $0x9090909090d8220f, %rax" is 48 B8 0F 22 D8 90 90 90 90 90:
 * harmless from its first byte, but entered two bytes in it is "mov %rax,
 * %cr3" and five NOPs, falling through into the function's (masked)
 * return.  It fills a bundle of its own, so the verifier decodes it from
 * its first byte only.  attack_khidden branches into it (refused at load);
 * attack_khidden_unreached does not (it loads and runs harmlessly).
 */

#include "attack.h"

/* What hidden_movabs returns: its immediate, the hidden bytes. */
#define HIDDEN_MOVABS_VALUE 0x9090909090d8220fUL

__asm__(".pushsection .text.khidden, \"ax\", @progbits\n"
	".p2align 5\n"
	".type hidden_movabs, @function\n"
	"hidden_movabs:\n\t"
	"movabs $0x9090909090d8220f, %rax\n\t" /* 48 B8 0F 22 D8 90 90 90 90 90 */
	"ret\n"
	".size hidden_movabs, . - hidden_movabs\n"
	".p2align 5\n" /* end on a bundle boundary, as tools/bundle-asm ends .text */
	".popsection\n");

uint64_t hidden_movabs(void);

#endif
