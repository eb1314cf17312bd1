/* common.h: what the Linux baselines share: clock, pinning, peer tasks, rusage, RESULT and SKIP. */
#ifndef SHOJI_BENCH_LINUX_COMMON_H
#define SHOJI_BENCH_LINUX_COMMON_H

/*
 * Every baseline prints, per measurement, the line the guest tasks print
 * (bench/tasks/bench.h), with mode "linux-process" or "linux-thread":
 *
 *   RESULT {"benchmark":B,"mode":M,"variant":V,"iterations":N,"warmup":W,
 *           "cycles_per_op":C,"ns_per_op":T,"cpu":"MODEL","counters":{...}}
 *
 * or, when the host cannot run it, one line
 *
 *   SKIP {"benchmark":B,"mode":M,"variant":V,"reason":"..."}
 *
 * and exits 0.  Counters: task_switches are the voluntary plus involuntary
 * context switches (getrusage) of both sides over the measured
 * iterations; syscalls the system calls the loop makes (counted in the
 * code); the events Linux does not count for us (CR3 writes, TLB flushes)
 * are null.  After "counters", "pmu": the performance counters per
 * operation over the last mark_begin()..mark_end(), or null and
 * "pmu_skip" with the reason (perf.h).
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* bench_tsc(), bench_warmup(), bench_rand(): as the guest tasks measure. */
#include "../method.h"
/* The TLB-model plugin's region markers, as the guest's roi_begin() and
 * roi_end() place them (guest/user/lib/roi.h). */
#include "../../include/shoji/tlbmark.h"
/* perf_begin(), perf_end(), perf_json(): the performance counters. */
#include "perf.h"

static inline uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* One end of a measured interval. */
struct mark {
	uint64_t tsc, ns;
};

/* The performance counters first and last (perf.h), outside the clocks. */
static inline void mark_begin(struct mark *m)
{
	perf_begin();
	m->ns = now_ns();
	m->tsc = SHOJI_RDTSC("", TLBMARK_ASM(TLBMARK_ROI_BEGIN));
}

static inline void mark_end(struct mark *m)
{
	m->tsc = SHOJI_RDTSC(TLBMARK_ASM(TLBMARK_ROI_END), "");
	m->ns = now_ns();
	perf_end();
}

static inline void die(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

/* Pins the calling thread to @cpu; threads and children created after inherit the mask. */
static inline void pin_cpu(const char *prog, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die(prog, "sched_setaffinity");
}

/*
 * The CPU both sides of a ping-pong run on: $BENCH_CPU, else the highest
 * one the process may use (CPU 0 takes most interrupts).  Pins the caller;
 * children and threads created after inherit the mask.
 */
static inline int pin_one_cpu(const char *prog)
{
	cpu_set_t set;
	int cpu = -1;
	const char *env = getenv("BENCH_CPU");

	if (sched_getaffinity(0, sizeof(set), &set))
		die(prog, "sched_getaffinity");
	if (env && *env) {
		cpu = atoi(env);
	} else {
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				cpu = c;
	}
	pin_cpu(prog, cpu);
	return cpu;
}

/*
 * The benchmarks on several CPUs (pingpong.h's xcpu, pairs_pingpong.c):
 * fills @cpu with the lowest @want CPUs the process may use (CPUs 0, 1,
 * ... where it may use all; `taskset` chooses others) and returns how many
 * it found, at most @want.  Dies naming @prog when sched_getaffinity fails.
 */
static inline int usable_cpus(const char *prog, int *cpu, int want)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		die(prog, "sched_getaffinity");
	for (int c = 0; c < CPU_SETSIZE && n < want; c++)
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
	return n;
}

/* @n CPU numbers as JSON text, "0,1,2" (a JSON string's contents). */
static inline void cpu_list(char *buf, size_t size, const int *cpu, int n)
{
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%d", i ? "," : "", cpu[i]);
}

/* Another task of the benchmark: a thread, or a forked process (peer_start). */
struct peer {
	int thread;
	pthread_t th;
	pid_t pid;
};

/*
 * Runs @fn(@arg) in a new thread (@thread) or a forked child process,
 * which exits 0 when @fn returns; dies naming @prog when it cannot.  The
 * child shares with its parent only what was mapped MAP_SHARED; @p may be
 * there too, since only the parent writes it after the fork.
 */
static inline void peer_start(struct peer *p, int thread, void *(*fn)(void *), void *arg,
			      const char *prog)
{
	p->thread = thread;
	p->pid = -1;
	if (thread) {
		if (pthread_create(&p->th, NULL, fn, arg))
			die(prog, "pthread_create");
		return;
	}
	pid_t pid = fork();
	if (pid < 0)
		die(prog, "fork");
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	p->pid = pid;
}

