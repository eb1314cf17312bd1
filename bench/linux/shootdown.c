/* shootdown: Linux baseline, one page mapped, written and unmapped with a second thread of the
 * process on another CPU (one TLB shootdown per unmap) or on the same one (none). */
#include <stdatomic.h>
#include <sys/mman.h>

#include "common.h"

/*
 * usage: shootdown remote|local N
 *
 * bench_shootdown's operation (bench/tasks/bench_shootdown.c) in a Linux
 * process: mmap one anonymous page at a fixed address, store to it (the
 * page fault maps it), munmap it; N times after N/10 (at least 10)
 * warm-ups.  The measuring thread runs on the lowest CPU the process may
 * use (usable_cpus), a second thread of the process on the next (remote)
 * or on the same one (local).
 *
 * remote: the second thread spins on that CPU with PAUSE until the end,
 * so the CPU runs the process's address space: every munmap must flush
 * it there, one IPI per operation, and waits for it.  It spins rather than
 * sleeps: an idle CPU is in lazy TLB mode, which Linux skips when it
 * frees no page table, and leaves the address space at the first flush
 * that reaches it.  Under QEMU's round-robin a PAUSE hands the turn to
 * the next vCPU, so the spinning adds a few instructions per turn, not a
 * time slice.  Where the process may use one CPU only: a SKIP line.
 * local: the second thread waits in a read on the same CPU; nothing else
 * runs the address space, so no munmap sends an IPI.
 *
 * The page lies between two kept pages with a free page either side of
 * it, so that no munmap frees a page table (shoji keeps its tables too)
 * and the VMAs never merge.  RESULT "tlb_shootdown", mode linux-thread,
 * variant remote or local, with "cpus":2, "pinned" and
 * "shootdowns_received": the "TLB shootdowns" interrupts of
 * /proc/interrupts (every CPU but the measuring one) per operation, which
 * says whether the run measured what it means to: 1 where every munmap
 * sends its IPI (under QEMU TCG), fewer in a KVM guest whose kernel
 * flushes a preempted vCPU through the hypervisor instead (KVM's
 * paravirtual TLB flush: no interrupt), more where other processes flush
 * too.  It is reported, not checked.
 */

#define USAGE "shootdown remote|local N"
#define PAGE 4096UL

static const char *prog = "shootdown";

struct side {
	int remote, cpu;
	int wake[2]; /* local: the partner reads, main writes at the end */
	atomic_int running, stop;
};

static void *partner(void *arg)
{
	struct side *s = arg;
	char c;

	pin_cpu(prog, s->cpu);
	atomic_store(&s->running, 1);
	if (s->remote) {
		while (!atomic_load_explicit(&s->stop, memory_order_relaxed))
			__builtin_ia32_pause();
		return NULL;
	}
	if (read(s->wake[0], &c, 1) != 1)
		die(prog, "partner read");
	return NULL;
}

/* The "TLB shootdowns" interrupts of every CPU but @self, from
 * /proc/interrupts; -1 when there is no such line. */
static double tlb_interrupts(int self)
{
	char line[4096];
	double total = -1;
	int cpus[CPU_SETSIZE], n = 0;
	FILE *f = fopen("/proc/interrupts", "re");

	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f)) /* "CPU0 CPU1 ...": the columns' CPUs */
		for (char *p = strstr(line, "CPU"); p && n < CPU_SETSIZE; p = strstr(p + 3, "CPU"))
			cpus[n++] = atoi(p + 3);
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");
		if (strncmp(p, "TLB:", 4))
			continue;
		p += 4;
		total = 0;
		for (int i = 0; i < n; i++) {
			char *end;
			unsigned long long v = strtoull(p, &end, 10);
			if (end == p)
				break;
			if (cpus[i] != self)
				total += (double)v;
			p = end;
		}
		break;
	}
	fclose(f);
	return total;
}

static inline __attribute__((always_inline)) void map_write_unmap(char *page, uint64_t i)
{
	void *m = mmap(page, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (m != page)
		die(prog, "mmap");
	*(volatile uint64_t *)page = i;
	if (munmap(page, PAGE))
		die(prog, "munmap");
}

int main(int argc, char **argv)
{
	static struct side s;
	int cpu[2];
	char pinned[32], extra[128];
	struct mark t0, t1;
	struct peer p;

	arg_total(argc, 3, USAGE);
	if (strcmp(argv[1], "remote") && strcmp(argv[1], "local")) {
		fprintf(stderr, "%s: '%s' is neither remote nor local; usage: %s\n", prog, argv[1],
			USAGE);
		return 2;
	}
	s.remote = !strcmp(argv[1], "remote");
	uint64_t n = arg_count(argv, 2, USAGE), warm = bench_warmup(n);
	int have = usable_cpus(prog, cpu, 2);
	if (s.remote && have < 2) {
		skip("tlb_shootdown", "linux-thread", argv[1], "the process may use one CPU only");
		return 0;
	}
	pin_cpu(prog, cpu[0]);
	s.cpu = s.remote ? cpu[1] : cpu[0];
	cpu_list(pinned, sizeof(pinned), (int[]){cpu[0], s.cpu}, 2);

	/* Five pages: the first and last kept (touched, so their page table
	 * exists), the middle one the measured page. */
	char *area =
	    mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die(prog, "mmap");
	area[0] = area[4 * PAGE] = 1;
	if (munmap(area + PAGE, 3 * PAGE))
		die(prog, "munmap");
	char *page = area + 2 * PAGE;

	if (!s.remote && pipe(s.wake))
		die(prog, "pipe");
	peer_start(&p, 1, partner, &s, prog);
	while (!atomic_load(&s.running))
		__builtin_ia32_pause();
	for (uint64_t i = 0; i < warm; i++)
		map_write_unmap(page, i);

	double tlb0 = tlb_interrupts(cpu[0]);
	uint64_t sw0 = switches(RUSAGE_SELF);
	mark_begin(&t0);
	for (uint64_t i = 0; i < n; i++)
		map_write_unmap(page, i);
	mark_end(&t1);
	uint64_t sw1 = switches(RUSAGE_SELF);
	double tlb1 = tlb_interrupts(cpu[0]);

	atomic_store(&s.stop, 1);
	if (!s.remote && write(s.wake[1], "x", 1) != 1)
		die(prog, "write");
	peer_join(&p);

	double tlb = tlb0 < 0 || tlb1 < 0 ? -1 : tlb1 - tlb0;
	char got[32];
	put_per_op(got, sizeof(got), tlb, n);
	snprintf(extra, sizeof(extra), ",\"cpus\":2,\"pinned\":\"%s\",\"shootdowns_received\":%s",
		 pinned, got);
	/* 2 system calls per operation, mmap and munmap (the store's page
	 * fault is not one). */
	result("tlb_shootdown", "linux-thread", argv[1], n, warm, (double)(t1.tsc - t0.tsc),
	       (double)(t1.ns - t0.ns), (double)(sw1 - sw0), 2.0 * (double)n, -1, extra);
	return 0;
}
