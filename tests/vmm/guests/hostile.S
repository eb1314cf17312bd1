/* Hostile PVH guests for shoji's checks: one behaviour per build, picked by -DGUEST_<NAME>. */

/*
 * Each guest is a few instructions entered at the PVH entry (32-bit
 * protected mode, paging off: the PVH boot ABI, xen/include/public/
 * arch-x86/hvm/start_info.h) that does one thing a well-behaved kernel
 * would not, then (usually) writes a guest status to the exit port.
 * tests/vmm/guests/guests.mk builds one ELF per name; the checks in
 * tests/vmm/checks/hostile-*.check run them.
 */

/* include/shoji/abi.h is C only: its ports and statuses, again (a wrong
 * value here fails hostile-exit-0 and hostile-mmio). */
#define SHOJI_PORT_EXIT 0xf4
#define SHOJI_PORT_COM1 0x3f8
#define SHOJI_EXIT_OK 0
#define SHOJI_EXIT_TASK_FAILED 1
/* shoji's console device: its port, leaf, signature and task flag. */
#define SHOJI_PORT_HVCON 0x520
#define SHOJI_CPUID_HVCON 0x40000100
#define SHOJI_HVCON_SIG_EBX 0x6a6f6853
#define SHOJI_HVCON_SIG_ECX 0x6e6f4369
#define SHOJI_HVCON_SIG_EDX 0x656c6f73
#define SHOJI_HVCON_TASK 1

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define I8042_CMD 0x64
#define I8042_PULSE_RESET 0xfe

/* The panic text under a note named Linux: what shoji watches for in a
 * Linux kernel's console (vmm/guest_linux.h). */
#if defined(GUEST_PANIC_TEXT_LINUX)
#define GUEST_PANIC_TEXT
#define GUEST_LINUX_NOTE
#endif
/* Halt and reset, from a kernel with and without the note. */
#if defined(GUEST_HALT_LINUX)
#define GUEST_HALT
#define GUEST_LINUX_NOTE
#endif
#if defined(GUEST_RESET_LINUX)
#define GUEST_RESET
#define GUEST_LINUX_NOTE
#endif
#define FLOOD_ROUNDS 24 /* 24 x 4464 bytes */
/* An AP started by hand (run with shoji run --cpus 2 or more). */
#if defined(GUEST_AP_EXIT) || defined(GUEST_AP_TRIPLE_FAULT)
#define GUEST_AP
#endif
/* Every AP, started at once, hammers the console, the console device
 * and the CMOS clock while the boot processor does too, then writes
 * status 0 (--cpus N). */
#if defined(GUEST_HAMMER)
#define GUEST_AP
#endif
/* The boot processor halts for good at once; the AP it started spins a
 * few seconds without a VM exit, then writes status 0 (--cpus 2). */
#if defined(GUEST_AP_SPIN)
#define GUEST_AP
#endif
#define SPIN_TSC_HIGH 2
#define ICR_ALL_BUT_SELF 0xc0000	/* destination shorthand 11b */
#define HAMMER_ROUNDS 200
/* A Linux panic line written slowly while an AP idles (--cpus 2). */
#if defined(GUEST_PANIC_SLOW_LINUX)
#define GUEST_AP
#define GUEST_LINUX_NOTE
#endif
/* The CMOS clock's index and data ports and its seconds register (MC146818). */
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_SECONDS 0
/* The local APIC at its default base (SDM Vol. 3A 11.4.1), its spurious
 * vector register (11.9) and interrupt command register (11.6.1). */
