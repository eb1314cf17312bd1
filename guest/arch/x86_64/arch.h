/* The x86-64 layer of the kernel: what the core may call, documented once. */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include "arch/x86_64/layout.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/x86.h"

/* SYS_COUNT (shoji/abi.h) for entry.S, which calls entry_syscall_table
 * (core/syscall.c) below it; syscall.c checks that they agree. */
#define ENTRY_SYS_COUNT 17

/* Offsets into struct regs used by entry.S. */
#define REGS_RAX 112
#define REGS_VECTOR 120
#define REGS_ERROR 128
#define REGS_RIP 136
#define REGS_CS 144
#define REGS_RFLAGS 152
#define REGS_RSP 160
#define REGS_SS 168
#define REGS_SIZE 176

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86_64/fxsave.h"
/* tlbhints=on: the hints to the QEMU TLB-model plugin at the CR3, CR4
 * and INVLPG sites, inline (docs/tlb-model.md). */
#include "arch/x86_64/tlbhint.h"

/*
 * A task's saved user state.  The kernel keeps one kernel stack per CPU
 * and no stack per task: the SYSCALL entry and the gate store the
 * registers straight into the running task's struct regs, the interrupt
 * entry copies its IST frame there, and return_to_task() restores whichever
 * task is current then.  Field order is fixed by entry.S: GPRs pushed by
 * the stub, then vector and error code, then the hardware iret frame.
 */
struct regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct regs) == REGS_SIZE, "struct regs size");
_Static_assert(__builtin_offsetof(struct regs, rax) == REGS_RAX, "regs.rax");
_Static_assert(__builtin_offsetof(struct regs, vector) == REGS_VECTOR, "regs.vector");
_Static_assert(__builtin_offsetof(struct regs, rip) == REGS_RIP, "regs.rip");
_Static_assert(__builtin_offsetof(struct regs, ss) == REGS_SS, "regs.ss");

/* CPU features the kernel uses, read once by cpu_init(). */
struct cpu_features {
	bool pcid, invpcid, smep, smap, pku, tsc_deadline, hypervisor, page1g, rdtscp;
	/* FXRSTOR leaves the x87 last-instruction pointers (FOP, FIP, FDP)
	 * as they were unless an exception is pending: AMD CPUs without
	 * CPUID 0x80000008 EBX[2] (RstrFpErrPtrs), before Zen 2. */
	bool fxsave_leak;
	char vendor[13];
};
extern struct cpu_features cpu;

/* --- cpu.c ------------------------------------------------------------ */
/* Reads CPUID into `cpu`, sets CR0 (WP, NE; for the FPU MP and TS, no EM),
 * CR4 (PGE, OSFXSR, OSXMMEXCPT, SMEP, SMAP, PCIDE when use_pcid, PKE; PCE clear) and
 * EFER.NXE.  Panics when the CPU lacks
 * long-mode essentials (NX). */
void cpu_init(bool use_pcid);
/* The control-register part of cpu_init(), for this CPU only (no CPUID,
 * no PKRU): every other CPU runs it with the boot processor's choice. */
void cpu_setup(bool use_pcid);
/* Programs STAR/LSTAR/FMASK and EFER (SCE, NXE) on this CPU, so SYSCALL
 * enters syscall_entry (entry.S); every CPU runs it. */
void syscall_msr_init(void);
/* Whether the entries take this CPU's lock (entry.S: syscall_entry_mp,
 * ktask_gate_mp): set by smp_start() before it starts another CPU, and
 * kept only if one came up. */
extern bool entry_mp;

/* --- pmu.c: the vCPU's performance counters ------------------------------ */
struct shoji_pmu;
/*
 * Reads the PMU from CPUID (pmu_events.c decides what it is and which
 * events to count) and, when @enable (not pmu=off) and it has one,
 * programs the counters to run from here on in rings 0 and 3, without
 * interrupts.  Prints one line, "pmu: WHAT" or "pmu: none (WHY)".
 * CR4.PCE stays clear: RDPMC faults in ring 3, and the verifier refuses
 * it (and RDMSR, WRMSR) in ring-0 tasks, so SYS_PMU is a task's only way
 * to the counters.
 */
