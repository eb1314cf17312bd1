/* GDT and TSS: flat segments for ring 0 and ring 3, IST stacks. */
#include "arch/x86_64/arch.h"

/* 64-bit TSS (SDM Vol. 3A 8.7, Figure 8-11). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS size");
_Static_assert(__builtin_offsetof(struct tss, ist) == 36, "TSS.IST1 offset");

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/*
 * The CPU tables live in .cpu_tables and the IST stacks in .ist_stacks,
 * page-aligned sections of their own: while a ring-0 (`kernel` mode) task
 * runs, the tables are mapped read-only for everyone and the IST stacks
 * writable, both as supervisor pages that interrupt delivery can use
 * whatever PKRU holds (paging.c, kernel_tree_ktask()).
 */
static struct tss tss __attribute__((aligned(16), section(".cpu_tables")));
uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE]
    __attribute__((aligned(4096), section(".ist_stacks")));

/*
 * Order fixed by SYSCALL/SYSRET (x86.h): 0x08 kernel code, 0x10 kernel
 * data, 0x18 user data, 0x20 user code, 0x28 the 16-byte TSS descriptor.
 * Descriptor bits: SDM Vol. 3A 3.4.5; L=1 marks 64-bit code.  The accessed
 * bits are preset: the CPU would otherwise write them on the first
 * segment load, and the GDT is read-only while ring-0 tasks run.
 */
static uint64_t gdt[7] __attribute__((aligned(16), section(".cpu_tables"))) = {
    0,
    0x00af9b000000ffff, /* kernel code: P, DPL 0, code, L, accessed */
    0x00cf93000000ffff, /* kernel data */
    0x00cff3000000ffff, /* user data: DPL 3 */
    0x00affb000000ffff, /* user code: DPL 3, L */
    0,			/* TSS, low half */
    0,			/* TSS, high half */
};

static void gdt_set_tss(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	/* Available 64-bit TSS, type 9, present (SDM Vol. 3A 8.2.3). */
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
}

void gdt_init(void)
{
	struct gdt_ptr p = {sizeof(gdt) - 1, (uint64_t)gdt};

	for (int i = 0; i < IST_COUNT; i++)
		tss.ist[i] = (uint64_t)ist_stacks[i] + IST_STACK_SIZE;
	/* Unused: every gate has an IST stack (idt.c). */
	tss.rsp[0] = (uint64_t)kernel_stack_top;
	/* No I/O bitmap: with IOPL 0, every port is closed to ring 3. */
	tss.iomap_base = sizeof(tss);
	gdt_set_tss();

	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "pushq %2\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "r"(SEL_KERNEL_DS), "i"(SEL_KERNEL_CS), "r"(SEL_TSS)
			 : "rax", "memory");
}
