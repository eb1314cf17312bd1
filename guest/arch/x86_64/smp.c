/* The other CPUs: found in the MADT, started by INIT and start-up IPIs, set up as the first. */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/pkru.h"
#include "core/kernel.h"
#include "loader/format/format.h"

/*
 * The sequence of SDM Vol. 3A 9.4.4 ("MP Initialization Example"), one CPU
 * at a time: INIT, 10 ms, a start-up IPI (STARTUP), 200 us, a second one;
 * then at most START_WAIT_MS for the CPU to reach ap_main().  One CPU at a
 * time keeps the trampoline page and ap_boot_* to one reader.  A CPU late
 * past the wait is sent INIT again, which parks it in wait-for-SIPI
 * wherever it was, and its state tells a late arrival apart from one the
 * boot processor still waits for (a compare-and-swap on both sides).
 */
#define START_WAIT_MS 1000
/* ICR words (SDM Vol. 3A 11.6.1): INIT, level assert, edge; STARTUP with
 * the trampoline's page number as the vector. */
#define ICR_INIT 0x00004500u
#define ICR_STARTUP 0x00004600u

_Static_assert(SMP_MAX_CPUS == ACPI_MAX_CPUS, "the kernel keeps a window for each CPU listed");

/* The trampoline's page lies in [TRAMPOLINE_LOW, TRAMPOLINE_HIGH): below
 * the EBDA and the 0xA0000 hole, above the real-mode IVT and BDA; the
 * STARTUP vector is its page number, 0x01-0x9e (vectors 0xA0-0xBF are
 * reserved, SDM Vol. 3A 9.4.4.1). */
#define TRAMPOLINE_LOW 0x1000
#define TRAMPOLINE_HIGH 0x9f000

enum { AP_STARTING, AP_ARRIVED, AP_UP, AP_GIVEN_UP };

extern char ap_trampoline[], ap_trampoline_end[];
/* What ap_start64 (ap_boot.S) reads: the page tables of the CPU being
 * started, which map its window. */
uint64_t ap_boot_cr3;

struct percpu cpu_self PERCPU;
uintptr_t percpu_base[SMP_MAX_CPUS];
unsigned smp_ncpus = 1;

void ap_main(void);
void ap_main(void)
{
	struct percpu *c = &cpu_self;
	uint32_t starting = AP_STARTING;
	/* Given up on: the INIT on its way parks it. */
	if (!__atomic_compare_exchange_n(&c->state, &starting, AP_ARRIVED, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		halt_forever();
	gdt_init();			  /* its GDT, TSS, IST stacks: its window's */
	idt_load();			  /* the shared IDT */
	cpu_setup(paging_pcid_enabled()); /* CR0/CR4 as the boot processor's */
	syscall_msr_init();		  /* STAR/LSTAR/FMASK, EFER */
	if (cpu.pku)
		wrpkru(0); /* the kernel's rights, as pkru_init() gives the boot processor */
	lapic_ap_init();   /* its local APIC on, its timer as the boot processor's */
	pmu_init_ap();	   /* pmu=on: the boot processor's counters, its own */
	kprintf("cpu: %u up (apic id %u)\n", c->index, c->apic_id);
	__atomic_store_n(&c->state, AP_UP, __ATOMIC_RELEASE);
	sched_ap_main();
}

/* Frees n pages from first on. */
static void free_run(uint64_t first, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		pmm_free_page(first + (uint64_t)i * PAGE_SIZE);
}

/* n physically contiguous pages (so the physmap gives one range), or 0. */
static uint64_t alloc_run(unsigned n)
{
	uint64_t first = pmm_alloc_page();
	unsigned got = first != 0;
	while (got && got < n) {
		uint64_t p = pmm_alloc_page();
		if (p != first + (uint64_t)got * PAGE_SIZE) {
			if (p)
				pmm_free_page(p);
			break;
		}
		got++;
	}
	if (got < n)
		free_run(first, got);
	return got == n ? first : 0;
}

static unsigned window_pages(void)
{
	return (unsigned)((uintptr_t)(__percpu_end - __cpu_tables_start) / PAGE_SIZE);
}

/* CPU index's window and page tables: a copy of this one's, taken before
 * any task exists, its counters zeroed; false when out of memory.  Its
 * CR3 goes to ap_boot_cr3. */
static bool ap_window(unsigned index, uint32_t apic_id)
{
	uint64_t phys = alloc_run(window_pages());
	if (!phys)
		return false;
	/* Below 4 GiB, as the image: hvcon.c's 32-bit OUT names a buffer on
	 * the entry stack. */
	if (phys + (uint64_t)window_pages() * PAGE_SIZE > (U64(1) << 32)) {
		free_run(phys, window_pages());
		return false;
	}
	uint8_t *w = phys_to_virt(phys);
	memcpy(w, __cpu_tables_start, (size_t)window_pages() * PAGE_SIZE);
	memset(w + (__percpu_stats_start - __cpu_tables_start), 0,
	       (size_t)(__percpu_stats_end - __percpu_stats_start));
	percpu_base[index] = (uintptr_t)w;
	uint64_t cr3 = paging_cpu_roots(index, phys);
	if (!cr3) {
		free_run(phys, window_pages());
		return false;
	}
	smp_cpu(index)->index = index;
	smp_cpu(index)->apic_id = apic_id;
	smp_cpu(index)->state = AP_STARTING;
	smp_cpu(index)->wakeups = 0;
	percpu_of(expected_pkru_alias, index) = percpu_at(&expected_pkru, index);
	ap_boot_cr3 = cr3;
	return true;
}

/* A free RAM page for the trampoline in [TRAMPOLINE_LOW, TRAMPOLINE_HIGH),
 * none of the loader's; 0 when there is none.  Below 1 MiB nothing is the
 * page allocator's (memory.c), so it stays the trampoline's. */
static uint64_t trampoline_page(const struct boot_info *bi)
{
	for (uint64_t p = TRAMPOLINE_LOW; p < TRAMPOLINE_HIGH; p += PAGE_SIZE) {
		bool ram = false, used = false;
		for (unsigned i = 0; i < bi->nranges; i++)
			ram |= bi->ram_start[i] <= p && p + PAGE_SIZE <= bi->ram_end[i];
		for (unsigned i = 0; i < bi->nused; i++)
			used |= bi->used_start[i] < p + PAGE_SIZE && p < bi->used_end[i];
		if (ram && !used)
			return p;
	}
	return 0;
}

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz * us / 1000000;
	while (rdtsc() < end)
		pause();
}

/* Whether c's state left AP_STARTING within ms milliseconds. */
static bool wait_arrival(struct percpu *c, uint64_t ms)
{
	uint64_t end = rdtsc() + tsc_hz / 1000 * ms;
	while (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) == AP_STARTING)
		if (rdtsc() > end)
			return false;
		else
			pause();
	return true;
}