void pmu_init(bool enable);
/* The same counters on another CPU (ap_main()), when pmu_init() programmed
 * any: every CPU counts its own, and SYS_PMU reads the caller's CPU's. */
void pmu_init_ap(void);
/* Fills @out with the counters' events, widths and values now, the rest
 * zeroed; returns how many are valid (0 without counters). */
unsigned pmu_read(struct shoji_pmu *out);

/* --- fpu.c: tasks' x87/SSE state --------------------------------------- */
/* struct fxsave_area: arch/x86_64/fxsave.h. */

/*
 * A task has no FPU state until its first x87/SSE instruction raises #NM
 * (CR0.TS), which allocates its image.  The invariant, which audit=on
 * checks (fpu_check()): CR0.TS is set iff the running task has no FPU
 * state; the FPU registers hold the running task's state or the clean
 * image (FCW 0x37F, MXCSR 0x1F80, the rest 0).  Switching is eager: a
 * task's registers never stay in the FPU while another task runs, so no
 * task can read them speculatively (LazyFP, CVE-2018-3665).
 */
struct task;
/* Tasks holding an image now.  While it is 0 no switch calls
 * fpu_switch_to() (core/sched.h, struct sched_cpu). */
extern uint32_t fpu_tasks;
/* The switch to t, from whichever task ran before: that one's registers
 * saved, then t's loaded, or the clean image and CR0.TS when t has none;
 * nothing when t's registers are loaded already. */
void fpu_switch_to(const struct task *t);
/* #NM from the running task t: allocates its image (512 bytes of kernel
 * heap), loads the clean state and clears CR0.TS, so that the instruction
 * runs again.  False when out of kernel memory (the caller kills t).
 * Panics when t has state already: TS was set under it, a kernel bug. */
bool fpu_first_use(const struct task *t);
/* t ends: its image is freed and, when its registers are in the FPU,
 * they are overwritten with the clean image and CR0.TS is set. */
void fpu_task_free(const struct task *t);
/* Bytes of kernel memory t's image takes: its heap class, or 0. */
uint64_t fpu_kernel_bytes(const struct task *t);
/* The running task t took #XM or #MF: "SIMD floating-point exception
 * (divide by zero, MXCSR 0x...)" or "x87 floating-point error (...,
 * FSW 0x...)" into buf (len bytes), from its registers. */
void fpu_fault_describe(const struct task *t, uint64_t vector, char *buf, size_t len);
/* The invariant above, for the running task t: 0 when it holds, else
 * what is broken (a constant).  Reads CR0 and the FPU: for audit=on. */
const char *fpu_check(const struct task *t);

/* --- serial.c: the console ------------------------------------------- */
/* shoji's console device (hvcon.c) when shoji advertises it, else COM1, a
 * 16550 polled a byte at a time; the same bytes either way.  The
 * buffers are kernel memory (image, kernel stack, physmap), never a
 * task's: a task's bytes are copied in first (SYS_WRITE). */
void serial_init(void);
/* The kernel's bytes (kprintf, panic). */
void serial_write(const char *s, size_t len);
/* A task's bytes (SYS_WRITE): shoji counts the exits before the first. */
void serial_write_task(const char *s, size_t len);

/* --- hvcon.c: shoji's console device (include/shoji/abi.h) ------------ */
/* Whether shoji advertises it: the hypervisor bit and the signature in
 * CPUID leaf SHOJI_CPUID_HVCON. */
bool hvcon_probe(void);
/* Writes len bytes of kernel memory at s, one VM exit per SHOJI_HVCON_MAX
 * bytes; flags: SHOJI_HVCON_TASK or 0.  Only after hvcon_probe() said yes. */
void hvcon_write(const char *s, size_t len, uint32_t flags);

/* --- gdt.c --------------------------------------------------------------- */
/* IST slots (1-based, as in an IDT gate) and their stacks. */
enum { IST_MAIN = 1, IST_DF, IST_NMI, IST_MC, IST_COUNT = IST_MC };
/* This CPU's IST stacks (.ist_stacks in its window, mapped for ring-0 tasks). */
extern uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE];

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

