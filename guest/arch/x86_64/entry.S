/* Kernel entry and exit: interrupt and exception stubs, the SYSCALL entry,
 * the ring-0 tasks' gate, and the returns to ring 3 and to ring-0 tasks. */
#include "arch/x86_64/arch.h"

/*
 * One kernel stack per CPU, in its window (arch.h), no stack per task: a task's state lives in its
 * struct regs, and C runs on kernel_stack, which holds nothing between
 * entries (an seL4-style kernel: a blocked task is just its saved regs).
 *
 * Entries: SYSCALL (ring-3 tasks) saves straight into the task through
 * ON_CPU.  Every IDT vector has an IST stack (idt.c), so interrupt
 * and exception frames land on an IST stack whatever ran, and the task's
 * RSP is never used; isr_common copies the frame into the task.  Ring-0
 * (`kernel` mode) tasks enter through ktask_gate, reached only by the
 * trampoline the kernel maps in each task (task_load.c).
 *
 * Rights (arch/x86_64/pkru.h): while a ring-0 task runs, the kernel's
 * writable memory is under KERNEL_PKEY, which its PKRU denies.  So every entry first sets PKRU to 0
 * (everything allowed), and checks right after the WRPKRU that EAX really
 * was 0: code that jumped straight to the WRPKRU with its own EAX is
 * caught there (entry_violation), before anything uses the new rights.
 * The verifier keeps a task's jumps inside its own code, so this check is
 * the second wall, not the first (docs/security.md).
 *
 * cpu_in_kernel tells who was interrupted: set on every entry, cleared on
 * the way out to a task.  A task cannot write it (kernel data).
 */

	/* This CPU's entry stack and words, in its window (arch.h): the
	 * same addresses on every CPU, each CPU's own memory. */
	.section .percpu, "aw"
	.p2align 12
kernel_stack:
	.skip KERNEL_STACK_SIZE
	.globl kernel_stack_top
kernel_stack_top:

	.data
	.p2align 3
/*
 * What the SYSCALL entry and the gate call beyond entry_syscall_table
 * (core/syscall.c: by number, the IPC fast paths first): the dispatchers.
 * Loaded from memory so that audit=on can route every call through the
 * audited dispatchers of syscall.c (the IPC calls through their fast
 * paths' audited entries), which check the kernel's invariants afterwards.
 */
entry_syscall_fn:
	.quad syscall_dispatch
entry_gate_fn:
	.quad gate_dispatch
/* The same for the _mp entries (more than one CPU up). */
entry_syscall_fn_mp:
	.quad syscall_dispatch_mp
entry_gate_fn_mp:
	.quad gate_dispatch_mp
	.section .percpu, "aw"
	.p2align 3
	.globl cpu_in_kernel, cpu_return_ring0
user_rsp_scratch:
	.quad 0
cpu_in_kernel:
	.byte 1			/* the kernel runs until the first task starts */
cpu_return_ring0:
	.byte 0			/* the current task is a ring-0 task */
	.data

/* The task whose struct regs the CPU's state is saved to and restored
 * from: sched_cpu.on_cpu, the first field of sched_cpu, whose struct
 * regs is its first field (core/sched.h and core/task.h assert both). */
#define ON_CPU sched_cpu(%rip)

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

/* PKRU = 0: the kernel's rights.  RAX, RCX, RDX must be saved already.
 * The C the entry runs first records it (arch/x86_64/pkru.h, which holds
 * the rules of every PKRU write); only the write and its check must be
 * assembly, since the kernel's data is out of reach until they ran. */
.macro KERNEL_RIGHTS
	cmpb $0, cpu_pku(%rip)
	je 9f
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	wrpkru
	test %eax, %eax		/* reached with another EAX: not from above */
	jnz entry_violation
	incq stat_wrpkru(%rip)
9:
.endm

/* This CPU's lock (core/sched.h: every CPU holds its own while it runs
 * kernel code), taken once the kernel stack is in RSP; every register
 * kept.  With one CPU the SYSCALL entry and the gate go without it, and
 * their exits do not drop it (syscall_entry, ktask_gate, return_to_task,
 * return_sysret): their _mp twins, which more than one CPU uses, do.  So
 * one CPU's paths keep every instruction they had. */
