/* benchlib.c: the RESULT line, fixed-point output and argument parsing of the guest benchmarks. */
#include "bench.h"

void bench_put(char *buf, size_t size, int *at, const char *fmt, ...)
{
	va_list ap;

	if ((size_t)*at >= size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, size - (size_t)*at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += n;
	if ((size_t)*at > size)
		*at = (int)size;
}

void bench_put_ratio(char *buf, size_t size, int *at, uint64_t num, uint64_t den)
{
	if (!den) {
		bench_put(buf, size, at, "null");
		return;
	}
	/* num * 1000 stays below 2^64 for any count these tasks produce
	 * (a TSC total under 1.8e16). */
	uint64_t milli = (num * 1000 + den / 2) / den;
	bench_put(buf, size, at, "%lu.%03lu", (unsigned long)(milli / 1000),
		  (unsigned long)(milli % 1000));
}

void bench_result(const char *benchmark, const char *mode, const char *variant, uint64_t ops,
		  uint64_t warmup, uint64_t cycles, uint64_t ns, const struct bench_mark *a,
		  const struct bench_mark *b, uint64_t own_syscalls, const char *extra)
{
	char line[PRINTF_MAX];
	int at = 0;
	const struct shoji_stats *s0 = &a->st, *s1 = &b->st;
	uint64_t syscalls = s1->syscalls - s0->syscalls;

	syscalls = syscalls > own_syscalls ? syscalls - own_syscalls : 0;
	bench_put(line, sizeof(line), &at,
		  "RESULT {\"benchmark\":\"%s\",\"mode\":\"%s\",\"variant\":\"%s\","
		  "\"iterations\":%lu,\"warmup\":%lu,\"cycles_per_op\":",
		  benchmark, mode, variant, (unsigned long)ops, (unsigned long)warmup);
	bench_put_ratio(line, sizeof(line), &at, cycles, ops);
	bench_put(line, sizeof(line), &at, ",\"ns_per_op\":");
	bench_put_ratio(line, sizeof(line), &at, ns, ops);
	if (extra)
		bench_put(line, sizeof(line), &at, "%s", extra);
	bench_put(line, sizeof(line), &at, ",\"counters\":{\"task_switches\":");
	bench_put_ratio(line, sizeof(line), &at, s1->task_switches - s0->task_switches, ops);
	bench_put(line, sizeof(line), &at, ",\"cr3_writes\":");
	bench_put_ratio(line, sizeof(line), &at, s1->cr3_writes - s0->cr3_writes, ops);
	bench_put(line, sizeof(line), &at, ",\"wrpkru\":");
	bench_put_ratio(line, sizeof(line), &at, s1->wrpkru - s0->wrpkru, ops);
	bench_put(line, sizeof(line), &at, ",\"tlb_flushes\":");
	bench_put_ratio(line, sizeof(line), &at, s1->tlb_flushes - s0->tlb_flushes, ops);
	bench_put(line, sizeof(line), &at, ",\"syscalls\":");
	bench_put_ratio(line, sizeof(line), &at, syscalls, ops);
	bench_put(line, sizeof(line), &at, ",\"timer_ticks\":");
	bench_put_ratio(line, sizeof(line), &at, s1->timer_ticks - s0->timer_ticks, ops);
	bench_put(line, sizeof(line), &at, "}}\n");
	if ((size_t)at >= sizeof(line)) {
		printf("%s: RESULT line longer than %d bytes\n", benchmark, PRINTF_MAX - 1);
		sys_exit(1);
	}
	sys_write(line, (size_t)at);
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