#define LAPIC_SVR 0xfee000f0
#define LAPIC_ICR_LO 0xfee00300
#define LAPIC_ICR_HI 0xfee00310
#define LAPIC_SVR_ENABLE 0x1ff		/* software enable, spurious vector 0xff */
#define ICR_INIT_ASSERT 0x4500		/* delivery mode INIT, level assert */
#define ICR_STARTUP 0x4600		/* delivery mode start-up; | the vector */
#define AP_APIC_ID 1
#define AP_TRAMPOLINE 0x8000		/* the SIPI vector 0x08: CS 0x0800, IP 0 */
/* A halt that the PIT still wakes (GUEST_HALT_NMI): LVT LINT0 (SDM Vol.
 * 3A 11.5.1) in NMI delivery mode, unmasked: KVM's PIT sends an NMI
 * through it at every tick (the NMI watchdog's virtual-wire route).  PIT
 * channel 0 in mode 2 (a rate generator), count 0: 65536 / 1.193182 MHz,
 * 54.9 ms a tick (the 8254's data sheet).  The PIC's interrupt mask
 * register (port 0x21): masking and unmasking IRQ 0 tells KVM's PIT that
 * the last tick was taken, so it sends the next. */
#define LAPIC_LVT0 0xfee00350
#define LVT_NMI 0x400			/* delivery mode 100b, unmasked */
#define PIT_MODE 0x43
#define PIT_CH0 0x40
#define PIT_CH0_RATE 0x34		/* channel 0, low then high byte, mode 2 */
#define PIC1_IMR 0x21
#define NMI_TICKS 20			/* 1.1 s of ticks: past several idle checks */
/* Bad console requests: what each writes to the device after a good one. */
#if defined(GUEST_HVCON_WRAP)
#define HVCON_BAD_VALUE req_wrap /* its bytes' address + length wrap around */
#elif defined(GUEST_HVCON_OUTSIDE)
#define HVCON_BAD_VALUE 0xfffffff0 /* the request itself is past RAM */
#elif defined(GUEST_HVCON_HUGE)
#define HVCON_BAD_VALUE req_huge /* 4 GiB - 1 bytes */
#elif defined(GUEST_HVCON_BYTE)
#define HVCON_BAD_VALUE req_good /* a good request's address, but one byte of it */
#elif defined(GUEST_HVCON_REP)
#define HVCON_BAD_VALUE req_wrap /* the last of three requests in one rep outsl */
#endif

	.section .note.Xen, "a"
	.balign 4
	.long 4f - 3f /* namesz */
	.long 6f - 5f /* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
3:	.asciz "Xen"
4:	.balign 4
5:	.long pvh_start
6:	.balign 4
#if defined(GUEST_LINUX_NOTE)
	/* Any note named Linux marks a Linux kernel (loader/format/kernel_elf.c). */
	.long 4f - 3f
	.long 6f - 5f
	.long 0x100 /* Linux's build salt note type; the name is what counts */
3:	.asciz "Linux"
4:	.balign 4
5:	.asciz "salt"
6:	.balign 4
#endif

/* PRINT text: the bytes from text to text_end to COM1 (print, below). */
.macro PRINT text
	movl $\text, %esi
	movl $\text\()_end - \text, %ecx
	call print
.endm

/* HAMMER_DEVICES: a console-device request (its 32-bit address), then
 * a CMOS read; in real mode as in protected mode. */
.macro HAMMER_DEVICES
	movw $SHOJI_PORT_HVCON, %dx
	movl $req_hammer, %eax
	outl %eax, %dx
	movb $CMOS_SECONDS, %al
	outb %al, $CMOS_INDEX
	inb $CMOS_DATA, %al
.endm

	.text
	.code32
	.globl pvh_start
pvh_start:
	cld
	movl $stack_top, %esp /* PVH gives no stack */

#if defined(GUEST_EXIT_BYTE)
	/* One byte, GUEST_EXIT_BYTE, to the exit port. */
	movb $GUEST_EXIT_BYTE, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_EXIT_WORD)
	/* Two bytes whose low byte is 0: once read as success. */
	movw $GUEST_EXIT_WORD, %ax
	outw %ax, $SHOJI_PORT_EXIT

#elif defined(GUEST_EXIT_LONG)
	movl $GUEST_EXIT_LONG, %eax
	outl %eax, $SHOJI_PORT_EXIT