/* One CPU's GDT (its TSS descriptor names its own TSS) and TSS. */
#define GDT_ENTRIES 7
struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
} __attribute__((aligned(16)));
/* This CPU's, on the .cpu_tables page of its window (paging.c). */
extern struct cpu_tables cpu_tables;
/* Fills this CPU's cpu_tables (the GDT; the TSS with its IST stacks and
 * its entry stack as RSP0) and loads them: LGDT, the segment registers,
 * LTR.  Interrupts must be off. */
void gdt_init(void);

/* --- pic.c: remaps the 8259 PICs away from exception vectors, masks them */
void pic_disable(void);

/* --- idt.c --------------------------------------------------------------- */
/* Fills the one IDT every CPU shares and loads it here. */
void idt_init(void);
/* Loads it on another CPU. */
void idt_load(void);

/* --- entry.S ----------------------------------------------------------- */
extern char kernel_stack_top[];
/* Who runs: the kernel (1) or a task; which exit the current task takes. */
extern uint8_t cpu_in_kernel, cpu_return_ring0;
/* Restores the task whose registers the CPU holds (sched_cpu.on_cpu,
 * core/sched.h; SYSCALL and the gate save there too): SYSRET for frames saved by
 * SYSCALL, IRETQ for other ring-3 frames, the PKRU-checked path for ring-0
 * tasks (cpu_return_ring0).  Resets the kernel stack. */
_Noreturn void return_to_task(void);
/* return_to_task() after dropping this CPU's lock (core/sched.h): the
 * exit of every entry that took it. */
_Noreturn void return_to_task_mp(void);
/* return_to_task() for a ring-3 task returned to from a system call it
 * blocked in: SYSRET, with no test of the frame (core/ipc_fast.h). */
_Noreturn void return_sysret(void);
/* return_sysret() after the audit's check (audit=on, core/ipc_fast.h). */
_Noreturn void return_sysret_audited(void);
/* The two with this CPU's lock dropped first (the _mp fast paths). */
_Noreturn void return_sysret_mp(void);
_Noreturn void return_sysret_audited_mp(void);

/* --- entry.S -------------------------------------------------------------- */
/* Routes the SYSCALL entry and the gate through the audited dispatchers
 * and the IPC fast paths' audited entries (audit=on, core/audit.c).
 * Once, before any task runs. */
void entry_audit_on(void);

/* --- trap.c ---------------------------------------------------------------- */
/* Entry points called by entry.S, documented there. */
void trap_task(struct regs *ist_frame);
void trap_kernel(struct regs *r);
void trap_fatal(struct regs *r);
/* Prints every register of r, one block, for panics and kill reports. */
void regs_dump(const struct regs *r);
/* Name of exception vector v ("page fault"), or 0. */
const char *exception_name(uint64_t vector);

/* --- paging.c ---------------------------------------------------------- */
static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(PHYSMAP_BASE + phys);
}
/* The physical address of an address in the kernel image; in the per-CPU
 * window (below), of this CPU's copy. */
uint64_t kernel_virt_to_phys(const void *va);

/*
 * An address space, of one of two kinds.  An own tree: a private PML4 whose
 * kernel half (slots 256-511) is copied at creation; `process` tasks each
 * have one, and a switch writes CR3.  A compact one, for `shared` and
 * `kernel` groups: no tables above the PDPT level of its own, only the 8
 * PDPT entries for user addresses below COMPACT_END (the task slots at
 * 1 GiB, the heap windows at 4-8 GiB).  All compact address spaces of a
 * kind run on one root (the kernel's PML4, or the ring-0 one) and one
 * PDPT, per CPU; activating one copies its 8 entries there and reloads
 * CR3, which flushes the TLB as a switch of CR3 would.  A group then holds
 * a PD and a PT (8 KiB for up to 15 tasks) instead of four tables.  An own
 * tree is one CPU's (its kernel half maps that CPU's window); a compact
 * one may be installed on every CPU at once, each on its own root, and a
 * change to it is flushed on all of them (tlb_shootdown.c).
 */
