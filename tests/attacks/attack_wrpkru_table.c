/* attack_wrpkru_table: WRPKRU's bytes as a constant table inside its code; the image is refused. */
#include "attack.h"

/*
 * usage: attack_wrpkru_table [VICTIM]      (the victim's task id, default 1)
 *
 * The bytes 0F 01 EF C3 here are data, a constant table the program never
 * means to run, but the table sits in an executable section (as read-only
 * data does in a link without -z separate-code), so a jump to it runs
 * WRPKRU; RET.  What counts is what is executable, not what the compiler
 * meant: "task image attack_wrpkru_table refused: WRPKRU instruction at
 * image offset 0x...", status 3.
 */

#define NAME "attack_wrpkru_table"

__attribute__((section(".text.table"), used, aligned(16))) static const uint8_t table[] = {
    0x0f, 0x01, 0xef, 0xc3, /* WRPKRU; RET */
};

/* What this attack tries; the kernel must not let it return. */
static void attempt(void)
{
	printf("ATTACK wrpkru-table: trying the table at %p as code\n", (const void *)table);
	attack_call_pkru0((uintptr_t)table);
}

int main(int argc, char **argv)
{
	return attack_code_main(argc, argv, NAME, "wrpkru-table", "WRPKRU", attempt);
}