#elif defined(GUEST_EXIT_PORT)
	/* 0 to another of the four exit ports. */
	xorl %eax, %eax
	outb %al, $GUEST_EXIT_PORT

#elif defined(GUEST_MMIO)
	/* Write and read an address no device and no RAM claims: the write
	 * is dropped, the read gives all ones (vmm/io.c); then status 0
	 * when it did. */
	movl $0xdead, 0xd0000000
	movl 0xd0000000, %eax
	cmpl $0xffffffff, %eax
	jne 1f
	xorl %eax, %eax
	outb %al, $SHOJI_PORT_EXIT
1:	movb $SHOJI_EXIT_TASK_FAILED, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_TRIPLE_FAULT)
	/* An empty IDT: the breakpoint faults, the fault faults, shutdown. */
	lidt empty_idt
	int3

#elif defined(GUEST_REAL_MODE)
	/* Back to real mode: a 16-bit code segment based at 1 MiB, CR0.PE
	 * off, a far jump to 0xffff:offset (0xffff0 + offset, the same
	 * bytes), then status 0 from real mode. */
	lgdt gdt16_ptr
	ljmp $8, $1f - 0x100000
	.code16
1:	movl %cr0, %eax
	andl $~1, %eax
	movl %eax, %cr0
	ljmp $0xffff, $2f - 0xffff0
2:	xorb %al, %al
	outb %al, $SHOJI_PORT_EXIT
	cli
3:	hlt
	jmp 3b
	.code32

#elif defined(GUEST_FILL_RAM)
	/* Nothing but a kernel that fills 16 MiB of RAM (its bss below). */
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_NOT_JSON)
	/* RESULT lines that are not one JSON object, and one that is. */
	PRINT not_json
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_BAD_FLOOD)
	/* 1000 malformed RESULT lines, then a good one. */
	PRINT bad_flood
	PRINT good
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_OVERLONG)
	/* A RESULT line of 70000 bytes, then a good one. */
	PRINT overlong
	PRINT good
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_FLOOD)
	/* About 100 KiB of plain lines (more than a pipe holds), then a good RESULT line, then status 0. */
	movl $FLOOD_ROUNDS, %edi
2:	PRINT flood
	decl %edi
	jnz 2b
	PRINT good
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_PANIC_TEXT)
	/* Linux's panic lines, then status 0: only a Linux kernel's panic
	 * ends the run with 2 there. */
	PRINT panic_text
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_HVCON)
	/* shoji's console device: its CPUID leaf (else status 1), then the
	 * same text through the device, as a kernel's request and a task's
	 * cut inside a line, and through COM1 (after: its exits per byte
	 * vary), then status 0. */
	movl $SHOJI_CPUID_HVCON, %eax
	xorl %ecx, %ecx
	cpuid
	cmpl $SHOJI_HVCON_SIG_EBX, %ebx
	jne 1f
	cmpl $SHOJI_HVCON_SIG_ECX, %ecx
	jne 1f
	cmpl $SHOJI_HVCON_SIG_EDX, %edx
	jne 1f
	movw $SHOJI_PORT_HVCON, %dx
	movl $req_kernel, %eax
	outl %eax, %dx
	movl $req_task, %eax
	outl %eax, %dx
	PRINT same
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT
1:	movb $SHOJI_EXIT_TASK_FAILED, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(HVCON_BAD_VALUE)
	/* A good console request, then a bad one: the run must end there,
	 * a crash (125), after the good request's line; else status 0. */
	movw $SHOJI_PORT_HVCON, %dx
	movl $req_good, %eax
	outl %eax, %dx
	movl $HVCON_BAD_VALUE, %eax
#if defined(GUEST_HVCON_BYTE)
	outb %al, %dx
#elif defined(GUEST_HVCON_REP)
	/* One string OUT of three requests: a task's RESULT line, a good
	 * line, then the bad one; each element is a request of its own. */
	movl $rep_list, %esi
	movl $3, %ecx
	rep outsl