.macro CPU_LOCK
	lock btsl $0, cpu_lock(%rip)
	jnc 8f
	call cpu_lock_spin
8:
.endm
.macro CPU_UNLOCK
	movl $0, cpu_lock(%rip)
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
	jmp isr_fatal
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

/* Where a CPU-made frame sits: the top of IST_MAIN (idt.c). */
#define IST_MAIN_FRAME (ist_stacks + IST_STACK_SIZE - REGS_SIZE)

isr_common:
	PUSH_GPRS
	/* Flags of the kernel's own: interrupt delivery leaves DF and AC as
	 * the task had them (SDM Vol. 3A 6.12.1), and with AC set SMAP would
	 * not stop the kernel's accesses to user pages (4.6.1).  IF stays
	 * off, as the interrupt gate left it. */
	pushq $RFLAGS_RESERVED1
	popfq
	KERNEL_RIGHTS
	/* A frame not at the top of IST_MAIN was not made by the CPU: the
	 * top of this CPU's own, as every address below is. */
	cmp $IST_MAIN_FRAME, %rsp
	jne entry_violation
	cmpb $0, cpu_in_kernel(%rip)
	jne 1f
	/* A task was running (ring 3, or ring 0 in kernel mode). */
	movb $1, cpu_in_kernel(%rip)
	mov %rsp, %rdi
	mov $kernel_stack_top, %rsp
	CPU_LOCK
	call trap_task
	jmp return_to_task_mp
1:	/* The kernel itself: halted in its idle loop without its lock
	 * (core/sched.c, sched_idle()), which trap_kernel() takes for the
	 * interrupt, or a kernel bug.  Handle here and go back. */
	mov %rsp, %rdi
	call trap_kernel
	POP_GPRS
	add $16, %rsp
	iretq

/* #DF, NMI and #MC: nothing raises them on purpose; report and stop. */
isr_fatal:
	PUSH_GPRS
	cld
	KERNEL_RIGHTS
	mov %rsp, %rdi
	call trap_fatal
	ud2

/* Reached only by a jump into the middle of an entry or exit path: the
 * resulting #UD is charged to the task that jumped (trap.c). */
	.globl entry_violation
entry_violation:
	ud2

/*
 * SYSCALL from a ring-3 task (SDM Vol. 2B): RCX = user RIP, R11 = user
 * RFLAGS, RSP still the user's, IF/DF/TF/AC cleared by FMASK.  No SWAPGS:
 * the scratch slots are in this CPU's window (arch.h), at fixed
 * addresses, and the kernel never uses GS.  Ring-3 tasks run on the normal kernel half, where kernel memory is
 * supervisor-only whatever PKRU says, so PKRU stays as it is.
 *
 * A SYSCALL frame is written with plain stores, and only what SYSRET
 * needs: RIP, RFLAGS, RSP and the GPRs but RCX and R11, which SYSRET
 * loads from RIP and RFLAGS; the vector that selects SYSRET on the way
 * out is VEC_SYSCALL already (return_to_task).
 * CS and SS hold the ring-3 selectors from the task's creation on (task_load.c;
 * isr_common writes the same), and the error code means nothing here.
 */
#define F(field) REGS_##field	/* from the start of struct regs */
#define G(n) (8 * (n))		/* GPR n, in struct regs order */
/* The GPRs a SYSCALL or gate frame keeps: all but RCX and R11. */
.macro FRAME_GPRS op
	\op %r15, G(0)(%rsp)
	\op %r14, G(1)(%rsp)
	\op %r13, G(2)(%rsp)
	\op %r12, G(3)(%rsp)
	\op %r10, G(5)(%rsp)
	\op %r9, G(6)(%rsp)
	\op %r8, G(7)(%rsp)
	\op %rbp, G(8)(%rsp)
	\op %rdi, G(9)(%rsp)
	\op %rsi, G(10)(%rsp)
	\op %rdx, G(11)(%rsp)
	\op %rbx, G(13)(%rsp)
	\op %rax, G(14)(%rsp)
.endm
.macro STORE reg, mem
	mov \reg, \mem
.endm
.macro LOAD reg, mem
	mov \mem, \reg
