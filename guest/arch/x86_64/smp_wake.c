/* Waking an idle CPU: the wake IPI (VEC_WAKE), selftest=wake-ipi, and boot selftests' calls. */
#include "arch/x86_64/arch.h"
#include "core/kernel.h"

/*
 * A CPU with nothing to run halts with interrupts on (the scheduler's idle
 * loop, core/sched.c); another CPU that gives it a task sends it VEC_WAKE.
 * The interrupt arrives through isr_common as any other, on this CPU's
 * own IST_MAIN (its window, arch.h), and is counted here.
 */

#define WAKE_WAIT_MS 1000

bool smp_wake(unsigned index)
{
	return lapic_ipi(smp_cpu(index)->apic_id, ICR_FIXED | VEC_WAKE);
}

void smp_wake_taken(void)
{
	__atomic_fetch_add(&cpu_self.wakeups, 1, __ATOMIC_RELEASE);
	lapic_eoi();
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
		if (!smp_wake(i))
			kprintf("cpu: %u: its wake IPI was not sent within 1 ms\n", i);
		else if (!woke(i, before))
			kprintf("cpu: %u did not take the wake IPI within %d ms\n", i,
				WAKE_WAIT_MS);
		else
			kprintf("cpu: %u woke on IPI vector %#x\n", i, VEC_WAKE);
	}
}

/* The function a boot selftest left for this CPU (smp_call_start()). */
static void (*boot_call)(void) PERCPU;

void smp_call_start(unsigned index, void (*fn)(void))
{
	__atomic_store_n(&percpu_of(boot_call, index), fn, __ATOMIC_RELEASE);
	(void)smp_wake(index);
}

/* Longer than a wake: the call's work, on a vCPU a loaded host may not
 * run for a while. */
#define CALL_WAIT_MS 10000

bool smp_call_wait(unsigned index)
{
	uint64_t end = rdtsc() + tsc_hz / 1000 * CALL_WAIT_MS;
	while (__atomic_load_n(&percpu_of(boot_call, index), __ATOMIC_ACQUIRE))
		if (rdtsc() > end)
			return false;
		else
			pause();
	return true;
}

void smp_call_serve(void)
{
	void (*fn)(void) = __atomic_load_n(&boot_call, __ATOMIC_ACQUIRE);
	if (!fn)
		return;
	fn();
	__atomic_store_n(&boot_call, 0, __ATOMIC_RELEASE);
}
