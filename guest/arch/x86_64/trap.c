/* Interrupt and exception dispatch: a task's fault kills it with a line
 * naming the fault, a kernel fault panics with registers. */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/pkru.h"
#include "core/audit.h"
#include "core/console.h"
#include "core/fault_site.h"
#include "core/group.h"
#include "core/sched.h"
#include "core/sched_return.h"
#include "core/task.h"
#include "lib/lib.h"

/* Exception names (SDM Vol. 3A 6.3.1, Table 6-1). */
static const char *const exception_names[32] = {
    [0] = "divide error",
    [1] = "debug exception",
    [2] = "NMI",
    [3] = "breakpoint",
    [4] = "overflow",
    [5] = "BOUND range exceeded",
    [6] = "invalid opcode",
    [7] = "device not available (an FPU instruction with CR0.TS set)",
    [8] = "double fault",
    [10] = "invalid TSS",
    [11] = "segment not present",
    [12] = "stack-segment fault",
    [13] = "general protection fault",
    [14] = "page fault",
    [16] = "x87 floating-point error",
    [17] = "alignment check",
    [18] = "machine check",
    [19] = "SIMD floating-point exception",
    [20] = "virtualization exception",
    [21] = "control protection exception",
};

const char *exception_name(uint64_t vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return 0;
}

void regs_dump(const struct regs *r)
{
	kprintf("  rip %016lx cs %04lx rflags %016lx vector %lu error %lx\n", r->rip, r->cs,
		r->rflags, r->vector, r->error);
	kprintf("  rsp %016lx ss %04lx cr2 %016lx cr3 %016lx\n", r->rsp, r->ss, read_cr2(),
		read_cr3());
	kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
	kprintf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
	kprintf("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", r->r9, r->r10, r->r11, r->r12);
	kprintf("  r13 %016lx r14 %016lx r15 %016lx\n", r->r13, r->r14, r->r15);
}

/* Page-fault error code bits (SDM Vol. 3A 4.7, Figure 4-12). */
#define PF_P BIT(0)
#define PF_W BIT(1)
#define PF_U BIT(2)
#define PF_I BIT(4)
#define PF_PK BIT(5)

/* "0x... (read), rip 0x... (NAME+OFF: FUNC+OFF), error 0x5 [P=1 W=0 U=1
 * I=0 PK=0]" */
static void pf_describe(char *buf, size_t len, const struct task *t, const struct regs *r,
			uint64_t cr2)
{
	uint64_t e = r->error;
	char site[112];
	fault_site_rip(site, sizeof(site), t, r->rip);
	snprintf(buf, len, "%#lx (%s), rip %#lx (%s), error %#lx [P=%d W=%d U=%d I=%d PK=%d]", cr2,
		 e & PF_I   ? "instruction fetch"
		 : e & PF_W ? "write"
			    : "read",
		 r->rip, site, e, !!(e & PF_P), !!(e & PF_W), !!(e & PF_U), !!(e & PF_I),
		 !!(e & PF_PK));
}

/* The current task took exception r->vector: it is killed with a line
 * naming the fault and where its RIP was (fault_site.c); a page fault of
 * a stack overflowing (into the guard page, or with RSP below the stack)
 * as a stack overflow, and for a protection-key violation the key's
 * owner. */
static __attribute__((noinline)) void task_fault(struct regs *r, uint64_t cr2)
{
	struct task *t = current;
	char what[224];

	if (r->vector == VEC_XM || r->vector == VEC_MF) { /* name the flags (fpu.c) */
		char flags[128];
		fpu_fault_describe(t, r->vector, flags, sizeof(flags));
		fault_site_rip(what, sizeof(what), t, r->rip);
		task_kill(t, "%s, rip %#lx (%s)", flags, r->rip, what);
		return;
	}
	if (r->vector != VEC_PF) {
		fault_site_rip(what, sizeof(what), t, r->rip);
		task_kill(t, "%s, rip %#lx (%s), error %#lx",
			  exception_name(r->vector) ?: "unknown exception", r->rip, what, r->error);
		return;
	}
	pf_describe(what, sizeof(what), t, r, cr2);
	const char *overflow = fault_site_overflow(t, r->rsp, cr2);
	if (!(r->error & PF_PK) && overflow) {
		task_kill(t, "stack overflow (%s): page fault at %s", overflow, what);
		return;
	}
	if (!(r->error & PF_PK)) {
		task_kill(t, "page fault at %s", what);
		return;
	}
	/* The page was there, but its key was not this task's: name the
	 * key and who owns it. */
	uint64_t *e = aspace_leaf(&t->group->as, cr2 & ~(PAGE_SIZE - 1));
	unsigned key = e ? pte_pkey(*e) : 0;
	struct task *owner = group_member(t->group, key);
	if (t->mode == MODE_KERNEL && cr2 >= USER_END) /* physmap: 2 MiB pages */
		key = KERNEL_PKEY;
	if (t->mode == MODE_KERNEL && key == KERNEL_PKEY)
		task_kill(t, "protection-key violation at %s, key %u owned by the kernel", what,
			  key);
	else
		task_kill(t, "protection-key violation at %s, key %u owned by task %u (%s)", what,
			  key, owner ? owner->id : 0, owner ? owner->name : "nobody");
}