.endm
/* SYSRET path from the frame at RSP.  RIP came from the SYSCALL itself, so
 * it is canonical (task slots end far below the top of the user half). */
.macro SYSRET_FRAME
	FRAME_GPRS LOAD
	mov F(RIP)(%rsp), %rcx
	mov F(RFLAGS)(%rsp), %r11
	mov F(RSP)(%rsp), %rsp
	sysretq
.endm

.macro SYSCALL_ENTRY mp
	mov %rsp, user_rsp_scratch(%rip)
	mov ON_CPU, %rsp
	mov %rcx, F(RIP)(%rsp)
	mov %r11, F(RFLAGS)(%rsp)
	mov user_rsp_scratch(%rip), %rcx
	mov %rcx, F(RSP)(%rsp)
	/* The vector is VEC_SYSCALL already: see the IRETQ below. */
	FRAME_GPRS STORE
	mov $kernel_stack_top, %rsp
	.if \mp
	CPU_LOCK
	.endif
	movb $1, cpu_in_kernel(%rip)
	/* By number: the IPC calls go to their fast paths (ipc_fast.c), which
	 * get the caller's RDI, RSI and RDX as arguments, and return here
	 * only after the general path ran. */
	cmp $ENTRY_SYS_COUNT, %rax
	jae 1f
	.if \mp
	call *entry_syscall_table_mp(,%rax,8)
	jmp return_to_task_mp
1:	call *entry_syscall_fn_mp(%rip)
	jmp return_to_task_mp
	.else
	call *entry_syscall_table(,%rax,8)
	jmp return_to_task
1:	call *entry_syscall_fn(%rip)
	jmp return_to_task
	.endif
.endm

	/* LSTAR: syscall_entry with one CPU, syscall_entry_mp with more
	 * (syscall_msr_init()). */
	.globl syscall_entry, syscall_entry_mp
syscall_entry_mp:
	SYSCALL_ENTRY 1
syscall_entry:
	SYSCALL_ENTRY 0

	/* The exits after a locked entry drop this CPU's lock first: from
	 * there on nothing but this CPU touches what they read (its window,
	 * its current task's frame: core/sched.h). */
	.globl return_to_task, return_to_task_mp
return_to_task_mp:
	CPU_UNLOCK
return_to_task:
	cmpb $0, cpu_return_ring0(%rip)
	jne return_to_ring0
	mov ON_CPU, %rsp
	cmpq $VEC_SYSCALL, F(VECTOR)(%rsp)
	jne 2f
	movb $0, cpu_in_kernel(%rip)
	SYSRET_FRAME
2:	movb $0, cpu_in_kernel(%rip)
	POP_GPRS
	/* Used up, the frame of an interrupt or exception becomes a SYSCALL
	 * frame again, so a ring-3 task's frame is one at all times but from
	 * such an entry to its return here (a new task's first return comes
	 * here too), and SYSCALL need not mark it (audit.c checks it for the
	 * blocked ones). */
	movq $VEC_SYSCALL, (%rsp)
	add $16, %rsp
	iretq

/* audit=on: an IPC fast path's SYSRET exit after the invariants' check
 * (ipc_fast_audit_exit(), which may clobber anything: return_sysret
 * loads every register from ON_CPU's frame). */
	.globl return_sysret_audited, return_sysret_audited_mp
return_sysret_audited:
	and $-16, %rsp
	call ipc_fast_audit_exit
	jmp return_sysret
return_sysret_audited_mp:
	and $-16, %rsp
	call ipc_fast_audit_exit
	jmp return_sysret_mp

/* The IPC fast paths' way out (core/ipc_fast.h): ON_CPU is a ring-3 task
 * blocked in a system call until now, so its frame is a SYSCALL frame. */
	.globl return_sysret, return_sysret_mp
return_sysret_mp:
	CPU_UNLOCK
return_sysret:
	mov ON_CPU, %rsp
	movb $0, cpu_in_kernel(%rip)
	SYSRET_FRAME

/*
 * The gate of ring-0 tasks.  The trampoline at SHOJI_GATE_OFFSET jumps
 * here from the task's `call`: CPL 0, the task's PKRU and stack, RAX = the
 * number, arguments as for SYSCALL, [RSP] = the return address.  WRPKRU
 * needs EAX, ECX and EDX, so RDX (an argument) goes onto the task's own
 * stack first and RAX into R11 (RCX and R11 are the caller's to lose).
 * gate_dispatch() reads RDX and the return address back through the
 * checked accessors, so a task that points RSP elsewhere only hurts itself.
 */
