/* Kernel entry and exit: interrupt and exception stubs, SYSCALL entry,
 * and the return to user mode. */
#include "arch/x86_64/arch.h"

/*
 * Entry from ring 3 saves the user state straight into the current task's
 * struct regs: TSS.RSP0 and cpu_frame_top both point just past it, so the
 * CPU's iret frame and the pushes below land in the task structure.  The
 * C code then runs on the one kernel stack, which holds nothing between
 * entries (an seL4-style kernel: a blocked task is just its saved regs).
 */

	.bss
	.p2align 12
kernel_stack:
	.skip KERNEL_STACK_SIZE
	.globl kernel_stack_top
kernel_stack_top:

	.data
	.p2align 3
	.globl cpu_frame_top
cpu_frame_top:
	.quad 0
user_rsp_scratch:
	.quad 0

.macro PUSH_GPRS
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro POP_GPRS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
.endm

/* Vectors whose exceptions push an error code (SDM Vol. 3A 6.15); the
 * other stubs push a zero so every frame has the same layout. */
.macro STUB vec
	.p2align 4
isr_stub_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	push $0
	.endif
	push $\vec
	.if (\vec == VEC_NMI) || (\vec == VEC_DF) || (\vec == VEC_MC)
	jmp isr_ist_common
	.else
	jmp isr_common
	.endif
	.pushsection .rodata
	.quad isr_stub_\vec
	.popsection
.endm

	/* isr_stubs[v]: the entry point idt.c installs for vector v. */
	.section .rodata
	.p2align 3
	.globl isr_stubs
isr_stubs:
	.text
	.altmacro
	.set v, 0
	.rept 256
	STUB %v
	.set v, v + 1
	.endr
	.noaltmacro

isr_common:
	PUSH_GPRS
	cld
	testb $3, REGS_CS(%rsp)
	jz 1f
	/* From ring 3: %rsp is the current task's struct regs. */
	mov %rsp, %rdi
	mov $kernel_stack_top, %rsp
	call trap_user
	jmp return_to_user
1:	/* From ring 0 (the idle loop): an ordinary nested frame. */
	mov %rsp, %rdi
	call trap_kernel
	POP_GPRS
	add $16, %rsp
	iretq

/* #DF, NMI and #MC arrive on their own IST stacks whatever the CPL, so
 * the frame is never a task's regs: handle in place and return. */
isr_ist_common:
	PUSH_GPRS
	cld
	mov %rsp, %rdi
	call trap_ist
	POP_GPRS
	add $16, %rsp
	iretq

/*
 * SYSCALL (SDM Vol. 2B): RCX = user RIP, R11 = user RFLAGS, RSP still the
 * user's, IF/DF/TF/AC cleared by FMASK.  No SWAPGS: one CPU, so the
 * scratch slots are plain globals, and the kernel never uses GS.
 */
	.globl syscall_entry
syscall_entry:
	mov %rsp, user_rsp_scratch(%rip)
	mov cpu_frame_top(%rip), %rsp
	push $SEL_USER_DS
	push user_rsp_scratch(%rip)
	push %r11
	push $SEL_USER_CS
	push %rcx
	push $0
	push $VEC_SYSCALL
	PUSH_GPRS
	mov $kernel_stack_top, %rsp
	call syscall_dispatch
	/* fall through */

	.globl return_to_user
return_to_user:
	mov cpu_frame_top(%rip), %rsp
	sub $REGS_SIZE, %rsp
	cmpq $VEC_SYSCALL, REGS_VECTOR(%rsp)
	jne 2f
	/* SYSRET path.  RIP came from the SYSCALL itself, so it is canonical
	 * (task regions end far below the top of the user half). */
	POP_GPRS
	mov REGS_RIP - REGS_VECTOR(%rsp), %rcx
	mov REGS_RFLAGS - REGS_VECTOR(%rsp), %r11
	mov REGS_RSP - REGS_VECTOR(%rsp), %rsp
	sysretq
2:	POP_GPRS
	add $16, %rsp
	iretq
