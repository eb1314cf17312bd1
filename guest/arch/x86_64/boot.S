/* PVH entry: from 32-bit protected mode with paging off to the 64-bit
 * higher-half kernel on boot page tables. */
#include <shoji/pvh.h>
#include "arch/x86_64/layout.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/pte.h"

/*
 * The PVH ELF note (Xen's XEN_ELFNOTE_PHYS32_ENTRY): the 32-bit physical
 * address where a PVH loader (QEMU, shoji, our UEFI loader) enters us.
 */
	.section .note.Xen, "a"
	.p2align 2
	.long 4f - 3f		/* namesz */
	.long 6f - 5f		/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
3:	.asciz "Xen"
4:	.p2align 2
5:	.long pvh_start32
6:	.p2align 2

/*
 * Boot page tables, identity-mapped and linked at their physical address.
 * The first GiB is mapped twice with 2 MiB pages: at 0 (so the code below
 * survives turning paging on) and at KERNEL_VMA (where the C kernel runs).
 * paging.c replaces them with the kernel's real tables during boot.
 */
	.section .boot.data, "aw"
	.p2align 12
	.globl boot_pml4		/* the other CPUs' way in too (ap_boot.S) */
boot_pml4:
	.quad boot_pdpt_low + (PTE_P | PTE_W)
	.fill 510, 8, 0
	.quad boot_pdpt_high + (PTE_P | PTE_W)
boot_pdpt_low:
	.quad boot_pd + (PTE_P | PTE_W)
	.fill 511, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0		/* KERNEL_VMA is PML4 slot 511, PDPT slot 510 */
	.quad boot_pd + (PTE_P | PTE_W)
	.fill 1, 8, 0
boot_pd:
	.set i, 0
	.rept 512
	.quad (i << 21) + (PTE_P | PTE_W | PTE_PS)
	.set i, i + 1
	.endr

	.p2align 3
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	/* The boot's first instruction reads the TSC, so the kernel can say
	 * how long its boot took (kmain's second argument; EDI:EBP keep it). */
	rdtsc
	mov %eax, %ebp
	mov %edx, %edi
	cli
	cld
	mov %ebx, %esi			/* keep the start info pointer */

	enter_long_mode boot_pml4	/* x86.h */

	lgdt boot_gdt_ptr
	ljmp $SEL_KERNEL_CS, $1f

	.code64
1:	mov $SEL_KERNEL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	movabs $start64, %rax
	jmp *%rax

	.text
start64:
	shl $32, %rdi			/* the TSC at entry, from EDI:EBP */
	mov %ebp, %r12d
	or %rdi, %r12
	/* The loader zeroes .bss per the ELF header, but a kernel must not
	 * depend on every loader doing it.  By words: under QEMU -icount
	 * every iteration of a REP string instruction counts as one. */
	movabs $__bss_start, %rdi
	movabs $__bss_end, %rcx
	sub %rdi, %rcx
	shr $3, %rcx
	xor %eax, %eax
	rep stosq

	movabs $kernel_stack_top, %rsp
	mov %esi, %edi			/* kmain(start info physical address, */
	mov %r12, %rsi			/*       TSC at entry) */
	xor %ebp, %ebp
	call kmain
	ud2