.macro KTASK_GATE mp
	cli
	push %rdx
	mov %rax, %r11
	KERNEL_RIGHTS
	/* Whatever way in, the kernel's invariants hold from here: code that
	 * jumped past the CLI above must not run the kernel with interrupts
	 * on, and the task may have left DF set (std is allowed). */
	cli
	cld
	/* The frame is written as SYSCALL's is: RIP and RDX are what
	 * gate_dispatch() reads from the task's stack, RCX and R11 are the
	 * caller's to lose, CS and SS hold the ring-0 selectors from the
	 * task's creation on (task_load.c). */
	mov %rsp, user_rsp_scratch(%rip)
	mov ON_CPU, %rsp
	mov user_rsp_scratch(%rip), %rcx
	mov %rcx, F(RSP)(%rsp)
	movq $(RFLAGS_IF | RFLAGS_RESERVED1), F(RFLAGS)(%rsp)
	movq $VEC_GATE, F(VECTOR)(%rsp)
	mov %r11, %rax
	FRAME_GPRS STORE
	mov $kernel_stack_top, %rsp
	movb $1, cpu_in_kernel(%rip)
	.if \mp
	CPU_LOCK
	call *entry_gate_fn_mp(%rip)
	jmp return_to_task_mp
	.else
	call *entry_gate_fn(%rip)
	jmp return_to_task
	.endif
.endm

	/* The trampoline's target: ktask_gate with one CPU, ktask_gate_mp
	 * with more (task_load.c). */
	.globl ktask_gate, ktask_gate_mp
ktask_gate_mp:
	KTASK_GATE 1
ktask_gate:
	KTASK_GATE 0

/*
 * Back to a ring-0 task.  ktask_prepare_return() has checked the task's
 * stack and written RAX, RCX, RDX, RFLAGS and RIP just below its RSP.
 * After WRPKRU the kernel's memory is out of reach, so the last steps use
 * only the task's stack; EAX is checked against expected_pkru, which sits
 * on a page no task can write (pkru_set_expected(), arch/x86_64/pkru.h).  An interrupt after POPFQ finds the task in
 * this tail: its state is saved like any other and the tail resumes.
 */
return_to_ring0:
	mov ON_CPU, %rsp
	POP_GPRS
	mov REGS_RSP - REGS_VECTOR(%rsp), %rsp
	sub $40, %rsp
	movb $0, cpu_in_kernel(%rip)
	incq stat_wrpkru(%rip)	/* counted now: kernel data is out of reach after */
	mov expected_pkru(%rip), %eax
	xor %ecx, %ecx
	xor %edx, %edx
	wrpkru
	cmp expected_pkru(%rip), %eax
	jne entry_violation
	pop %rax
	pop %rcx
	pop %rdx
	popfq
	/* With IF back on, an interrupt can arrive here and only here: the
	 * one kernel address a ring-0 task may be resumed at (sched.c). */
	.globl ring0_resume
ring0_resume:
	ret

/* audit=on (audit.c): every call goes to the audited dispatchers, the
 * IPC calls to their fast paths' audited entries (syscall.c's
 * entry_syscall_table_audited).  Once, at boot, before any task runs. */
	.globl entry_audit_on
entry_audit_on:
	movq $syscall_dispatch_audited, entry_syscall_fn(%rip)
	movq $gate_dispatch_audited, entry_gate_fn(%rip)
	movq $syscall_dispatch_audited_mp, entry_syscall_fn_mp(%rip)
	movq $gate_dispatch_audited_mp, entry_gate_fn_mp(%rip)
	lea entry_syscall_table(%rip), %rdi
	lea entry_syscall_table_audited(%rip), %rsi
	mov $ENTRY_SYS_COUNT, %ecx
	rep movsq
	lea entry_syscall_table_mp(%rip), %rdi
	lea entry_syscall_table_audited_mp(%rip), %rsi
	mov $ENTRY_SYS_COUNT, %ecx
	rep movsq
	ret
