/* perf.h: the Linux baselines' performance counters (perf_event_open) around the measured loop, or
 * the reason there are none. */
#ifndef SHOJI_BENCH_LINUX_PERF_H
#define SHOJI_BENCH_LINUX_PERF_H

/*
 * The same events the guest kernel counts (guest/arch/x86_64/pmu.c),
 * through Linux: instructions and cycles (PERF_TYPE_HARDWARE), the
 * generic TLB read and write misses (PERF_TYPE_HW_CACHE, whatever event
 * Linux maps them to on this CPU), and, where the host CPU is in the
 * guest's table (pmu_events.c, linked in), the same raw walk events
 * under the guest's names (PERF_TYPE_RAW).  Like the guest's, the
 * counters see the whole CPU: opened for the CPU the baseline is pinned
 * to (pid -1, both sides of a ping-pong and the kernel); where Linux
 * refuses that (perf_event_paranoid above 0 without CAP_PERFMON), for
 * the calling thread only, and "pmu_scope" says which.  Where even that
 * is refused, the RESULT line has "pmu":null and "pmu_skip": the first
 * refusal, "perf_event_open(instructions): ENOENT: No such file or
 * directory", and stderr says it once.
 */

#include <cpuid.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>

#include <shoji/abi.h>

#include "arch/x86_64/pmu_events.h"

#define PERF_MAX 10

struct perf_counter {
	const char *name;
	uint32_t type;
	uint64_t config;
	int fd;
	uint64_t begin, end;
};

static struct {
	int tried;
	unsigned n;
	struct perf_counter c[PERF_MAX];
	char scope[24]; /* "cpu N" or "thread" */
	char skip[200]; /* why there are none */
} perf;

/* PERF_TYPE_HW_CACHE's config: cache, operation, result (perf_event_open(2)). */
#define PERF_CACHE(c, op) ((c) | (op) << 8 | PERF_COUNT_HW_CACHE_RESULT_MISS << 16)

static const struct perf_counter perf_generic[] = {
    {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, -1, 0, 0},
    {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, -1, 0, 0},
    {"dtlb_read_misses", PERF_TYPE_HW_CACHE,
     PERF_CACHE(PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ), -1, 0, 0},
    {"dtlb_write_misses", PERF_TYPE_HW_CACHE,
     PERF_CACHE(PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_WRITE), -1, 0, 0},
    {"itlb_read_misses", PERF_TYPE_HW_CACHE,
     PERF_CACHE(PERF_COUNT_HW_CACHE_ITLB, PERF_COUNT_HW_CACHE_OP_READ), -1, 0, 0},
};

static inline int perf_open_one(const struct perf_counter *c, pid_t pid, int cpu)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = c->type;
	a.config = c->config;
	return (int)syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* The guest's walk events for this host CPU (its own CPUID), if known. */
static inline void perf_add_raw(void)
{
	struct pmu_cpuid c = {0};
	struct pmu_desc d;
	struct pmu_plan p;
	unsigned r[4], max;

	__cpuid(0, max, r[1], r[2], r[3]);
	memcpy(c.vendor, &r[1], 4);
	memcpy(c.vendor + 4, &r[3], 4);
	memcpy(c.vendor + 8, &r[2], 4);
	__cpuid(1, c.leaf1_eax, r[1], r[2], r[3]);
	if (max >= 0xa) {
		c.has_leaf_a = true;
		__cpuid_count(0xa, 0, c.leaf_a[0], c.leaf_a[1], c.leaf_a[2], c.leaf_a[3]);
	}
	if (__get_cpuid_max(0x80000000, NULL) >= 0x80000001) {
		c.has_ext1 = true;
		__cpuid(0x80000001, r[0], r[1], c.ext1_ecx, r[3]);
	}
	pmu_describe(&c, &d);
	pmu_plan(&d, &p);
	for (unsigned i = 0; i < p.n && perf.n < PERF_MAX; i++)
		if (p.ev[i].event != SHOJI_PMU_INSTRUCTIONS && p.ev[i].event != SHOJI_PMU_CYCLES)
			perf.c[perf.n++] =
			    (struct perf_counter){shoji_pmu_event_name(p.ev[i].event),
						  PERF_TYPE_RAW,
						  pmu_raw_config(&p.ev[i]),
						  -1,
						  0,
						  0};
}

/* Opens the counters, once: the whole CPU if Linux allows it, else this
 * thread; a counter Linux refuses is left out (fd -1, null in the line). */
static inline void perf_open(void)
{
	if (perf.tried)
		return;
	perf.tried = 1;
	for (size_t i = 0; i < sizeof(perf_generic) / sizeof(perf_generic[0]); i++)
		perf.c[perf.n++] = perf_generic[i];
	perf_add_raw();

	int cpu = sched_getcpu();
	pid_t pid = -1;
	int fd = cpu < 0 ? -1 : perf_open_one(&perf.c[0], -1, cpu);
	if (fd < 0) {
		pid = 0;
		cpu = -1;
		fd = perf_open_one(&perf.c[0], 0, -1);
	}
	if (fd < 0) {
		snprintf(perf.skip, sizeof(perf.skip), "perf_event_open(%s): %s: %s",
			 perf.c[0].name, strerrorname_np(errno) ? strerrorname_np(errno) : "E?",
			 strerror(errno));
		fprintf(stderr, "perf: no performance counters: %s\n", perf.skip);
		perf.n = 0;
		return;
	}
	if (pid < 0)
		snprintf(perf.scope, sizeof(perf.scope), "cpu %d", cpu);
	else
		snprintf(perf.scope, sizeof(perf.scope), "thread");
	perf.c[0].fd = fd;
	for (unsigned i = 1; i < perf.n; i++)
		perf.c[i].fd = perf_open_one(&perf.c[i], pid, cpu);
}

static inline uint64_t perf_value(int fd)
{
	uint64_t v = 0;
	if (fd >= 0 && read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		v = 0;
	return v;
}

/* Before the region's clocks (mark_begin), after them (mark_end). */
static inline void perf_begin(void)
{
	perf_open();
	for (unsigned i = 0; i < perf.n; i++)
		perf.c[i].begin = perf_value(perf.c[i].fd);
}

static inline void perf_end(void)
{
	for (unsigned i = 0; i < perf.n; i++)
		perf.c[i].end = perf_value(perf.c[i].fd);
}

/* ,"pmu":{NAME:PER_OP,...},"pmu_scope":S or ,"pmu":null,"pmu_skip":WHY,
 * for the last region, @ops operations. */
static inline void perf_json(char *buf, size_t size, uint64_t ops)
{
	size_t at = 0;

	if (!perf.n) {
		snprintf(buf, size, ",\"pmu\":null,\"pmu_skip\":\"%s\"",
			 perf.tried ? perf.skip : "not opened");
		return;
	}
	at += (size_t)snprintf(buf, size, ",\"pmu\":{");
	for (unsigned i = 0; i < perf.n && at < size; i++) {
		const struct perf_counter *c = &perf.c[i];
		at += (size_t)snprintf(buf + at, size - at, "%s\"%s\":", i ? "," : "", c->name);
		if (at >= size)
			break;
		if (c->fd < 0)
			at += (size_t)snprintf(buf + at, size - at, "null");
		else
			at += (size_t)snprintf(buf + at, size - at, "%.3f",
					       (double)(c->end - c->begin) / (double)ops);
	}
	if (at < size)
		snprintf(buf + at, size - at, "},\"pmu_scope\":\"%s\"", perf.scope);
}

#endif
