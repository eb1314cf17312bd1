/* What the PVH start info tells the kernel (bootinfo.c). */
#ifndef CORE_BOOTINFO_H
#define CORE_BOOTINFO_H

#include <stdint.h>
#include <shoji/abi.h>

#define BOOT_MAX_RANGES 32
struct boot_info {
	uint64_t ram_start[BOOT_MAX_RANGES], ram_end[BOOT_MAX_RANGES];
	unsigned nranges;
	/* Physical ranges the loader used that must not be allocated. */
	uint64_t used_start[8], used_end[8];
	unsigned nused;
	uint64_t initrd_phys, initrd_size; /* 0 when no module */
	uint64_t rsdp_phys;		   /* the ACPI RSDP the loader found, 0 when none */
	char cmdline[SHOJI_CMDLINE_MAX];
};
/* Copies what the kernel needs out of the start info at start_info_phys
 * (still reached through the boot mapping of the first GiB); panics with
 * the reason when the magic, version or a pointer is wrong. */
void bootinfo_read(uint32_t start_info_phys, struct boot_info *bi);

#endif
