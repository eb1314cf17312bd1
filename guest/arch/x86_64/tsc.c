/* Time: the TSC frequency (CPUID or PIT calibration) and clock_ns(). */
#include "arch/x86_64/arch.h"
#include "core/kernel.h"

uint64_t tsc_hz;
uint64_t tsc_calibration_ticks;
static uint64_t tsc_boot;
static uint64_t ns_mult; /* ns = (ticks * ns_mult) >> 32 */

/* 8254 PIT (Intel 82C54 data sheet): channel 2, gated by port 0x61 bit 0,
 * its output readable at port 0x61 bit 5. */
#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61

uint64_t pit_measure_tsc(unsigned ms)
{
	uint32_t count = PIT_HZ * ms / 1000;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	uint64_t t0 = rdtsc();
	/* Bounded: a platform without a PIT must not hang the boot. */
	for (uint64_t i = 0; i < 100000000ull && !(inb(PIT_GATE) & 0x20); i++)
		;
	return rdtsc() - t0;
}

static uint64_t tsc_from_cpuid(const char **src)
{
	uint32_t r[4];

	/* Hypervisor timing leaf 0x40000010, EAX = TSC kHz (the VMware
	 * convention KVM users and shoji's VMM follow). */
	if (cpu.hypervisor) {
		cpuid(0x40000000, 0, r);
		if (r[0] >= 0x40000010 && r[0] < 0x40000100) {
			cpuid(0x40000010, 0, r);
			if (r[0] >= 100000 && r[0] <= 10000000) {
				*src = "hypervisor CPUID leaf 0x40000010";
				return (uint64_t)r[0] * 1000;
			}
		}
	}
	/* Leaf 0x15: TSC = crystal Hz * EBX / EAX (SDM Vol. 3B 19.7.3). */
	cpuid(0, 0, r);
	if (r[0] >= 0x15) {
		cpuid(0x15, 0, r);
		if (r[0] && r[1] && r[2]) {
			*src = "CPUID leaf 0x15";
			return (uint64_t)r[2] * r[1] / r[0];
		}
	}
	return 0;
}

const char *tsc_init(void)
{
	const char *src = "PIT calibration";

	tsc_hz = tsc_from_cpuid(&src);
	if (!tsc_hz) {
		/* Best of three 10 ms windows: a delayed first read only lengthens. */
		uint64_t best = ~0ull, t0 = rdtsc();
		for (int i = 0; i < 3; i++) {
			uint64_t t = pit_measure_tsc(10);
			if (t < best)
				best = t;
		}
		tsc_hz = best * 100;
		tsc_calibration_ticks += rdtsc() - t0;
	}
	if (tsc_hz < 1000000)
		panic("TSC frequency %lu Hz from %s is implausible", tsc_hz, src);
	ns_mult = (1000000000ull << 32) / tsc_hz;
	tsc_boot = rdtsc();
	return src;
}

uint64_t clock_ns(void)
{
	return (uint64_t)(((unsigned __int128)(rdtsc() - tsc_boot) * ns_mult) >> 32);
}
