/* shoji's console device: a whole buffer per VM exit, where COM1 costs two exits a byte. */
#include <shoji/abi.h>
#include "arch/x86_64/arch.h"

#define CPUID1_ECX_HYPERVISOR BIT(31) /* SDM Vol. 2A, CPUID, Table 3-10 */

bool hvcon_probe(void)
{
	uint32_t r[4];

	/* Only a hypervisor has the block; bare metal's leaf holds anything. */
	cpuid(1, 0, r);
	if (!(r[2] & CPUID1_ECX_HYPERVISOR))
		return false;
	cpuid(SHOJI_CPUID_HVCON, 0, r);
	return r[1] == SHOJI_HVCON_SIG_EBX && r[2] == SHOJI_HVCON_SIG_ECX &&
	       r[3] == SHOJI_HVCON_SIG_EDX;
}

/* The physical address of kernel memory: the image (this CPU's window,
 * its stack, included: kernel_virt_to_phys()) or the physmap. */
static uint64_t kernel_phys(const void *p)
{
	uint64_t va = (uint64_t)p;
	return va >= KERNEL_VMA ? kernel_virt_to_phys(p) : va - PHYSMAP_BASE;
}

void hvcon_write(const char *s, size_t len, uint32_t flags)
{
	/* On this CPU's kernel stack: below 4 GiB (smp.c keeps every
	 * window there), as the 32-bit OUT needs.  shoji has read it when the OUT completes. */
	struct shoji_hvcon_req req = {.flags = flags};
	uint32_t at = (uint32_t)kernel_phys(&req);

	while (len) {
		req.addr = kernel_phys(s);
		req.len = len < SHOJI_HVCON_MAX ? (uint32_t)len : SHOJI_HVCON_MAX;
		outl(SHOJI_PORT_HVCON, at);
		s += req.len;
		len -= req.len;
	}
}
