/* The PKRU switch's state (the rules are in arch/x86_64/pkru.h). */
#include "arch/x86_64/pkru.h"
#include "isolation/isolation.h"

uint32_t pkru_loaded PERCPU;
uint64_t stat_wrpkru PERCPU_STAT;
uint8_t cpu_pku __attribute__((section(".cpu_tables")));
uint32_t expected_pkru __attribute__((section(".cpu_tables")));
volatile uint32_t *expected_pkru_alias PERCPU;

void pkru_init(void)
{
	if (cpu.pku)
		wrpkru(0); /* every key open: the kernel's rights */
	/* Without PKU every task is a process-mode task of key 0 (core/main.c
	 * refuses the other modes), whose PKRU is then the one "loaded". */
	pkru_loaded = cpu.pku ? 0 : pkru_only(0);
	cpu_pku = cpu.pku;
	/* The boot processor's window is the image's own pages; smp.c sets
	 * the other CPUs' alias. */
	expected_pkru_alias = phys_to_virt(kernel_virt_to_phys(&expected_pkru));
}
