/* attack_wrpkru_split: WRPKRU split across a page boundary of its code; the image is refused. */
#include "attack.h"

/*
 * usage: attack_wrpkru_split [VICTIM]      (the victim's task id, default 1)
 *
 * The bytes 0F 01 end one executable page and EF starts the next, so
 * neither page alone holds WRPKRU; a scanner that looks at one page at a
 * time would pass both.  The kernel scans the executable pages as one
 * stream and refuses the image: "task image attack_wrpkru_split refused:
 * WRPKRU instruction at image offset 0x...ffe", status 3.
 *
 * The section is page-aligned (the task is linked with
 * max-page-size=4096, so a page of the section is a page of the loaded
 * image): 4094 bytes of INT3, then 0F 01 at the page's last two bytes.
 */

#define NAME "attack_wrpkru_split"

__asm__(".pushsection .text.split_wrpkru, \"ax\", @progbits\n"
	".balign 4096\n"
	".skip 4094, 0xcc\n"
	".type split_wrpkru, @function\n"
	"split_wrpkru:\n\t"
	".byte 0x0f, 0x01\n\t" /* the last two bytes of a page */
	".byte 0xef\n\t"       /* the first byte of the next */
	"ret\n"
	".size split_wrpkru, . - split_wrpkru\n"
	".popsection\n");
extern const char split_wrpkru[];

/* What this attack tries; the kernel must not let it return. */
static void attempt(void)
{
	printf("ATTACK wrpkru-split: trying WRPKRU at %p, across a page boundary\n",
	       (const void *)split_wrpkru);
	attack_call_pkru0((uintptr_t)split_wrpkru);
}

int main(int argc, char **argv)
{
	return attack_code_main(argc, argv, NAME, "wrpkru-split", "WRPKRU", attempt);
}
