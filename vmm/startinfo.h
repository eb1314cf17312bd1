/* vmm/startinfo.c: the guest's physical boot layout, the PVH start info in it, and where the initrd
 * goes. */
#ifndef SHOJI_VMM_STARTINFO_H
#define SHOJI_VMM_STARTINFO_H

/* Conventions as in vmm/vmm.h: -errno, and *why on failure. */

#include <stdint.h>

#include "shoji/pvh.h"

#include "../loader/format/format.h"

#include "guest_mem.h"

/*
 *  0x0000_0000  RAM: free for the kernel (the probe guest ran below 0x8000)
 *  0x0000_6000  the start info region (loader/format/format.h lays it out:
 *               start info, module list, command line, memory map of
 *               BOOT_MEMMAP_MAX entries)                    BOOT_START_INFO
 *  0x0000_8000  RAM: free for the kernel                     BOOT_AREA_END
 *  0x0009_fc00  reserved up to 1 MiB (where a PC has EBDA, VGA, BIOS)
 *  0x000e_0000  with several vCPUs, the ACPI RSDP, RSDT and MADT
 *               (vmm/acpi.h), where ACPI 6.5 5.2.5.1 has OSPM search
 *               for an RSDP too                                 BOOT_ACPI
 *  0x0010_0000  kernel.elf PT_LOAD segments, by p_paddr
 *               RAM
 *  top - n      the initrd, page-aligned, ending at or below the top
 *  memory size  end of RAM (at most GUEST_MEM_MAX)
 */
#define BOOT_AREA_START 0x6000ull
#define BOOT_START_INFO 0x6000ull
#define BOOT_MEMMAP_MAX 8
#define BOOT_AREA_END 0x8000ull
#define BOOT_LOW_RAM_END 0x9fc00ull
#define BOOT_HIGH_RAM 0x100000ull
#define BOOT_ACPI 0xe0000ull
#define BOOT_ACPI_END BOOT_HIGH_RAM

_Static_assert(BOOT_START_INFO == BOOT_AREA_START, "the region opens the boot area");
_Static_assert(BOOT_START_INFO + START_INFO_MEMMAP_OFF +
		       BOOT_MEMMAP_MAX * sizeof(struct hvm_memmap_table_entry) <=
		   BOOT_AREA_END,
	       "the start info region fits the boot area");

/*
 * initrd_place - where the initrd goes: the highest page-aligned address
 * with [gpa, gpa + @size) inside RAM and at or above @kernel_end.
 * Returns 0 with *gpa, or -ENOSPC with *why when it does not fit.
 */
int initrd_place(const struct guest_mem *m, uint64_t size, gpa_t kernel_end, gpa_t *gpa,
		 const char **why);

/*
 * startinfo_build - clear the boot area and write the start info region
 * at BOOT_START_INFO (start_info_init), with this memory map: RAM [0,
 * BOOT_LOW_RAM_END), reserved [BOOT_LOW_RAM_END, BOOT_HIGH_RAM), RAM
 * [BOOT_HIGH_RAM, m->size).  The initrd bytes themselves are the caller's.
 * @m:        guest RAM, at least BOOT_HIGH_RAM + 1 page.
 * @cmdline:  NUL-terminated, at most SHOJI_CMDLINE_MAX bytes with the NUL
 *            ("" gives cmdline_paddr 0).
 * @initrd, @initrd_size: the module (size 0: no module is listed).
 * @rsdp:     the ACPI RSDP's address (startinfo_acpi), 0 for none.
 * Returns 0 with the start info's address in *start_info; -E2BIG with
 * *why for a long command line; -EINVAL with *why when RAM is too small
 * or the initrd is outside RAM.
 */
int startinfo_build(const struct guest_mem *m, const char *cmdline, gpa_t initrd,
		    uint64_t initrd_size, gpa_t rsdp, gpa_t *start_info, const char **why);

/*
 * startinfo_acpi - write the ACPI tables for @ncpus processors
 * (acpi_build) at BOOT_ACPI, in the reserved range below 1 MiB, where no
 * kernel allocates.  With one vCPU shoji writes none: no RSDP means one
 * processor, as a PC without ACPI or MP tables (vmm/boot.c).
 * Returns 0 with the RSDP's address in *rsdp; -EINVAL with *why when RAM
 * does not reach BOOT_ACPI_END or the tables do not fit below it.
 */
int startinfo_acpi(const struct guest_mem *m, unsigned ncpus, gpa_t *rsdp, const char **why);

#endif