#else
	outl %eax, %dx
#endif
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT

#elif defined(GUEST_HALT)
	/* Halted with interrupts off and no exit port: a power off. */
	cli
	hlt

#elif defined(GUEST_HALT_STI)
	/* Halted with interrupts on, waiting for one that never comes (no
	 * timer is set up): not a power off; only the timeout ends it. */
	sti
1:	hlt
	jmp 1b

#elif defined(GUEST_HALT_NMI)
	/* Halted with interrupts off, but woken by an NMI at every PIT tick
	 * (LINT0 in NMI mode); the NMI_TICKS-th writes status 0.  A live
	 * machine: not a power off, and not over before that status. */
	lgdt nmi_gdt_ptr
	ljmp $8, $1f
1:	movw $16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $nmi_handler, %eax /* the interrupt gate for vector 2, NMI */
	movw %ax, nmi_idt + 16
	movw $8, nmi_idt + 18
	movw $0x8e00, nmi_idt + 20
	shrl $16, %eax
	movw %ax, nmi_idt + 22
	lidt nmi_idt_ptr
	movl $LAPIC_SVR_ENABLE, LAPIC_SVR
	movl $LVT_NMI, LAPIC_LVT0
	movb $PIT_CH0_RATE, %al
	outb %al, $PIT_MODE
	xorb %al, %al
	outb %al, $PIT_CH0
	outb %al, $PIT_CH0
	cli
2:	hlt
	jmp 2b
nmi_handler:
	movb $0xff, %al
	outb %al, $PIC1_IMR
	movb $0xfe, %al
	outb %al, $PIC1_IMR
	incl nmi_count
	cmpl $NMI_TICKS, nmi_count
	jb 3f
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT
3:	iret

#elif defined(GUEST_RESET)
	/* The keyboard controller's reset line: a reboot. */
	movb $I8042_PULSE_RESET, %al
	outb %al, $I8042_CMD

#elif defined(GUEST_AP)
	/* The MP start-up (SDM Vol. 3A 9.4.4): the AP's real-mode code to
	 * AP_TRAMPOLINE, then INIT and SIPI to APIC ID 1 through this
	 * CPU's local APIC; then this CPU spins with interrupts off, never
	 * halting and never writing the exit port: whatever ends the
	 * machine is the AP's doing. */
	movl $ap_code, %esi
	movl $AP_TRAMPOLINE, %edi
	movl $ap_code_end - ap_code, %ecx
	rep movsb
	movl $LAPIC_SVR_ENABLE, LAPIC_SVR
	movl $(AP_APIC_ID << 24), LAPIC_ICR_HI
	movl $ICR_INIT_ASSERT, LAPIC_ICR_LO
	movl $(ICR_STARTUP | (AP_TRAMPOLINE >> 12)), LAPIC_ICR_LO
#if defined(GUEST_AP_SPIN)
	cli
3:	hlt
	jmp 3b
#endif
#if defined(GUEST_HAMMER)
	/* The other APs too, then the same hammering as theirs, a while. */
	movl $(ICR_ALL_BUT_SELF | ICR_INIT_ASSERT), LAPIC_ICR_LO
	movl $(ICR_ALL_BUT_SELF | ICR_STARTUP | (AP_TRAMPOLINE >> 12)), LAPIC_ICR_LO
	movl $HAMMER_ROUNDS, %edi
2:	PRINT hammer_line
	HAMMER_DEVICES
	decl %edi
	jnz 2b
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT
#endif
#if defined(GUEST_PANIC_SLOW_LINUX)
	/* Linux's panic line, its first bytes a second or two before the
	 * rest (two changes of the CMOS clock's seconds): meanwhile the AP
	 * idles.  Then the reset line, as Linux's panic=N reboots. */
	PRINT slow_head
	call next_second
	call next_second
	PRINT slow_tail
	movb $I8042_PULSE_RESET, %al
	outb %al, $I8042_CMD