/* Waits for a peer_start() task to end. */
static inline void peer_join(const struct peer *p)
{
	if (p->thread)
		pthread_join(p->th, NULL);
	else
		waitpid(p->pid, NULL, 0);
}

/* Context switches of the calling thread (who: RUSAGE_THREAD) or process. */
static inline uint64_t switches(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (uint64_t)ru.ru_nvcsw + (uint64_t)ru.ru_nivcsw;
}

/* The host CPU's model name from /proc/cpuinfo, JSON-safe. */
static inline void cpu_model(char *buf, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "re");

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');
		if (strncmp(line, "model name", 10) || !v)
			continue;
		v += strspn(v + 1, " \t") + 1;
		v[strcspn(v, "\n")] = 0;
		size_t o = 0;
		for (; *v && o + 1 < size; v++)
			if (*v != '"' && *v != '\\')
				buf[o++] = *v;
		buf[o] = 0;
		break;
	}
	fclose(f);
}

/* Whether /proc/cpuinfo's first "flags" line has @flag. */
static inline int cpu_has_flag(const char *flag)
{
	char line[4096];
	int found = 0;
	size_t n = strlen(flag);
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (char *p = strstr(line, flag); p; p = strstr(p + 1, flag))
			if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n'))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

/* A counter value per op for the JSON, or null for a negative @total. */
static inline void put_per_op(char *buf, size_t size, double total, uint64_t ops)
{
	if (total < 0)
		snprintf(buf, size, "null");
	else
		snprintf(buf, size, "%.3f", total / (double)ops);
}

/*
 * Prints the RESULT line.  @switch_total and @syscall_total are totals over
 * the @ops measured operations (negative: not known, null).  @extra, when
 * not NULL, is more JSON members (",\"key\":value") before "counters".
 */
static inline void result(const char *benchmark, const char *mode, const char *variant,
			  uint64_t ops, uint64_t warmup, double cycles, double ns,
			  double switch_total, double syscall_total, double wrpkru_total,
			  const char *extra)
{
	char model[128], sw[32], sc[32], pk[32], pmu[512];

	cpu_model(model, sizeof(model));
	perf_json(pmu, sizeof(pmu), ops);
	put_per_op(sw, sizeof(sw), switch_total, ops);
	put_per_op(sc, sizeof(sc), syscall_total, ops);
	put_per_op(pk, sizeof(pk), wrpkru_total, ops);
	printf(
	    "RESULT {\"benchmark\":\"%s\",\"mode\":\"%s\",\"variant\":\"%s\",\"iterations\":%llu,"
	    "\"warmup\":%llu,\"cycles_per_op\":%.3f,\"ns_per_op\":%.3f,\"cpu\":\"%s\"%s,"
	    "\"counters\":{\"task_switches\":%s,\"cr3_writes\":null,\"wrpkru\":%s,"
	    "\"tlb_flushes\":null,\"syscalls\":%s}%s}\n",
	    benchmark, mode, variant, (unsigned long long)ops, (unsigned long long)warmup,
	    cycles / (double)ops, ns / (double)ops, model, extra ? extra : "", sw, pk, sc, pmu);
	fflush(stdout);
}

/* Prints the SKIP line (no quotes or backslashes in @reason). */
static inline void skip(const char *benchmark, const char *mode, const char *variant,
			const char *reason)
{
	printf("SKIP {\"benchmark\":\"%s\",\"mode\":\"%s\",\"variant\":\"%s\",\"reason\":\"%s\"}\n",
	       benchmark, mode, variant, reason);
	fflush(stdout);
}

/* Exits 2 with the usage unless argc is @want (the program's name included). */
static inline void arg_total(int argc, int want, const char *usage)
{
	if (argc != want) {
		fprintf(stderr, "usage: %s\n", usage);
		exit(2);
	}
}

/* argv[i] as a number > 0, or the usage and exit 2. */
static inline uint64_t arg_count(char **argv, int i, const char *usage)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(argv[i], &end, 10);
	if (errno || *end || !*argv[i] || v == 0) {
		fprintf(stderr, "%s: '%s' is not a number > 0; usage: %s\n", argv[0], argv[i],
			usage);
		exit(2);
	}
	return v;
}

/* "process" or "thread" as the mode name, else the usage and exit 2. */
static inline const char *arg_mode(char **argv, int i, int *threads, const char *usage)
{
	if (!strcmp(argv[i], "process")) {
		*threads = 0;
		return "linux-process";
	}
	if (!strcmp(argv[i], "thread")) {
		*threads = 1;
		return "linux-thread";
	}
	fprintf(stderr, "%s: '%s' is neither process nor thread; usage: %s\n", argv[0], argv[i],
		usage);
	exit(2);
}

#endif
