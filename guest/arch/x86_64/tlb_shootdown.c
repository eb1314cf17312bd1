/* TLB shootdowns: flushing a range on the other CPUs that may cache it, by IPI (arch.h). */
#include "arch/x86_64/arch.h"
#include "core/kernel.h"

/*
 * One request at a time: only a world section sends, and it holds
 * world_lock (core/sched.c).  The sender writes the range, then raises
 * each target's `pending` (release); a target reads the range after it
 * sees `pending` (acquire), flushes, and lowers it (release), which the
 * sender waits for.  (`pending` is tlb_shootdown_pending, arch.h.)
 */
static struct {
	uint64_t start, end;
} request;
uint32_t tlb_shootdown_pending PERCPU;
uint64_t stat_shootdowns_sent PERCPU_STAT, stat_shootdowns_received PERCPU_STAT;

/* Past this many pages a request reloads CR3 instead of one INVLPG a
 * page: Linux's tlb_single_page_flush_ceiling, 33, for the same reason
 * (a full flush costs about as much as a few dozen INVLPGs). */
#define SHOOTDOWN_INVLPG_MAX 32
/* Hardware answers in microseconds.  A vCPU is a host thread, which the
 * host may not run for a long while: in the emulated-KVM rig (one emulated
 * CPU under shoji's two vCPUs, no pause-loop exiting) a target was seen
 * to run not one instruction for ten seconds and more while the sender
 * spun (sysfuzz-span-audit.case, which the rig skips).  A minute: what
 * ends the machine is a stuck CPU, not a starved one. */
#define SHOOTDOWN_WAIT_MS 60000

static void flush(uint64_t start, uint64_t end)
{
	if (end - start > (uint64_t)SHOOTDOWN_INVLPG_MAX * PAGE_SIZE) {
		/* CR3 written back with bit 63 clear: the current PCID's
		 * entries and paging-structure caches go (SDM Vol. 3A
		 * 4.10.4.1).  A compact space is PCID 0; entries another
		 * PCID keeps of it go at its next load, which flushes. */
		tlb_write_cr3(read_cr3(), &tlbhint_flush);
		stat_cr3_writes++;
		stat_tlb_flushes++;
		return;
	}
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		tlb_invlpg(va);
		stat_tlb_flushes++;
	}
}

void tlb_shootdown_serve(void)
{
	flush(request.start, request.end);
	stat_shootdowns_received++;
	__atomic_store_n(&tlb_shootdown_pending, 0, __ATOMIC_RELEASE);
}

void tlb_shootdown_taken(void)
{
	tlb_shootdown_poll(); /* served already by the lock spin: a no-op */
	lapic_eoi();
}

void tlb_shootdown(uint32_t cpus, uint64_t start, uint64_t end)
{
	if (cpus & (1u << cpu_self.index))
		panic("TLB shootdown: CPU %u asked itself", cpu_self.index);
	request.start = start;
	request.end = end;
	for (unsigned i = 0; i < smp_ncpus; i++) {
		if (!(cpus & (1u << i)))
			continue;
		/* Its lock held here, it can only be in its task, in the
		 * idle halt, or spinning for a lock: all three serve. */
		if (!__atomic_load_n(&percpu_of(cpu_lock, i), __ATOMIC_RELAXED))
			panic("TLB shootdown to CPU %u without its lock", i);
		__atomic_store_n(&percpu_of(tlb_shootdown_pending, i), 1, __ATOMIC_RELEASE);
		/* Not sent within 1 ms: the wait below still ends it or panics. */
		(void)lapic_ipi(smp_cpu(i)->apic_id, ICR_FIXED | VEC_SHOOTDOWN);
		stat_shootdowns_sent++;
	}
	uint64_t deadline = rdtsc() + tsc_hz / 1000 * SHOOTDOWN_WAIT_MS;
	for (unsigned i = 0; i < smp_ncpus; i++) {
		if (!(cpus & (1u << i)))
			continue;
		while (__atomic_load_n(&percpu_of(tlb_shootdown_pending, i), __ATOMIC_ACQUIRE)) {
			if (rdtsc() > deadline)
				panic("TLB shootdown: CPU %u did not flush within %d ms", i,
				      SHOOTDOWN_WAIT_MS);
			pause();
		}
	}
}