#endif
1:	pause
	jmp 1b

#else
#error "no GUEST_<NAME> given"
#endif
	/* The exit port ignored the write: stop here. */
	cli
9:	hlt
	jmp 9b

#if defined(GUEST_PANIC_SLOW_LINUX)
/* next_second: returns once the CMOS clock's seconds have changed. */
next_second:
	movb $CMOS_SECONDS, %al
	outb %al, $CMOS_INDEX
	inb $CMOS_DATA, %al
	movb %al, %bl
1:	inb $CMOS_DATA, %al
	cmpb %al, %bl
	je 1b
	ret
#endif

#if defined(GUEST_NOT_JSON) || defined(GUEST_BAD_FLOOD) || defined(GUEST_OVERLONG) || \
    defined(GUEST_FLOOD) || defined(GUEST_PANIC_TEXT) || defined(GUEST_HVCON) || \
    defined(GUEST_PANIC_SLOW_LINUX) || defined(GUEST_HAMMER)
/* print: %ecx bytes from %esi to COM1, one rep outsb (one VM exit a page). */
print:
	movw $SHOJI_PORT_COM1, %dx
	rep outsb
	ret
#endif

#if defined(GUEST_AP)
	/* The AP's first instructions, in real mode at AP_TRAMPOLINE. */
	.code16
ap_code:
#if defined(GUEST_AP_EXIT)
	movb $3, %al /* SHOJI_EXIT_REFUSED: a status no other path gives */
	outb %al, $SHOJI_PORT_EXIT
#elif defined(GUEST_AP_SPIN)
	/* RDTSC makes no VM exit: spin until the TSC's high half has grown
	 * by 2 (2^33 to 2^34 ticks, seconds). */
	rdtsc
	movl %edx, %ebx
1:	rdtsc
	subl %ebx, %edx
	cmpl $SPIN_TSC_HIGH, %edx
	jb 1b
	movb $SHOJI_EXIT_OK, %al
	outb %al, $SHOJI_PORT_EXIT
#elif defined(GUEST_HAMMER)
	/* Real mode, for ever: a byte to COM1, then the devices. */
1:	movw $SHOJI_PORT_COM1, %dx
	movb $'x', %al
	outb %al, %dx
	HAMMER_DEVICES
	jmp 1b
#elif defined(GUEST_PANIC_SLOW_LINUX)
	sti /* idle, waiting for an interrupt that never comes */
1:	hlt
	jmp 1b
#else
	/* An interrupt table of limit 0: int3 raises #GP, which raises
	 * #DF, which shuts the AP down (SDM Vol. 3A 6.15, "Double Fault"). */
	lidt AP_TRAMPOLINE + (ap_empty_idt - ap_code)
	int3
#endif
	cli
2:	hlt
	jmp 2b
ap_empty_idt:
	.word 0
	.long 0
ap_code_end:
	.code32
#endif

	.data
	.balign 16
	.fill 256, 1, 0
stack_top:
#if defined(GUEST_REAL_MODE)
	.balign 8
gdt16:
	.quad 0
	/* 16-bit code: base 0x100000, limit 0xffff, present, ring 0, execute/read
	 * (Intel SDM vol. 3A, 3.4.5 "Segment Descriptors"). */
	.word 0xffff, 0x0000
	.byte 0x10, 0x9a, 0x00, 0x00
gdt16_ptr:
	.word gdt16_ptr - gdt16 - 1
	.long gdt16
#endif
#if defined(GUEST_HALT_NMI)
	.balign 8
nmi_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* flat 32-bit code, ring 0 (SDM Vol. 3A 3.4.5) */
	.quad 0x00cf92000000ffff /* flat data */
nmi_gdt_ptr:
	.word nmi_gdt_ptr - nmi_gdt - 1
	.long nmi_gdt
	.balign 8
nmi_idt:
	.fill 3, 8, 0 /* vectors 0-2; 2 is filled in at run time */
