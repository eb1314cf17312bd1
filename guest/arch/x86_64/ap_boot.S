/* The other CPUs' way in: from the real mode a start-up IPI leaves them in to the 64-bit kernel. */
#include "arch/x86_64/arch.h"

/*
 * A start-up IPI with vector V starts a CPU in real mode at V:0000, CS
 * V << 8 (SDM Vol. 3A 9.4.4, "MP Initialization Example", and 11.6.1).
 * smp.c copies ap_trampoline..ap_trampoline_end to a free page below
 * 1 MiB and sends that page's number.  The code finds its own address in
 * CS, so it runs at any such page: 16-bit real mode, then 32-bit protected
 * mode on its own GDT, then long mode on the boot page tables (boot.S:
 * the first GiB identity-mapped, which holds this page, and the kernel at
 * KERNEL_VMA), then a jump to ap_start64 in the kernel's text, which
 * takes the CPU's own page tables from ap_boot_cr3 (smp.c sets it before
 * each start) and with them its window (arch.h), whose entry stack it
 * runs on.  Interrupts stay off throughout; ap_main() loads the CPU's
 * own GDT, TSS and the IDT.
 */
#define R(x) ((x) - ap_trampoline)
#define TRAMP_CS32 0x08
#define TRAMP_DS 0x10
#define TRAMP_CS64 0x18

	.section .rodata, "a"
	.p2align 4
	.globl ap_trampoline, ap_trampoline_end
	.code16
ap_trampoline:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	xor %ebx, %ebx
	mov %ax, %bx
	shl $4, %ebx			/* EBX: the page's physical address */
	lea R(tgdt)(%ebx), %eax		/* the GDT's linear address */
	mov %eax, R(tgdt_ptr) + 2
	lgdtl R(tgdt_ptr)
	lea R(ap32)(%ebx), %eax
	mov %eax, R(far32)
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl *R(far32)

	.code32
ap32:	mov $TRAMP_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	enter_long_mode boot_pml4	/* as boot.S enters it (x86.h) */
	lea R(ap64)(%ebx), %eax
	mov %eax, R(far64)(%ebx)
	ljmp *R(far64)(%ebx)

	.code64
ap64:	movabs $ap_start64, %rax
	jmp *%rax

	/* Descriptor bits: SDM Vol. 3A 3.4.5; accessed bits preset. */
	.p2align 3
tgdt:	.quad 0
	.quad 0x00cf9b000000ffff	/* TRAMP_CS32: 32-bit code */
	.quad 0x00cf93000000ffff	/* TRAMP_DS: data */
	.quad 0x00af9b000000ffff	/* TRAMP_CS64: 64-bit code */
tgdt_end:
tgdt_ptr:
	.word tgdt_end - tgdt - 1
	.long 0				/* filled in: tgdt's linear address */
far32:	.long 0				/* filled in: ap32's address */
	.word TRAMP_CS32
far64:	.long 0				/* filled in: ap64's address */
	.word TRAMP_CS64
ap_trampoline_end:

	.text
ap_start64:
	mov ap_boot_cr3(%rip), %rax	/* its page tables, which map its window */
	mov %rax, %cr3
	movabs $kernel_stack_top, %rsp	/* its entry stack, in its window */
	xor %ebp, %ebp
	call ap_main
	ud2