/* selftest=shootdown (arch.h).  The page lies where task slot 1's would,
 * tagged with its key; CPU 1 reads it with the kernel's rights (PKRU 0,
 * SMAP lifted), which is what caches the translation there.  Between its
 * two reads CPU 1 spins, serving shootdowns as a lock spin does, and
 * takes no interrupt: an entry writes PKRU, which under QEMU flushes its
 * TLB model, and would hide a missing shootdown. */
static struct aspace probe_as;
static uint64_t probe_seen;
static uint32_t probe_step;
#define PROBE_VA slot_base(1)
#define PROBE_OLD U64(0x01d01d01d01d01d0)
#define PROBE_NEW U64(0x0e90e90e90e90e90)
#define PROBE_WAIT_MS 10000 /* as SHOOTDOWN_WAIT_MS */

static uint64_t probe_read(void)
{
	uaccess_open();
	uint64_t v = *(volatile uint64_t *)PROBE_VA;
	uaccess_close();
	return v;
}

/* CPU 1's part: install, read, wait for the boot processor's unmap and
 * new map, read again. */
static void probe_cpu1(void)
{
	aspace_activate(&probe_as);
	pkru_switch(0);
	probe_seen = probe_read();
	__atomic_store_n(&probe_step, 1, __ATOMIC_RELEASE);
	/* No time limit: the boot processor sets step 2 or panics. */
	while (__atomic_load_n(&probe_step, __ATOMIC_ACQUIRE) != 2) {
		tlb_shootdown_poll();
		pause();
	}
	probe_seen = probe_read();
}

/* A frame holding `word` first, mapped at PROBE_VA. */
static bool probe_map(uint64_t phys, uint64_t word)
{
	if (!phys)
		return false;
	*(uint64_t *)phys_to_virt(phys) = word;
	if (aspace_map(&probe_as, PROBE_VA,
		       pte_make(phys, PTE_P | PTE_U | PTE_NX | PTE_SW_OWNED, 1))) {
		pmm_free_page(phys);
		return false;
	}
	return true;
}

static void probe_free(void *ctx, uint64_t va, uint64_t old)
{
	(void)ctx;
	(void)va;
	pmm_free_page(pte_addr(old));
}

/* The boot processor holds no lock before the scheduler starts: a world
 * section here drops the lock it took of its own, for sched_begin(). */
static void probe_world_leave(void)
{
	world_leave();
	cpu_lock_drop();
}

void tlb_shootdown_selftest(void)
{
	if (smp_ncpus < 2) {
		kprintf("shootdown: one CPU, nothing to shoot down\n");
		return;
	}
	if (aspace_init(&probe_as, false, true, 0) || !probe_map(page_alloc_zeroed(), PROBE_OLD))
		panic("selftest=shootdown: out of memory");
	smp_call_start(1, probe_cpu1);
	uint64_t end = rdtsc() + tsc_hz / 1000 * PROBE_WAIT_MS;
	while (!__atomic_load_n(&probe_step, __ATOMIC_ACQUIRE))
		if (rdtsc() > end)
			panic("selftest=shootdown: CPU 1 did not read the page");
	if (probe_seen != PROBE_OLD)
		panic("selftest=shootdown: CPU 1 read %#lx, not the page", probe_seen);
	/* The new frame is taken while the old one is in use, so it is
	 * another: a stale translation on CPU 1 would read the old. */
	uint64_t fresh = page_alloc_zeroed();
	world_enter();
	uint64_t sent = stat_shootdowns_sent;
	aspace_unmap_range(&probe_as, PROBE_VA, PROBE_VA + PAGE_SIZE, probe_free, 0);
	sent = stat_shootdowns_sent - sent;
	bool mapped = probe_map(fresh, PROBE_NEW);
	probe_world_leave();
	__atomic_store_n(&probe_step, 2, __ATOMIC_RELEASE);
	if (!mapped || !smp_call_wait(1))
		panic("selftest=shootdown: no second read on CPU 1");
	if (probe_seen == PROBE_NEW)
		kprintf("shootdown: CPU 1 read the new page after the unmap (%lu request sent, "
			"%lu served there)\n",
			sent, percpu_of(stat_shootdowns_received, 1));
	else
		kprintf("shootdown: CPU 1 read the unmapped page's old frame (%#lx): its TLB "
			"was not flushed\n",
			probe_seen);
	world_enter();
	aspace_destroy(&probe_as);
	probe_world_leave();
	kprintf("shootdown: the destroyed tables are %s CPU 1\n",
		aspace_installed(1, false) ? "still installed on" : "off");
}
