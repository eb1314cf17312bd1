/* benchlib.c: the guest benchmarks' command lines: numbers, the MODE argument, usage and failure
 * lines. */
#include "bench.h"

int bench_check_mode(const char *mode)
{
	const char *real = shoji_mode_name(roi_taskinfo()->mode);

	if (strcmp(mode, real) == 0)
		return 0;
	printf("%s: MODE is '%s' but the task runs in %s mode\n", roi_taskinfo()->name, mode, real);
	return -1;
}

int bench_arg(char **argv, int i, unsigned long *out, const char *usage)
{
	if (parse_ulong(argv[i], 10, out) == 0 && *out > 0)
		return 0;
	printf("%s: '%s' is not a number > 0; usage: %s\n", argv[0], argv[i], usage);
	return -1;
}

int bench_usage(const char *usage)
{
	printf("usage: %s\n", usage);
	return 1;
}

_Noreturn void bench_fail(const char *task, const char *call, long err)
{
	printf("%s: %s failed: %s (%ld)\n", task, call, sys_errname(err), -err);
	sys_exit(1);
}
