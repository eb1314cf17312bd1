/* The heap's page source: sys_map(), sys_unmap(); behind runtime.h for the unit tests. */
#include "runtime.h"

void *rt_pages_map(size_t len)
{
	long addr = sys_map(len, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	return addr < 0 ? NULL : (void *)addr;
}

void rt_pages_unmap(void *addr, size_t len)
{
	sys_unmap(addr, len);
}
