/* x86-64 registers, MSRs and the instructions the kernel uses, in one place. */
#ifndef ARCH_X86_H
#define ARCH_X86_H

#include "arch/x86_64/bits.h"

/* Segment selectors (GDT layout in gdt.c; SDM Vol. 3A 5.8.8 fixes the order
 * SYSRET needs: user data right below user code, STAR[63:48] = user data - 8). */
#define SEL_KERNEL_CS 0x08
#define SEL_KERNEL_DS 0x10
#define SEL_USER_DS 0x1b /* 0x18 | RPL 3 */
#define SEL_USER_CS 0x23 /* 0x20 | RPL 3 */
#define SEL_TSS 0x28

/* Control register bits (SDM Vol. 3A 2.5). */
#define CR0_PE BIT(0)
#define CR0_MP BIT(1)
#define CR0_EM BIT(2)
#define CR0_TS BIT(3)
#define CR0_NE BIT(5)
#define CR0_WP BIT(16)
#define CR0_PG BIT(31)
#define CR4_PAE BIT(5)
#define CR4_PGE BIT(7)
#define CR4_PCE BIT(8)
#define CR4_OSFXSR BIT(9)
#define CR4_OSXMMEXCPT BIT(10)
#define CR4_PCIDE BIT(17)
#define CR4_SMEP BIT(20)
#define CR4_SMAP BIT(21)
#define CR4_PKE BIT(22)
#define CR3_NOFLUSH BIT(63)

/* MSRs (SDM Vol. 4). */
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103 /* what RDTSCP returns in ECX (SDM Vol. 2B, RDTSCP) */
#define EFER_SCE BIT(0)
#define EFER_LME BIT(8)
#define EFER_NXE BIT(11)

/* RFLAGS bits. */
#define RFLAGS_IF BIT(9)
#define RFLAGS_TF BIT(8)
#define RFLAGS_DF BIT(10)
#define RFLAGS_AC BIT(18)
#define RFLAGS_IOPL (U64(3) << 12)
#define RFLAGS_NT BIT(14)
#define RFLAGS_RESERVED1 BIT(1)

/* Exception vectors (SDM Vol. 3A 6.3.1). */
#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_NM 7
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MF 16
#define VEC_MC 18
#define VEC_XM 19
#define VEC_FIRST_IRQ 32
#define VEC_TIMER 32
#define VEC_PIC_BASE 0xe0 /* 16 vectors for the masked legacy PICs */
/* The IPI that wakes an idle CPU (smp_wake.c): a vector of its own, above
 * the PICs', so that nothing else is taken for it. */
#define VEC_WAKE 0xf0
/* The IPI that asks a CPU to flush TLB entries (tlb_shootdown.c). */
#define VEC_SHOOTDOWN 0xf1
#define VEC_SPURIOUS 255
/* Not hardware vectors: frames saved by the SYSCALL entry and the gate. */
#define VEC_SYSCALL 256
#define VEC_GATE 257

#ifdef __ASSEMBLY__
/* From 32-bit protected mode to long mode (compatibility mode until a far
 * jump to a 64-bit code segment) on the page tables at \pml4, a physical
 * address below 4 GiB (SDM Vol. 3A 10.8.5): CR4.PAE, CR3, EFER.LME with NXE
 * and SCE, then CR0.PG.  Clobbers EAX, ECX, EDX.  The boot processor's way
 * in (boot.S) and every other CPU's (ap_boot.S).  Assembler, so kept out
 * of clang-format. */
/* clang-format off */
.macro enter_long_mode pml4
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $\pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_PE), %eax
	mov %eax, %cr0
.endm
/* clang-format on */
#else
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* For a device that reads guest memory the value points at (shoji's
 * console device): the compiler must have stored it before. */
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

#define DEFINE_CR_READ(n)                                                                          \
	static inline uint64_t read_cr##n(void)                                                    \
	{                                                                                          \
		uint64_t v;                                                                        \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                  \
		return v;                                                                          \
	}
#define DEFINE_CR_WRITE(name, n)                                                                   \
	static inline void name(uint64_t v)                                                        \
	{                                                                                          \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                         \
	}
DEFINE_CR_READ(0)
DEFINE_CR_READ(2)
DEFINE_CR_READ(3)
DEFINE_CR_READ(4)
DEFINE_CR_WRITE(write_cr0, 0)

/*
 * The instructions that invalidate TLB entries, raw.  Only tlbhint.h
 * calls these (tests/style/tlb-hinted.sh checks it): the kernel calls
 * tlb_write_cr3(), tlb_write_cr4() and tlb_invlpg(), which tell the
 * TLB-model plugin first when tlbhints=on, so that no site can be left
 * out of the model's view.
 */
DEFINE_CR_WRITE(raw_write_cr3, 3)
DEFINE_CR_WRITE(raw_write_cr4, 4)
#undef DEFINE_CR_READ
#undef DEFINE_CR_WRITE

static inline void raw_invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* sti takes effect after the next instruction, so "sti; hlt" cannot lose a
 * wake-up interrupt (SDM Vol. 2B, STI). */
static inline void sti_hlt_cli(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

static inline void pause(void)
{
	__asm__ volatile("pause");
}

static inline _Noreturn void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
#endif

#endif
