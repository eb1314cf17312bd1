/* Kernel entry: the boot sequence, one step a line. */
#include "core/kernel.h"

#define CMDLINE_TASKS_MAX 1024

static struct boot_info bi;
static struct task_spec specs[CMDLINE_TASKS_MAX];
static struct boot_options opt = {.tasks = specs, .max_tasks = CMDLINE_TASKS_MAX};

/* A refused command line costs the whole run, before anything starts. */
static void parse_cmdline(void)
{
	static char buf[SHOJI_CMDLINE_MAX];
	char err[160];

	kprintf("boot: command line \"%s\"\n", bi.cmdline);
	memcpy(buf, bi.cmdline, sizeof(buf));
	if (cmdline_parse(buf, &opt, err, sizeof(err))) {
		kprintf("cmdline: %s\n", err);
		machine_exit(SHOJI_EXIT_REFUSED);
	}
}

static void check_features(void)
{
	/* The CPU first: a refusal below is explained by this line. */
	kprintf("cpu: %s%s%s%s%s%s%s%s\n", cpu.vendor, cpu.pku ? " pku" : "",
		cpu.smep ? " smep" : "", cpu.smap ? " smap" : "", cpu.pcid ? " pcid" : "",
		cpu.invpcid ? " invpcid" : "", cpu.tsc_deadline ? " tsc-deadline" : "",
		cpu.fxsave_leak ? " fxsave-leak" : "");
	if (opt.pcid == 1 && !cpu.pcid) {
		kprintf("cmdline: pcid=on but this CPU has no PCID\n");
		machine_exit(SHOJI_EXIT_REFUSED);
	}
	for (unsigned i = 0; i < opt.ntasks; i++) {
		/* Without keys nothing would separate the tasks of a group. */
		if (specs[i].mode != MODE_PROCESS && !cpu.pku) {
			kprintf("cmdline: task=%s: %s mode needs protection keys (PKU), which "
				"this CPU lacks\n",
				specs[i].name, task_mode_name(specs[i].mode));
			machine_exit(SHOJI_EXIT_REFUSED);
		}
	}
	kprintf("paging: PCID %s\n", paging_pcid_enabled() ? "on" : "off");
}

static const void *initrd(void)
{
	if (!bi.initrd_size) {
		kprintf("task image %s refused: no initrd was given\n", specs[0].name);
		machine_exit(SHOJI_EXIT_REFUSED);
	}
	for (unsigned i = 0; i < bi.nranges; i++)
		if (bi.initrd_phys >= bi.ram_start[i] &&
		    bi.initrd_phys + bi.initrd_size <= bi.ram_end[i])
			return phys_to_virt(bi.initrd_phys);
	panic("initrd at %lx (+%lx) is not in RAM", bi.initrd_phys, bi.initrd_size);
}

/* entry_tsc: the TSC at the kernel's first instruction (boot.S), printed
 * with the calibration so that, with a task's TSC at its start, the
 * boot's own length can be told (bench/steps/guest). */
static void time_init(uint64_t entry_tsc)
{
	const char *src = tsc_init();
	kprintf("time: TSC %lu kHz from %s\n", tsc_hz / 1000, src);
	const char *timer = lapic_timer_init(opt.quantum_us);
	kprintf("timer: local APIC %s, quantum %u us\n", timer, opt.quantum_us);
	kprintf("boot: kernel entry at TSC %lu, %lu TSC ticks calibrating\n", entry_tsc,
		tsc_calibration_ticks);
}

/* selftest=rsdp-scan and ap-silent reach smp_start(). */
static unsigned smp_flags(void)
{
	return (opt.selftest == SELFTEST_RSDP_SCAN ? SMP_SCAN_BIOS : 0) |
	       (opt.selftest == SELFTEST_AP_SILENT ? SMP_SILENT_APS : 0);
}

static void selftest(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = {0, 0};

	if (opt.selftest == SELFTEST_KERNEL_FAULT)
		*(volatile uint64_t *)0xffffc00000000000ul = 0; /* unmapped: must panic */
	if (opt.selftest == SELFTEST_TRIPLE_FAULT)		/* #BP, #GP, #DF: shutdown */
		__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	if (opt.selftest == SELFTEST_AUDIT_QUEUE || opt.selftest == SELFTEST_AUDIT_PAGE)
		audit_break(opt.selftest == SELFTEST_AUDIT_QUEUE);
	if (opt.selftest == SELFTEST_AUDIT_CPU)
		audit_break_cpu();
	if (opt.selftest == SELFTEST_WAKE_IPI)
		smp_wake_selftest();
	if (opt.selftest == SELFTEST_SHOOTDOWN)
		tlb_shootdown_selftest();
}

void kmain(uint32_t start_info_phys, uint64_t entry_tsc);
/* The boot sequence, as a list (kept out of clang-format to stay one). */
/* clang-format off */
void kmain(uint32_t start_info_phys, uint64_t entry_tsc)
{
	serial_init();                  /* console first: every later step may print */
	kprintf("shoji kernel %s (abi %d)\n", SHOJI_VERSION, SHOJI_ABI_VERSION);
	bootinfo_read(start_info_phys, &bi); /* memory map, command line, initrd */
	parse_cmdline();                /* a bad command line ends the run here */
	memory_init(&bi);               /* page allocator, page tables, heap */
	gdt_init();                     /* segments, TSS with IST stacks */
	idt_init();                     /* exception and interrupt gates */
	pic_disable();                  /* legacy PICs off the exception vectors */
	cpu_init(opt.pcid != 0);        /* CR0/CR4: FPU on #NM, SMEP, SMAP, PKE, PCID */
	uaccess_init();                 /* without SMAP: no STAC and CLAC */
	check_features();               /* refuse pcid=on without PCID; report */
	tlbhint_init(opt.tlbhints);     /* tlbhints=on: announce the window, CR4 */
	pmu_init(opt.pmu);              /* counters in every ring, if pmu=on      */
	syscall_msr_init();             /* SYSCALL/SYSRET */
	time_init(entry_tsc);           /* TSC frequency, LAPIC timer */
	smp_start(&bi, opt.cpus, smp_flags()); /* the other CPUs, from the MADT: up and idle */
	tasks_create_all(&opt, initrd(), bi.initrd_size); /* every image checked first */
	if (opt.audit) audit_init();    /* audit=on: invariants checked from here on */
	selftest();                     /* selftest= options */
	sched_start();                  /* never returns */
}
/* clang-format on */