#define COMPACT_PDPTES 8
#define COMPACT_END ((uint64_t)COMPACT_PDPTES << 30)
struct aspace {
	uint64_t root; /* physical address of the PML4; 0 if compact (each CPU's own) */
	uint64_t upper[COMPACT_PDPTES]; /* compact: its PDPT entries below COMPACT_END */
	uint32_t pt_pages;		/* page-table pages it holds (own root included) */
	uint16_t pcid;			/* 0 when PCIDs are off, and for compact ones */
	bool fresh;			/* first load must flush this PCID's stale entries */
	bool compact;
	bool ring0;  /* over the ring-0 kernel half (`kernel` groups) */
	uint8_t cpu; /* own tree: the one CPU that loads it (its kernel half maps
			that CPU's window); compact: the CPU it was made on */
	bool loaded; /* ever activated: only then may a TLB hold any of it */
};

/* Builds the kernel's page tables (physmap of every RAM range, the kernel
 * image with per-section permissions, the fixmap) and switches to them. */
void paging_init(const uint64_t *ram_start, const uint64_t *ram_end, unsigned nranges);
/* Maps the 4 KiB device page at phys to the fixmap address va, uncached. */
void paging_map_device(uint64_t va, uint64_t phys);
/* The page tables of CPU index (> 0) whose window is the run of pages at
 * window_phys: its two roots (the normal kernel half's and the ring-0
 * one's), built from the boot processor's, recorded for its compact
 * address spaces.  Returns the normal root's physical address, the CR3
 * it starts on, or 0 when out of memory (nothing kept).  Boot only. */
uint64_t paging_cpu_roots(unsigned index, uint64_t window_phys);
/* Copies len bytes of physical memory at phys into dst through the
 * fixmap's read-only window (FIXMAP_PEEK), RAM or not: for firmware
 * tables outside the physmap.  False, nothing read, when the range passes
 * the CPU's physical address width (CPUID 0x80000008).  The window keeps
 * its last page mapped, so that reads from one page map it once, until
 * paging_read_phys_end() unmaps it.  Boot only, on the boot processor:
 * one window, no lock. */
bool paging_read_phys(void *dst, uint64_t phys, size_t len);
void paging_read_phys_end(void);
/* Turns PCIDs on for address spaces created from now on. */
void paging_enable_pcid(bool on);
bool paging_pcid_enabled(void);
/* The protection key of the kernel's writable memory in the ring-0 kernel
 * half (paging.c): tasks of `kernel` mode groups never get it. */
#define KERNEL_PKEY 15
/* A new address space over the normal kernel half, or over the ring-0 one
 * (for `kernel` mode groups) when ring0; compact or an own tree (above).
 * An own tree is CPU index's, the only one that may load it, and the one
 * that must change or destroy it once loaded; a compact one is any CPU's.
 * 0 or -SHOJI_ENOMEM. */
int aspace_init(struct aspace *as, bool ring0, bool compact, unsigned index);
/* Flushes all TLB entries, global ones too: needed when moving from the
 * normal kernel half (global pages) to the ring-0 one. */
void paging_flush_global(void);
/* Frees every frame mapped with PTE_SW_OWNED and all page tables, after
 * taking a compact one off every CPU that has it installed, flushed
 * there (a shootdown: only in a world section, core/sched.h). */
void aspace_destroy(struct aspace *as);
/* Calls fn for every present entry below the kernel half of as that maps
 * memory (a 4 KiB leaf at level 1, or a large page above it), in address
 * order; returns the page-table pages passed on the way (an own tree's
 * root included), which should equal as->pt_pages.  For the audit. */
typedef void (*aspace_leaf_fn)(void *ctx, uint64_t va, uint64_t pte, int level);
uint32_t aspace_walk_user(struct aspace *as, aspace_leaf_fn fn, void *ctx);
/* A compact address space that is installed on CPU index holds the same
 * 8 PDPT entries in that CPU's PDPT as in its own copy (true when not
 * installed there or not compact).  For the audit. */
