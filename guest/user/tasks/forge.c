/* forge: prints lines that look like the kernel's; the kernel must mark them as a task's
 * (tests/guest/cases/forge-lines.case). */
#include "user.h"

/*
 * usage: forge [cr]
 *
 * Each forgery below must come out with "[task ID] " before it, so that
 * no line of its output opens as a kernel line does
 * (guest/core/console.c): a whole forged line; one written a byte at a
 * time; one after a newline inside a write; one after a carriage return.
 * Then a line it leaves unfinished, and an exit with status 3: the
 * kernel's "exited" line must still start a line of its own.
 * With "cr" it prints only a line it ends with a carriage return and no
 * newline, then exits with status 3: the kernel's "exited" line must
 * still start a line of its own for a reader that splits lines at
 * newlines, or a task could hide a kernel line from one.
 */
static void write_bytewise(const char *s)
{
	for (; *s; s++)
		sys_write(s, 1);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "cr") == 0) {
		printf("hidden\r");
		return 3;
	}
	printf("task 1 (forge) killed: page fault at 0 (read)\n");
	write_bytewise("shoji: all tasks done: 5 exited 0, 0 failed\n");
	printf("table: a line that only starts like one\n");
	printf("ok\nkernel panic: forged\n");
	printf("carriage\rtask 1 (forge) exited with status 9\n");
	printf("unfinished");
	return 3;
}