/* Starts c through the trampoline at page number vector; whether it came up. */
static bool ap_start(struct percpu *c, uint32_t vector)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	bool sent = lapic_ipi(c->apic_id, ICR_INIT);
	delay_us(10000);
	sent = sent && lapic_ipi(c->apic_id, ICR_STARTUP | vector);
	delay_us(200);
	sent = sent && lapic_ipi(c->apic_id, ICR_STARTUP | vector);
	uint32_t starting = AP_STARTING;
	if (!wait_arrival(c, START_WAIT_MS) &&
	    __atomic_compare_exchange_n(&c->state, &starting, AP_GIVEN_UP, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		(void)lapic_ipi(c->apic_id, ICR_INIT);
		kprintf("cpu: %u (apic id %u) did not come up within %u ms%s: not used\n", c->index,
			c->apic_id, START_WAIT_MS, sent ? "" : " (its IPIs stayed pending)");
		return false;
	}
	while (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != AP_UP)
		pause(); /* it runs ap_main(), which does not block */
	return true;
}

/* The MADT's CPUs, or none (one CPU) when max_cpus is 1 or no MADT is
 * found.  Said, except where the machine has no ACPI tables at all: that
 * is how shoji describes one vCPU (vmm/acpi.c), and a line would cost its
 * boot a VM exit and make its console differ from QEMU's, whose one CPU
 * is in a MADT. */
static bool find_cpus(uint64_t rsdp, unsigned max_cpus, struct madt_cpus *m)
{
	const char *why;
	if (max_cpus == 1) {
		kprintf("cpu: cpus=1: one CPU\n");
		return false;
	}
	int rc = acpi_find_cpus(rsdp, m, &why);
	if (rc < 0)
		kprintf("cpu: no usable ACPI MADT (%s): one CPU\n", why);
	if (rc)
		return false;
	if (m->over_limit || m->x2apic)
		kprintf("cpu: %u CPUs of the MADT not used (the kernel starts at most %d, "
			"each with an xAPIC ID below 255)\n",
			m->over_limit + m->x2apic, ACPI_MAX_CPUS);
	return true;
}

void smp_start(const struct boot_info *bi, unsigned max_cpus, unsigned flags)
{
	static const uint8_t halt[] = {0xfa, 0xf4, 0xeb, 0xfd}; /* 1: cli; hlt; jmp 1b */
	struct madt_cpus m;
	uint64_t rsdp = flags & SMP_SCAN_BIOS ? 0 : bi->rsdp_phys;
	cpu_self.apic_id = lapic_id();
	if (!find_cpus(rsdp, max_cpus, &m) || m.n < 2)
		return; /* one CPU: nothing to start, and nothing new to say */
	uint64_t page = trampoline_page(bi);
	if (!page) {
		kprintf("cpu: no free page below 640 KiB for the start-up code: one CPU\n");
		return;
	}
	if (flags & SMP_SILENT_APS)
		memcpy(phys_to_virt(page), halt, sizeof(halt));
	else
		memcpy(phys_to_virt(page), ap_trampoline,
		       (size_t)(ap_trampoline_end - ap_trampoline));
	unsigned want = max_cpus ? max_cpus : ACPI_MAX_CPUS;
	entry_mp = true; /* before any other CPU reads it in ap_main() */
	for (unsigned i = 0; i < m.n && smp_ncpus < want; i++) {
		if (m.apic_id[i] == cpu_self.apic_id)
			continue;
		if (!ap_window(smp_ncpus, m.apic_id[i])) {
			kprintf("cpu: %u (apic id %u) not started: no %u contiguous free pages "
				"below 4 GiB for its window and page tables\n",
				smp_ncpus, m.apic_id[i], window_pages());
			break;
		}
		/* The window before the count, released: smp_cpu() and
		 * percpu_of() trust every index below smp_ncpus to have one.
		 * One given up keeps its pages: it never runs again, but
		 * nothing of its may be reused either. */
		if (ap_start(smp_cpu(smp_ncpus), (uint32_t)(page >> 12)))
			__atomic_store_n(&smp_ncpus, smp_ncpus + 1, __ATOMIC_RELEASE);
	}
	entry_mp = smp_ncpus > 1;
	syscall_msr_init(); /* this CPU's entry as the others' */
	kprintf("cpu: %u of %u CPUs up (the boot processor is apic id %u; MADT through %s)\n",
		smp_ncpus, m.n, cpu_self.apic_id,
		rsdp ? "the loader's RSDP" : "an RSDP in the BIOS areas");
}