bool aspace_compact_in_sync(const struct aspace *as, unsigned index);
/* The compact address space of the kind (ring0 or not) installed on CPU
 * index, or 0.  For the audit: it must be a live group's. */
const struct aspace *aspace_installed(unsigned index, bool ring0);
/* Maps one 4 KiB page; allocates the tables on the way.  0, -SHOJI_ENOMEM,
 * or -SHOJI_EINVAL when va is already mapped or not a user address. */
int aspace_map(struct aspace *as, uint64_t va, uint64_t pte);
/* The leaf entry for va, or 0 when any level is not present. */
uint64_t *aspace_leaf(struct aspace *as, uint64_t va);
/* Unmaps every page of [va, end) in as and, once no TLB of any CPU can
 * hold one of them (one shootdown for the range when other CPUs have as
 * installed), calls fn with each page and its old leaf, in address
 * order, for the caller to free its frame.  In a world section. */
typedef void (*aspace_unmapped_fn)(void *ctx, uint64_t va, uint64_t old);
void aspace_unmap_range(struct aspace *as, uint64_t va, uint64_t end, aspace_unmapped_fn fn,
			void *ctx);
/* Makes as the current address space (CR3, with PCID keep-alive). */
void aspace_activate(struct aspace *as);
/* Privileged-event statistics: CR3 writes, and TLB flushes (CR3 loads that
 * flush, INVLPG, full flushes). */
extern uint64_t stat_cr3_writes, stat_tlb_flushes;

/* --- tsc.c -------------------------------------------------------------- */
/* TSC frequency from CPUID (leaf 0x15, or the hypervisor timing leaf
 * 0x40000010), else calibrated against the PIT.  Returns where it came from. */
const char *tsc_init(void);
extern uint64_t tsc_hz;
/* TSC ticks the boot spent calibrating (the PIT windows of tsc_init and
 * the local APIC timer's): 0 where CPUID gives both frequencies, as under
 * shoji; the boot's own length is reported without them. */
extern uint64_t tsc_calibration_ticks;
/* Nanoseconds since tsc_init(). */
uint64_t clock_ns(void);
/* TSC ticks elapsed while PIT channel 2 counts down ms milliseconds. */
uint64_t pit_measure_tsc(unsigned ms);

/* --- lapic.c ------------------------------------------------------------- */
/* Enables the local APIC and starts its periodic timer on VEC_TIMER every
 * period_us (TSC-deadline mode when CPUID has it).  Returns the mode name. */
const char *lapic_timer_init(uint32_t period_us);
/* Acknowledges the timer and, in TSC-deadline mode, arms the next tick. */
void lapic_timer_tick(void);
void lapic_eoi(void);
/* Another CPU's local APIC, once lapic_timer_init() ran on the boot
 * processor (the fixmap page is shared; each CPU reaches its own APIC
 * there): on, TPR 0, the spurious vector, its timer ticking as the boot
 * processor's. */
void lapic_ap_init(void);
/* This CPU's local APIC ID. */
uint32_t lapic_id(void);
/* Sends the interrupt command icr (the ICR's low word: SDM Vol. 3A 11.6.1)
 * to the CPU with APIC ID apic_id and waits, at most a millisecond, until
 * the local APIC has sent it.  False when it was still pending then. */
bool lapic_ipi(uint32_t apic_id, uint32_t icr);
/* The ICR low word of a fixed interrupt, edge, assert (SDM Vol. 3A
 * 11.6.1): with a vector, the IPIs of smp_wake.c and tlb_shootdown.c. */
#define ICR_FIXED 0x00004000u

/* --- smp.c: the other CPUs ---------------------------------------------- */
struct task;
struct boot_info;
/*
 * The per-CPU window.  Everything one CPU has of its own (its GDT and TSS
 * on .cpu_tables, its IST stacks, then the .percpu section: its entry
 * stack, entry.S's words, the scheduler's records, its counters) lies in
 * one range of the kernel image, [__cpu_tables_start, __percpu_end), which
 * every CPU's page tables map at the same addresses onto a copy of its own
 * (paging.c, paging_cpu_roots()).  So the entry paths and the scheduler
 * reach this CPU's state at fixed addresses, as on one CPU, with no
 * instruction added: no GS, no CPU number to look up.  The boot processor's
 * copy is the image's own pages; another CPU's, a run of pages smp.c
 * allocates and fills from the boot processor's before any task exists.
 * Another CPU's copy is reached through the physmap: percpu_of().
 * PERCPU_STAT variables lie in one part of it, which a new CPU's copy
 * starts with zeroed: counters that SYS_STATS sums over the CPUs.
 */
