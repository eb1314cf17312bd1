/* From UEFI's long mode to the PVH entry: 32-bit protected mode, paging off, EBX = start info. */

/*
 *   void efi_trampoline(uint64_t entry, uint64_t start_info)  (System V: RDI, RSI)
 *
 * Called by main.c after ExitBootServices; never returns.  It must run
 * from an identity-mapped page below 4 GiB: it turns paging off under its
 * own feet, and the instruction after that MOV to CR0 is fetched at the
 * same address, now physical.  UEFI maps memory 1:1, so any address below
 * 4 GiB qualifies; main.c runs this in place when the firmware loaded the
 * loader below 4 GiB, else from a copy.  Hence position-independent: the
 * 64-bit part addresses its data RIP-relative, the 32-bit part uses no
 * address at all, and the GDT travels with the code.
 *
 * The sequence, after Intel SDM Vol. 3A 10.8.5.4 "Switching Out of IA-32e
 * Mode Operation" (AMD APM Vol. 2, 14.7 "Leaving Long Mode" is the same):
 *   1. (64-bit mode) load a GDT with flat 32-bit code and data segments
 *      and an empty IDT (nothing may interrupt us: IF is clear, and an NMI
 *      now would find no 32-bit handler anywhere, empty or not);
 *      clear CR4.PCIDE: MOV to CR0 faults when clearing PG with PCIDE set
 *      (SDM Vol. 2B, "MOV - Move to/from Control Registers", #GP cases);
 *      and clear CR4.CET: were the firmware running with supervisor
 *      shadow stacks, the far return below would not match a far call on
 *      the shadow stack (SDM Vol. 1, "Control-flow Enforcement Technology");
 *   2. far return to the 32-bit code segment: with EFER.LMA still 1 and
 *      CS.L = 0, CS.D = 1 the CPU is now in compatibility mode;
 *   3. clear CR0.PG: paging off, and IA-32e mode deactivated (EFER.LMA
 *      becomes 0); we are in 32-bit protected mode, running physical;
 *   4. clear EFER.LME, so that setting CR0.PG again would mean legacy
 *      paging, not long mode (the kernel sets it again itself, boot.S);
 *   5. (the SDM's step 5, legacy paging, is the kernel's choice: skipped.)
 * Then the PVH entry state (Xen docs/misc/pvh.pandoc): CR0 = PE only
 * (ET is hardwired; WP may be cleared now that CET is off), CR4 = 0,
 * flat 4 GiB CS/DS/ES/SS, TR a 32-bit TSS with base 0 and limit 0x67,
 * IF and DF clear, EBX = start info, and a jump to the entry.  The 32-bit TSS is loaded only after step 3: in
 * IA-32e mode type 9 means a 64-bit, 16-byte TSS descriptor.
 */

#define CR0_PE (1 << 0)
#define CR0_ET (1 << 4)
#define CR0_PG (1 << 31)
#define CR4_PCIDE (1 << 17)
#define CR4_CET (1 << 23)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_TSS32 0x18

	.text
	.code64
	.p2align 4
	.globl efi_trampoline
efi_trampoline:
	cli
	cld

	/* 1. Our GDT (its base is wherever this copy runs) and an empty IDT. */
	lea tramp_gdt(%rip), %rax
	sub $16, %rsp
	movw $(tramp_gdt_end - tramp_gdt - 1), (%rsp)
	mov %rax, 2(%rsp)
	lgdt (%rsp)
	movq $0, (%rsp)
	movq $0, 8(%rsp)
	lidt (%rsp)
	add $16, %rsp

	mov %cr4, %rax
	and $~(CR4_PCIDE | CR4_CET), %rax
	mov %rax, %cr4

	/* 2. Into compatibility mode: far return to the 32-bit code segment. */
	lea 1f(%rip), %rax
	pushq $SEL_CODE32
	push %rax
	lretq

	.code32
1:	mov $SEL_DATA32, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov %eax, %ss

	/* 3. Paging off: IA-32e mode ends here (EFER.LMA = 0). */
	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0

	/* 4. Long mode off. */
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr

	/* The PVH entry state. */
	xor %eax, %eax
	mov %eax, %cr4
	mov $(CR0_PE | CR0_ET), %eax
	mov %eax, %cr0
	mov $SEL_TSS32, %eax
	ltr %ax

	mov %esi, %ebx			/* start info */
	jmp *%edi			/* the PVH entry */

	.p2align 3
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, base 0, limit 4 GiB */
	.quad 0x00cf92000000ffff	/* 0x10: 32-bit data, base 0, limit 4 GiB */
	.quad 0x0000890000000067	/* 0x18: 32-bit TSS, base 0, limit 0x67 */
tramp_gdt_end:

	.globl efi_trampoline_end
efi_trampoline_end:

	.section .note.GNU-stack, "", @progbits
