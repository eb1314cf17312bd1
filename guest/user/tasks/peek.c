/* peek: reads memory it does not own (the kernel image by default); the kernel must kill it. */
#include "user.h"

/*
 * usage: peek [ADDR]      (hex; default 0xffffffff80100000, the kernel image)
 *
 * Announces the address, then loads 8 bytes from it.  Reaching the second
 * line means the load succeeded, i.e. isolation is broken; the test expects
 * the kernel to kill the task at the load instead ("task N (peek) killed:
 * ... page fault ...").
 */

/* Parses hexadecimal @s, with or without "0x". */
static int parse_hex(const char *s, unsigned long *out)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return parse_ulong(s, 16, out);
}

int main(int argc, char **argv)
{
	unsigned long addr = KERNEL_IMAGE_ADDR;

	if (argc > 2 || (argc == 2 && parse_hex(argv[1], &addr) < 0)) {
		printf("peek: usage: peek [ADDR] (hex)\n");
		return 1;
	}
	printf("peek: reading 0x%lx\n", addr);
	uint64_t value = *(volatile uint64_t *)addr;
	printf("peek: read 0x%lx (isolation broken!)\n", (unsigned long)value);
	return 0;
}
