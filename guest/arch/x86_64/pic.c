/* The legacy 8259 PICs: moved off the exception vectors and masked. */
#include "arch/x86_64/arch.h"

/* Ports and initialization words: Intel 8259A data sheet. */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

/*
 * Firmware leaves the master PIC on vectors 8-15, where the PIT's IRQ 0
 * would arrive looking like a double fault.  Remap both PICs to
 * VEC_PIC_BASE (spurious IRQ 7/15 may still arrive there even when
 * masked; trap.c ignores that range) and mask every line: the kernel's
 * only interrupt source is the local APIC timer.
 */
void pic_disable(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows, cascade */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, VEC_PIC_BASE); /* ICW2: vector base */
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff); /* mask all */
	outb(PIC2_DATA, 0xff);
}
