/* GDT and TSS: flat segments for ring 0 and ring 3, IST stacks. */
#include "arch/x86_64/arch.h"

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/*
 * The CPU tables live in .cpu_tables and the IST stacks in .ist_stacks,
 * page-aligned sections of their own in the per-CPU window (arch.h), so
 * every CPU loads its own at the same addresses.  While a ring-0 (`kernel` mode) task
 * runs, the tables are mapped read-only for everyone and the IST stacks
 * writable, both as supervisor pages that interrupt delivery can use
 * whatever PKRU holds (paging.c, kernel_tree_ktask()).
 */
struct cpu_tables cpu_tables __attribute__((aligned(16), section(".cpu_tables")));
uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE]
    __attribute__((aligned(4096), section(".ist_stacks")));

/*
 * Order fixed by SYSCALL/SYSRET (x86.h): 0x08 kernel code, 0x10 kernel
 * data, 0x18 user data, 0x20 user code, 0x28 the 16-byte TSS descriptor.
 * Descriptor bits: SDM Vol. 3A 3.4.5; L=1 marks 64-bit code.  The accessed
 * bits are preset: the CPU would otherwise write them on the first
 * segment load, and the GDT is read-only while ring-0 tasks run.
 */
static const uint64_t gdt_template[GDT_ENTRIES] = {
    0,
    0x00af9b000000ffff, /* kernel code: P, DPL 0, code, L, accessed */
    0x00cf93000000ffff, /* kernel data */
    0x00cff3000000ffff, /* user data: DPL 3 */
    0x00affb000000ffff, /* user code: DPL 3, L */
    0,			/* TSS, low half */
    0,			/* TSS, high half */
};

static void gdt_set_tss(struct cpu_tables *t)
{
	uint64_t base = (uint64_t)&t->tss;
	uint64_t limit = sizeof(t->tss) - 1;
	uint64_t *gdt = t->gdt;

	/* Available 64-bit TSS, type 9, present (SDM Vol. 3A 8.2.3). */
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
}

static void gdt_load(struct cpu_tables *t, uint8_t (*ist)[IST_STACK_SIZE], void *stack_top)
{
	struct gdt_ptr p = {sizeof(t->gdt) - 1, (uint64_t)t->gdt};

	for (int i = 0; i < GDT_ENTRIES; i++)
		t->gdt[i] = gdt_template[i];
	for (int i = 0; i < IST_COUNT; i++)
		t->tss.ist[i] = (uint64_t)ist[i] + IST_STACK_SIZE;
	/* Unused: every gate has an IST stack (idt.c). */
	t->tss.rsp[0] = (uint64_t)stack_top;
	/* No I/O bitmap: with IOPL 0, every port is closed to ring 3. */
	t->tss.iomap_base = sizeof(t->tss);
	gdt_set_tss(t);

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

void gdt_init(void)
{
	gdt_load(&cpu_tables, ist_stacks, kernel_stack_top);
}
