/* The PKRU switch's state (the rules are in arch/x86_64/pkru.h). */
#include "arch/x86_64/pkru.h"

uint32_t pkru_loaded;
uint64_t stat_wrpkru;
uint8_t cpu_pku __attribute__((section(".cpu_tables")));
uint32_t expected_pkru __attribute__((section(".cpu_tables")));

void pkru_init(void)
{
	if (cpu.pku)
		wrpkru(0); /* every key open: the kernel's rights */
	pkru_loaded = 0;
	cpu_pku = cpu.pku;
}