#define SMP_MAX_CPUS 16 /* = ACPI_MAX_CPUS (smp.c asserts it) */
#define PERCPU __attribute__((section(".percpu")))
#define PERCPU_STAT __attribute__((section(".percpu.stats")))
extern char __cpu_tables_start[], __percpu_end[];
extern char __percpu_stats_start[], __percpu_stats_end[];
/* Where CPU i's copy of the window starts, in the physmap (i < smp_ncpus). */
extern uintptr_t percpu_base[SMP_MAX_CPUS];
static inline void *percpu_at(const void *var, unsigned index)
{
	return (char *)percpu_base[index] + ((uintptr_t)var - (uintptr_t)__cpu_tables_start);
}
/* CPU cpu's copy of the per-CPU variable var (an lvalue of var's type). */
#define percpu_of(var, cpu) (*(__typeof__(&(var)))percpu_at(&(var), (cpu)))
/* The sum of a per-CPU counter over the CPUs up. */
#define percpu_sum(var)                                                                            \
	({                                                                                         \
		uint64_t sum_ = 0;                                                                 \
		for (unsigned i_ = 0; i_ < smp_ncpus; i_++)                                        \
			sum_ += percpu_of(var, i_);                                                \
		sum_;                                                                              \
	})

/* A CPU's own record, in its window (cpu_self); others' by smp_cpu(). */
struct percpu {
	uint32_t index;	  /* 0 for the boot processor, then in start order */
	uint32_t apic_id; /* its local APIC ID, from the MADT */
	uint32_t state;	  /* starting, arrived, up, given up (smp.c) */
	uint64_t wakeups; /* wake IPIs it took (smp_wake.c) */
};
extern struct percpu cpu_self;
/*
 * Finds the CPUs in the ACPI MADT (acpi_find.c, from bi's RSDP or the BIOS
 * areas) and starts each other usable one, at most max_cpus in all with
 * this one (0: all, up to ACPI_MAX_CPUS): INIT, then two start-up IPIs,
 * each waited for at most a second.  Each reports "cpu: N up (apic id A)"
 * and idles; one that does not come up is reported, sent INIT again and
 * left.  Without an MADT: one CPU, said in a "cpu:" line.  Once, after
 * lapic_timer_init() on the boot processor, before any task exists.
 * flags, for the tests (selftest=, core/cmdline.c): SMP_SCAN_BIOS ignores
 * the loader's RSDP; SMP_SILENT_APS starts the CPUs into a halt, so none
 * comes up.
 */
#define SMP_SCAN_BIOS 1u
#define SMP_SILENT_APS 2u
void smp_start(const struct boot_info *bi, unsigned max_cpus, unsigned flags);
/* CPUs up, the boot processor included (1 before smp_start()). */
extern unsigned smp_ncpus;
/* The record of CPU index i < smp_ncpus. */
static inline struct percpu *smp_cpu(unsigned i)
{
	return &percpu_of(cpu_self, i);
}
/* What a CPU other than the boot processor runs once it is up (the
 * scheduler's, core/sched.c): never returns. */
_Noreturn void sched_ap_main(void);

/* --- smp_wake.c: waking another CPU ---------------------------------------- */
/* Sends VEC_WAKE to CPU index (< smp_ncpus, not this one).  False when its
 * local APIC did not send the IPI within a millisecond. */
bool smp_wake(unsigned index);
/* VEC_WAKE arrived on this CPU (trap.c): counted in its wakeups. */
void smp_wake_taken(void);
/* selftest=wake-ipi: wakes each other CPU once and waits at most a second
 * for it to count the IPI; says "cpu: N woke on IPI vector 0xf0" or that
 * it did not. */
