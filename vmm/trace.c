/* --trace-exits: VM exits counted by reason, and shoji's memory besides guest RAM. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dump.h"
#include "guest_mem.h"
#include "machine.h"
#include "trace.h"

/* Only the vCPU's own thread writes its counters: a relaxed load and
 * store (plain moves) keep another thread's reads defined. */
static void count(uint64_t *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

void trace_exit(struct exit_stats *s, uint32_t reason)
{
	count(reason < EXIT_REASONS_MAX ? &s->count[reason] : &s->other);
}

void trace_eintr(struct exit_stats *s)
{
	count(&s->eintr);
}

/* Exits counted so far (while one is handled, that one included). */
static uint64_t exits_total(const struct exit_stats *s)
{
	uint64_t total = __atomic_load_n(&s->other, __ATOMIC_RELAXED);
	for (unsigned r = 0; r < EXIT_REASONS_MAX; r++)
		total += __atomic_load_n(&s->count[r], __ATOMIC_RELAXED);
	return total;
}

static uint64_t machine_exits(const struct machine *m)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < m->ncpus; i++)
		total += exits_total(&m->stats[i]);
	return total;
}

void trace_task_output(struct machine *m)
{
	struct trace_first_output *f = &m->first_output;
	int unseen = 0;
	if (__atomic_load_n(&f->seen, __ATOMIC_RELAXED) ||
	    !__atomic_compare_exchange_n(&f->seen, &unseen, 1, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return;
	f->exits_before = machine_exits(m) - 1;
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

/* "shoji: WHO exits by reason: NAME N ...; total N (KVM_RUN interrupted N times)" */
static void exits_line(const char *who, const struct exit_stats *s)
{
	fprintf(stderr, "shoji: %sexits by reason:", who);
	for (unsigned r = 0; r < EXIT_REASONS_MAX; r++) {
		if (!s->count[r])
			continue;
		const char *name = exit_reason_name(r);
		if (!strncmp(name, "KVM_EXIT_", 9))
			name += 9;
		fprintf(stderr, " %s %llu", name, (unsigned long long)s->count[r]);
	}
	if (s->other)
		fprintf(stderr, " other %llu", (unsigned long long)s->other);
	uint64_t total = exits_total(s);
	if (!total)
		fputs(" none", stderr); /* an AP that never left its wait for SIPI */
	fprintf(stderr, "; total %llu", (unsigned long long)total);
	if (s->eintr)
		fprintf(stderr, " (KVM_RUN interrupted %llu times)", (unsigned long long)s->eintr);
	fputc('\n', stderr);
}

void trace_summary(const struct machine *m)
{
	struct exit_stats all = m->stats[0];
	for (unsigned i = 1; i < m->ncpus; i++) {
		for (unsigned r = 0; r < EXIT_REASONS_MAX; r++)
			all.count[r] += m->stats[i].count[r];
		all.other += m->stats[i].other;
		all.eintr += m->stats[i].eintr;
	}
	for (unsigned i = 0; m->ncpus > 1 && i < m->ncpus; i++) {
		char who[32];
		snprintf(who, sizeof(who), "vCPU %u ", i);
		exits_line(who, &m->stats[i]);
	}
	exits_line("", &all);
	fprintf(stderr, "shoji: port exits without a device %llu, MMIO exits %llu\n",
		(unsigned long long)m->io.unknown_port_exits, (unsigned long long)m->io.mmio_exits);
	/* From exec to a task's first instruction, for a task that writes
	 * first (bench/tasks/bench_boot.c): the start-up's cost in exits. */
	if (m->first_output.seen)
		fprintf(stderr, "shoji: VM exits before the first task output: %llu\n",
			(unsigned long long)m->first_output.exits_before);
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
