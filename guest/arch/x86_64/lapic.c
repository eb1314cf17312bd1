/* Local APIC (xAPIC, memory-mapped): enable, periodic timer, EOI, the start-up IPIs. */
#include "arch/x86_64/arch.h"
#include "core/kernel.h"

/* Register offsets (SDM Vol. 3A 11.4.1, Table 11-1). */
enum {
	LAPIC_ID = 0x20,
	LAPIC_TPR = 0x80,
	LAPIC_EOI = 0xb0,
	LAPIC_SVR = 0xf0,
	LAPIC_ICR_LOW = 0x300,
	LAPIC_ICR_HIGH = 0x310,
	LAPIC_LVT_TIMER = 0x320,
	LAPIC_TIMER_INIT = 0x380,
	LAPIC_TIMER_CUR = 0x390,
	LAPIC_TIMER_DIV = 0x3e0,
};
#define APIC_BASE_ENABLE BIT(11)
#define APIC_BASE_X2APIC BIT(10)
#define SVR_ENABLE BIT(8)
#define LVT_MASKED BIT(16)
#define LVT_PERIODIC (1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define TIMER_DIV_16 0x3
/* ICR bits (SDM Vol. 3A 11.6.1, Figure 11-12). */
#define ICR_DELIVERY_PENDING BIT(12)
#define ICR_DEST_SHIFT 24 /* in the high word: the xAPIC's 8-bit destination */

static bool deadline_mode;
static uint64_t period_tsc;
static uint32_t periodic_init;	      /* the periodic mode's initial count */
static uint64_t next_deadline PERCPU; /* each CPU arms its own timer */

static inline uint32_t lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(FIXMAP_LAPIC + reg);
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(FIXMAP_LAPIC + reg) = v;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* LAPIC timer ticks per ms at divide-by-16, measured against the TSC. */
static uint64_t lapic_ticks_per_ms(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	uint64_t start = rdtsc(), end = start + tsc_hz / 100; /* 10 ms */
	while (rdtsc() < end)
		pause();
	uint32_t elapsed = 0xffffffffu - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	tsc_calibration_ticks += rdtsc() - start;
	return elapsed / 10;
}

/* This CPU's local APIC on, in xAPIC mode, every interrupt priority
 * accepted; returns its base MSR. */
static uint64_t lapic_enable(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	/* Firmware may hand over in x2APIC mode; the way back to xAPIC is
	 * through disabled (SDM Vol. 3A 11.12.5, x2APIC state transitions). */
	if (base & APIC_BASE_X2APIC) {
		base &= ~(APIC_BASE_X2APIC | APIC_BASE_ENABLE);
		wrmsr(MSR_APIC_BASE, base);
	}
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	return base;
}

/* This CPU's timer, in the mode lapic_timer_init() chose on the boot
 * processor: every CPU ticks with the same period. */
static void timer_start(void)
{
	if (deadline_mode) {
		lapic_write(LAPIC_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
		(void)lapic_read(LAPIC_LVT_TIMER); /* mode switch done before the MSR write */
		next_deadline = rdtsc() + period_tsc;
		wrmsr(MSR_TSC_DEADLINE, next_deadline);
		return;
	}
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, periodic_init);
}

const char *lapic_timer_init(uint32_t period_us)
{
	uint64_t base = lapic_enable();
	paging_map_device(FIXMAP_LAPIC, base & PTE_ADDR_MASK & ~0xfffull);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);

	period_tsc = tsc_hz * period_us / 1000000; /* < 2^64 for any real clock */
	if (cpu.tsc_deadline) {
		deadline_mode = true;
		timer_start();
		return "TSC-deadline";
	}
	uint64_t per_ms = lapic_ticks_per_ms();
	uint64_t init = per_ms * period_us / 1000;
	if (!init || init > 0xffffffffu)
		panic("LAPIC timer: %lu ticks per ms cannot make a %u us period", per_ms,
		      period_us);
	periodic_init = (uint32_t)init;
	timer_start();
	return "periodic";
}

void lapic_timer_tick(void)
{
	if (deadline_mode) {
		uint64_t now = rdtsc();
		next_deadline += period_tsc;
		if (next_deadline <= now) /* missed ticks are dropped, not replayed */
			next_deadline = now + period_tsc;
		wrmsr(MSR_TSC_DEADLINE, next_deadline);
	}
	lapic_eoi();
}

void lapic_ap_init(void)
{
	(void)lapic_enable();
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	timer_start();
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24; /* xAPIC: bits 31:24 (SDM Vol. 3A 11.4.6) */
}

bool lapic_ipi(uint32_t apic_id, uint32_t icr)
{
	lapic_write(LAPIC_ICR_HIGH, apic_id << ICR_DEST_SHIFT);
	lapic_write(LAPIC_ICR_LOW, icr); /* the write of the low word sends it */
	uint64_t end = rdtsc() + tsc_hz / 1000;
	while (lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING)
		if (rdtsc() > end)
			return false;
		else
			pause();
	return true;
}