void smp_wake_selftest(void);
/* For boot selftests: has CPU index (not this one), which waits in
 * sched_wait_start() (core/sched.h), run fn; smp_call_wait() returns once
 * fn has returned there, or false after ten seconds. */
void smp_call_start(unsigned index, void (*fn)(void));
bool smp_call_wait(unsigned index);
/* Runs the function smp_call_start() left for this CPU, if any. */
void smp_call_serve(void);

/* --- tlb_shootdown.c: flushing other CPUs' TLBs ---------------------------- */
/*
 * A compact address space (paging.c) may be installed on several CPUs at
 * once: the tasks of one `shared` or `kernel` group run on any of them.
 * Before a page of it is freed, or its tables, every other CPU that may
 * hold entries for it in its TLB flushes them (SDM Vol. 3A 4.10.5: a TLB
 * is each logical processor's own; any may cache translations
 * speculatively, 4.10.2.3).  The sender, in a world section (core/sched.h:
 * it holds every CPU's lock), posts the range and sends VEC_SHOOTDOWN to
 * each such CPU, then waits until each has flushed.  A CPU in its task
 * takes the interrupt and, entering, spins for its lock; a CPU already
 * waiting for a lock (lock_take(), core/sched.c) or halted in the idle
 * loop gets there too; the spin serves the request (tlb_shootdown_serve()),
 * so the sender never waits on a CPU that waits on it.
 */
/* Flushes [start, end) (end = ~0: everything but global pages) on every
 * CPU in the mask `cpus` (bit i: CPU index i, never this one) and
 * returns once each has; panics naming a CPU that has not within a
 * minute.  Only with every CPU's lock held. */
void tlb_shootdown(uint32_t cpus, uint64_t start, uint64_t end);
/* Serves this CPU's pending request (tlb_shootdown_pending set). */
void tlb_shootdown_serve(void);
/* Set by a sender while this CPU owes it a flush. */
extern uint32_t tlb_shootdown_pending;
/* What every lock spin calls each time round: a load and a test, so the
 * spin's own path grows by little (core/sched.c, lock_take()). */
static inline void tlb_shootdown_poll(void)
{
	if (__builtin_expect(__atomic_load_n(&tlb_shootdown_pending, __ATOMIC_ACQUIRE) != 0, 0))
		tlb_shootdown_serve();
}
/* VEC_SHOOTDOWN arrived (trap.c): the spin that took this CPU's lock
 * served the request; here, the EOI. */
void tlb_shootdown_taken(void);
/* selftest=shootdown, with two CPUs or more, before any task runs: CPU 1
 * installs a compact address space and reads a page of it, as a CPU may
 * cache any translation its CR3 reaches (SDM Vol. 3A 4.10.2.3); the boot
 * processor unmaps the page and maps another frame there; CPU 1 reads
 * again and must see the new frame; then the address space is destroyed
 * and must be off CPU 1.  One "shootdown:" line for each step. */
void tlb_shootdown_selftest(void);
/* Requests this CPU sent, one per target CPU, and served: per-CPU
 * counters that SYS_STATS sums (the two sums agree once every request
 * is answered). */
extern uint64_t stat_shootdowns_sent, stat_shootdowns_received;

/* --- acpi_find.c: where the CPUs are listed ------------------------------- */
struct madt_cpus;
/* The MADT's usable CPUs (loader/format/acpi.c judges every table), from
 * the RSDP at rsdp_phys, or when 0 the one an EBDA or BIOS-area scan finds.
 * 0; 1 with why (a constant) when there is no RSDP at all (a machine
 * without ACPI tables: shoji with one vCPU); -SHOJI_EINVAL with why when
 * a table is refused or lists no MADT. */
int acpi_find_cpus(uint64_t rsdp_phys, struct madt_cpus *out, const char **why);

/* --- machine.c ------------------------------------------------------------ */
/* Writes status to the exit port (docs/architecture.md); halts if it returns. */
_Noreturn void machine_exit(int status);

#endif /* !__ASSEMBLY__ */
#endif