nmi_idt_ptr:
	.word nmi_idt_ptr - nmi_idt - 1
	.long nmi_idt
nmi_count:
	.long 0
#endif
#if defined(GUEST_TRIPLE_FAULT)
empty_idt:
	.word 0
	.long 0
#endif
#if defined(GUEST_NOT_JSON)
not_json:
	.ascii "RESULT {hello world}\n"
	.ascii "RESULT {\"a\":1}, {\"b\":2}\n"
	.ascii "RESULT {\"nul\":\"\0\"}\n"
	.ascii "RESULT {\"esc\":\"\33[2J\"}\n"
	.ascii "RESULT {\"a\":01}\n"
	.ascii "RESULT {\"ok\":1}\n"
not_json_end:
#endif
#if defined(GUEST_BAD_FLOOD)
bad_flood:
	.rept 1000
	.ascii "RESULT {x}\n"
	.endr
bad_flood_end:
#endif
#if defined(GUEST_OVERLONG)
overlong:
	.ascii "RESULT {\"long\":\""
	.fill 70000, 1, 'x'
	.ascii "\"}\n"
overlong_end:
#endif
#if defined(GUEST_PANIC_TEXT)
panic_text:
	.ascii "[    1.000000] Kernel panic - not syncing: forged by a guest\n"
	.ascii "[    1.000001] ---[ end Kernel panic - not syncing: forged by a guest ]---\n"
panic_text_end:
#endif
#if defined(GUEST_HAMMER)
hammer_line:
	.ascii "RESULT {\"hammer\":1}\n"
hammer_line_end:
	.balign 8
req_hammer:
	.quad hammer_line
	.long hammer_line_end - hammer_line, SHOJI_HVCON_TASK
#endif
#if defined(GUEST_PANIC_SLOW_LINUX)
slow_head:
	.ascii "[    1.000000] Kernel pa"
slow_head_end:
slow_tail:
	.ascii "nic - not syncing: written slowly\n"
slow_tail_end:
#endif
#if defined(GUEST_FLOOD)
flood:
	.rept 124
	.ascii "a hostile guest floods its console.\n"
	.endr
flood_end:
#endif
#if defined(GUEST_NOT_JSON) || defined(GUEST_BAD_FLOOD) || defined(GUEST_OVERLONG) || \
    defined(GUEST_FLOOD)
good:
	.ascii "RESULT {\"after\":1}\n"
good_end:
#endif

#if defined(GUEST_HVCON)
/* Three lines, a RESULT among them; the device gets them in two requests
 * cut inside the RESULT line (struct shoji_hvcon_req: addr, len, flags). */
same:
	.ascii "a line\n"
	.ascii "RESULT {\"sa"
same_cut:
	.ascii "me\":1}\n"
	.ascii "tab\there, CR\r\n"
same_end:
	.balign 8
req_kernel:
	.quad same
	.long same_cut - same, 0
req_task:
	.quad same_cut
	.long same_end - same_cut, SHOJI_HVCON_TASK
#endif
#if defined(HVCON_BAD_VALUE)
good_line:
	.ascii "before the bad request\n"
good_line_end:
	.balign 8
req_good:
	.quad good_line
	.long good_line_end - good_line, 0
req_wrap:
	.quad 0xfffffffffffffff0
	.long 32, 0
req_huge:
	.quad good_line
	.long 0xffffffff, 0
#if defined(GUEST_HVCON_REP)
rep_result:
	.ascii "RESULT {\"rep\":1}\n"
rep_result_end:
	.balign 8
req_result:
	.quad rep_result
	.long rep_result_end - rep_result, SHOJI_HVCON_TASK
rep_list:
	.long req_result, req_good, HVCON_BAD_VALUE
#endif
#endif

#if defined(GUEST_FILL_RAM)
	.bss
	.balign 4096
	.skip 0x1000000 - 0x101000 /* to the end of --memory 16M */
#endif
