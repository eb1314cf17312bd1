/* IDT: one gate per vector, each pointing at its entry.S stub. */
#include "arch/x86_64/arch.h"

/* 64-bit interrupt gate (SDM Vol. 3A 7.14.1, Figure 7-8). */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

#define GATE_INTERRUPT 0x8e /* P, DPL 0, 64-bit interrupt gate: IF cleared */

extern const uint64_t isr_stubs[256];
static struct idt_gate idt[256] __attribute__((aligned(16), section(".cpu_tables")));

/*
 * Every vector has an IST stack (SDM Vol. 3A 7.14.5): a ring-0 task's RSP
 * is never used for a frame, and ring-3 frames too land on IST_MAIN, from
 * where entry.S copies them into the task.  #DF, NMI and #MC get stacks
 * of their own, so they can arrive while IST_MAIN is in use.
 */
static uint8_t vector_ist(int v)
{
	return v == VEC_DF ? IST_DF : v == VEC_NMI ? IST_NMI : v == VEC_MC ? IST_MC : IST_MAIN;
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = {sizeof(idt) - 1, (uint64_t)idt};

	__asm__ volatile("lidt %0" : : "m"(p));
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t h = isr_stubs[v];
		/* DPL 0 everywhere: `int n` from ring 3 raises #GP instead. */
		idt[v] = (struct idt_gate){
		    .offset_low = h & 0xffff,
		    .selector = SEL_KERNEL_CS,
		    .ist = vector_ist(v),
		    .type_attr = GATE_INTERRUPT,
		    .offset_mid = (h >> 16) & 0xffff,
		    .offset_high = h >> 32,
		};
	}
	idt_load();
}
