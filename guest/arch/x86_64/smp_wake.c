/* Waking an idle CPU: the wake IPI (VEC_WAKE), its receipt on the CPU, and selftest=wake-ipi. */
#include "arch/x86_64/arch.h"
#include "core/kernel.h"

/*
 * The CPUs other than the boot processor idle in the kernel (smp.c) and
 * run no task, so every interrupt they take arrives from the kernel, on
 * their own IST_MAIN.  entry.S's isr_common knows the boot processor's
 * frame by its address; a frame elsewhere goes to isr_other_cpu, which
 * reads the CPU's index with RDTSCP (TSC_AUX: only WRMSR writes it, which
 * no task holds) and accepts the frame only at the top of that CPU's
 * IST_MAIN.  So the boot processor's path keeps its instructions, and a
 * jump into isr_common on the boot processor, whose index is 0, is still
 * refused (entry_violation).
 */

/* ICR low word for a fixed interrupt, edge, assert (SDM Vol. 3A 11.6.1). */
#define ICR_FIXED 0x00004000u
#define WAKE_WAIT_MS 1000

uint8_t cpu_rdtscp;

void smp_wake_init_cpu(unsigned index)
{
	cpu_rdtscp = cpu.rdtscp;
	if (cpu.rdtscp)
		wrmsr(MSR_TSC_AUX, index);
}

bool smp_wake(unsigned index)
{
	return cpu_rdtscp && lapic_ipi(smp_cpu(index)->apic_id, ICR_FIXED | VEC_WAKE);
}

void trap_idle(struct regs *r, unsigned index)
{
	if (r->vector == VEC_WAKE) {
		__atomic_fetch_add(&smp_cpu(index)->wakeups, 1, __ATOMIC_RELEASE);
		lapic_eoi();
		return;
	}
	/* No EOI for spurious interrupts (SDM Vol. 3A 11.9). */
	if (r->vector == VEC_SPURIOUS)
		return;
	kprintf("kernel panic: %s on idle CPU %u\n", exception_name(r->vector) ?: "interrupt",
		index);
	regs_dump(r);
	machine_exit(SHOJI_EXIT_PANIC);
}

/* Whether CPU index counted more than `before` wake IPIs within
 * WAKE_WAIT_MS. */
static bool woke(unsigned index, uint64_t before)
{
	uint64_t end = rdtsc() + tsc_hz / 1000 * WAKE_WAIT_MS;
	while (__atomic_load_n(&smp_cpu(index)->wakeups, __ATOMIC_ACQUIRE) == before)
		if (rdtsc() > end)
			return false;
		else
			pause();
	return true;
}

void smp_wake_selftest(void)
{
	for (unsigned i = 1; i < smp_ncpus; i++) {
		uint64_t before = __atomic_load_n(&smp_cpu(i)->wakeups, __ATOMIC_ACQUIRE);
		if (!cpu_rdtscp)
			kprintf("cpu: %u takes no interrupts (no RDTSCP): not woken\n", i);
		else if (!smp_wake(i))
			kprintf("cpu: %u: its wake IPI was not sent within 1 ms\n", i);
		else if (!woke(i, before))
			kprintf("cpu: %u did not take the wake IPI within %d ms\n", i,
				WAKE_WAIT_MS);
		else
			kprintf("cpu: %u woke on IPI vector %#x\n", i, VEC_WAKE);
	}
}
