/* --trace-exits: VM exits counted by reason, and shoji's memory besides guest RAM. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dump.h"
#include "guest_mem.h"
#include "machine.h"
#include "trace.h"

void trace_exit(struct exit_stats *s, uint32_t reason)
{
	if (reason < EXIT_REASONS_MAX)
		s->count[reason]++;
	else
		s->other++;
}

/* Exits counted so far (while one is handled, that one included). */
static uint64_t exits_total(const struct exit_stats *s)
{
	uint64_t total = s->other;
	for (unsigned r = 0; r < EXIT_REASONS_MAX; r++)
		total += s->count[r];
	return total;
}

void trace_task_output(struct exit_stats *s)
{
	if (s->task_output_seen)
		return;
	s->task_output_seen = true;
	s->before_task_output = exits_total(s) - 1;
}

/* The first line "KEY: N kB" of @path, in bytes; 0 when there is none. */
static uint64_t proc_kib(const char *path, const char *key)
{
	char line[256];
	unsigned long long kib = 0;
	size_t klen = strlen(key);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && sscanf(line + klen, " %llu kB", &kib) == 1)
			break;
	fclose(f);
	return (uint64_t)kib * 1024;
}

uint64_t trace_vmrss(void)
{
	/* smaps_rollup walks the page tables; status's VmRSS lags behind in
	 * a short-lived process (per-thread counters, synced every 64 faults
	 * before Linux 6.2). */
	uint64_t rss = proc_kib("/proc/self/smaps_rollup", "Rss:");
	return rss ? rss : proc_kib("/proc/self/status", "VmRSS:");
}

uint64_t trace_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void trace_summary(const struct machine *m)
{
	uint64_t total = exits_total(&m->stats);
	fprintf(stderr, "shoji: exits by reason:");
	for (unsigned r = 0; r < EXIT_REASONS_MAX; r++) {
		if (!m->stats.count[r])
			continue;
		const char *name = exit_reason_name(r);
		if (!strncmp(name, "KVM_EXIT_", 9))
			name += 9;
		fprintf(stderr, " %s %llu", name, (unsigned long long)m->stats.count[r]);
	}
	if (m->stats.other)
		fprintf(stderr, " other %llu", (unsigned long long)m->stats.other);
	fprintf(stderr, "; total %llu", (unsigned long long)total);
	if (m->stats.eintr)
		fprintf(stderr, " (KVM_RUN interrupted %llu times)",
			(unsigned long long)m->stats.eintr);
	fprintf(stderr, "\nshoji: port exits without a device %llu, MMIO exits %llu\n",
		(unsigned long long)m->io.unknown_port_exits, (unsigned long long)m->io.mmio_exits);
	/* From exec to a task's first instruction, for a task that writes
	 * first (bench/tasks/bench_boot.c): the start-up's cost in exits. */
	if (m->stats.task_output_seen)
		fprintf(stderr, "shoji: VM exits before the first task output: %llu\n",
			(unsigned long long)m->stats.before_task_output);
	else
		fprintf(stderr, "shoji: VM exits before the first task output: unknown (no task "
				"wrote through the console device)\n");

	if (m->first_run_ns)
		fprintf(stderr,
			"shoji: from the start of shoji run to the first KVM_RUN: %llu us\n",
			(unsigned long long)(m->first_run_ns - m->start_ns) / 1000);
	uint64_t rss = trace_vmrss(), guest = guest_mem_resident(&m->mem);
	fprintf(stderr,
		"shoji: resident memory %llu KiB: guest RAM %llu KiB of %llu MiB, shoji "
		"itself %llu KiB\n",
		(unsigned long long)(rss >> 10), (unsigned long long)(guest >> 10),
		(unsigned long long)(m->mem.size >> 20),
		(unsigned long long)(rss > guest ? (rss - guest) >> 10 : 0));
}
