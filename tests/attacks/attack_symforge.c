/* attack_symforge: a function whose symbol name holds a newline, to forge a kernel line through the
 * kill line that names it. */
#include "attack.h"

/*
 * The kernel names the function a killed task's RIP lies in, read from
 * the image's own .symtab (loader/format/elf_sym.c), inside its kill line
 * (guest/core/fault_site.c).  This image's function symforge_fault is
 * renamed after compiling (guest/user/user.mk: objcopy --redefine-sym) to
 * "symforge", a newline and "kernel panic: forged by a symbol name", so a
 * kill line that printed the name as it is would be followed by a line
 * the kernel did not write but that opens with "kernel panic:" unmarked
 * (docs/architecture.md, "The console").  The function runs ud2: the
 * task is killed with its RIP inside it.
 */
__asm__(".pushsection .text.symforge, \"ax\", @progbits\n"
	".p2align 5\n"
	".globl symforge_fault\n"
	".type symforge_fault, @function\n"
	"symforge_fault:\n\t"
	"ud2\n"
	".size symforge_fault, . - symforge_fault\n"
	".p2align 5\n"
	".popsection\n");

void symforge_fault(void);

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("ATTACK symforge: trying a kill line that names a symbol with a newline\n");
	symforge_fault();
	printf("ATTACK symforge: ud2 did not fault\n");
	return 1;
}
