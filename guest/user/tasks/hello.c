/* hello: prints its id, name, arguments and kernel memory; `hello exit N` then exits with N. */
#include "user.h"

/*
 * usage: hello [ARG...]
 *        hello exit N
 *
 * Prints "hello from task <pid> (<argv0>)", one "  arg[i] = <arg>" line
 * per argument and the kernel memory held for it (SYS_KMEM), then exits 0.
 * With "exit N" as its arguments it prints the same and exits with N,
 * which lets a test check that a failing task makes the machine's exit
 * status 1 (SHOJI_EXIT_TASK_FAILED).
 */
int main(int argc, char **argv)
{
	printf("hello from task %ld (%s)\n", sys_getpid(), argv[0]);
	for (int i = 1; i < argc; i++)
		printf("  arg[%d] = %s\n", i, argv[i]);

	long kmem = sys_kmem();
	if (kmem < 0) {
		printf("hello: kmem failed: %s (%ld)\n", sys_errname(kmem), -kmem);
		return 1;
	}
	printf("hello: kernel memory for this task: %ld bytes\n", kmem);

	if (argc > 1 && strcmp(argv[1], "exit") == 0) {
		unsigned long status;

		if (argc != 3 || parse_ulong(argv[2], 0, &status) < 0 || status > 255) {
			printf("hello: usage: hello exit N (N from 0 to 255)\n");
			return 1;
		}
		printf("hello: exiting with status %lu\n", status);
		return (int)status;
	}
	return 0;
}