/* An exception of the current task t: its first FPU instruction gets it
 * FPU state (fpu.c), any other fault kills it. */
static void exception(struct task *t, uint64_t cr2)
{
	if (t->regs.vector != VEC_NM)
		task_fault(&t->regs, cr2);
	else if (!sched_fpu_first_use(t))
		task_kill(t,
			  "out of kernel memory for its FPU state (first FPU instruction at "
			  "rip %#lx)",
			  t->regs.rip);
}

/* Interrupt handlers by vector; exceptions are handled above them. */
typedef void (*irq_handler)(void);
static const irq_handler irq_handlers[256] = {
    [VEC_TIMER] = sched_timer_tick,
    [VEC_WAKE] = smp_wake_taken,
    [VEC_SHOOTDOWN] = tlb_shootdown_taken,
};

static void irq_dispatch(uint64_t vector)
{
	/* No EOI for spurious interrupts (SDM Vol. 3A 11.9), nor for the
	 * masked PICs' spurious IRQ 7/15. */
	if (vector == VEC_SPURIOUS || (vector >= VEC_PIC_BASE && vector < VEC_PIC_BASE + 16))
		return;
	if (irq_handlers[vector]) {
		irq_handlers[vector]();
		return;
	}
	lapic_eoi();
}

extern char entry_violation[];

/*
 * An interrupt or exception while a task ran (ring 3, or ring 0 in kernel
 * mode).  f is the frame entry.S built on the IST stack: it becomes the
 * task's saved state, and the IST copy is wiped, since ring-0 tasks can
 * read the IST stacks (paging.c).
 */
void trap_task(struct regs *f)
{
	struct task *t = current;
	uint32_t id = t->id; /* for the audit: a kill below frees t */
	uint64_t cr2 = read_cr2();

	t->regs = *f;
	memset(f, 0, sizeof(*f));
	pkru_entry_cleared(); /* the entry set PKRU to 0 (arch/x86_64/pkru.h) */
	if (t->regs.vector >= VEC_FIRST_IRQ) {
		irq_dispatch(t->regs.vector); /* this CPU's: its lock is enough */
	} else {
		world_enter(); /* a kill frees memory and wakes partners anywhere */
		if (t->regs.vector == VEC_UD && t->regs.rip == (uint64_t)entry_violation)
			task_kill(t, "jumped into the middle of a kernel entry or exit path");
		else
			exception(t, cr2);
		world_leave();
	}
	sched_prepare_return();
	if (audit_enabled)
		audit_check("an interrupt or exception", id);
}

/* From the kernel (the idle loop halts with interrupts on): only
 * interrupts are expected; an exception here is a kernel bug. */
void trap_kernel(struct regs *r)
{
	if (r->vector >= VEC_FIRST_IRQ) {
		/* Only the idle loop runs with interrupts on, without its lock. */
		cpu_lock_spin();
		irq_dispatch(r->vector);
		cpu_lock_drop();
		return;
	}
	kprintf("kernel panic: %s in the kernel\n", exception_name(r->vector) ?: "exception");
	regs_dump(r);
	machine_exit(SHOJI_EXIT_PANIC);
}

/* #DF, NMI, #MC on their own IST stacks: none is ever expected. */
void trap_fatal(struct regs *r)
{
	kprintf("kernel panic: %s\n", exception_name(r->vector));
	regs_dump(r);
	machine_exit(SHOJI_EXIT_PANIC);
}
