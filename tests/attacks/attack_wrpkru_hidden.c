/* attack_wrpkru_hidden: WRPKRU inside another instruction's immediate; the image is refused. */
#include "attack.h"

/*
 * usage: attack_wrpkru_hidden [VICTIM]      (the victim's task id, default 1)
 *
 * "movl $0xc3ef010f, %eax" is B8 0F 01 EF C3: harmless from its first
 * byte, but entered one byte later it is WRPKRU; RET.  A scanner that
 * decodes instructions from their starts would miss it; x86 code can be
 * entered at any byte, so the kernel scans every byte offset and refuses
 * the image: "task image attack_wrpkru_hidden refused: WRPKRU instruction
 * at image offset 0x..." (the offset of the 0F, one past the B8), status 3.
 */

#define NAME "attack_wrpkru_hidden"

__asm__(".pushsection .text.hidden_wrpkru, \"ax\", @progbits\n"
	".type hidden_mov, @function\n"
	"hidden_mov:\n\t"
	"movl $0xc3ef010f, %eax\n\t" /* B8 0F 01 EF C3 */
	"ret\n"
	".size hidden_mov, . - hidden_mov\n"
	".popsection\n");
extern const char hidden_mov[];

/* What this attack tries; the kernel must not let it return. */
static void attempt(void)
{
	printf("ATTACK wrpkru-hidden: trying WRPKRU at %p + 1\n", (const void *)hidden_mov);
	attack_call_pkru0((uintptr_t)hidden_mov + 1);
}

int main(int argc, char **argv)
{
	return attack_code_main(argc, argv, NAME, "wrpkru-hidden", "WRPKRU", attempt);
}
