/* loader/uefi/: the pure parts of the UEFI loader (memory map, config, kernel ELF, boot data). */
#ifndef SHOJI_LOADER_EFI_EFIBOOT_H
#define SHOJI_LOADER_EFI_EFIBOOT_H

/*
 * Everything declared here works on plain buffers: no UEFI call, no
 * allocation, no library function beyond the compiler's memcpy/memset.
 * That keeps these files free of gnu-efi's <efi.h>, so that they compile
 * both into BOOTX64.EFI (uefi.mk) and, with the host flags, into the cmocka
 * tests (tests/unit/test_efi_*.c).  main.c holds everything that talks to
 * the firmware, and trampoline.S the switch from long mode to the PVH entry.
 *
 * Conventions (as in loader/format/format.h): errors are negative SHOJI_E* codes;
 * a function taking `const char **why` sets *why on failure to a constant
 * human-readable reason, and leaves it alone on success.
 */

#include <stddef.h>
#include <stdint.h>

#include "shoji/abi.h"
#include "shoji/pvh.h"

#include "loader/format/format.h"

#define EFIBOOT_PAGE_SIZE 4096u

/* Names of the files the loader reads, next to BOOTX64.EFI on the ESP. */
#define EFIBOOT_KERNEL_FILE "kernel.elf"
#define EFIBOOT_INITRD_FILE "initrd.cpio"
#define EFIBOOT_CONFIG_FILE "shoji.cfg"

/* ==================================================================== */
/* UEFI memory map -> PVH (E820-style) memory map (memmap.c)            */
/* ==================================================================== */

/*
 * EFI_MEMORY_DESCRIPTOR as GetMemoryMap() returns it (UEFI 2.10, 7.2
 * "EFI_BOOT_SERVICES.GetMemoryMap()").  The firmware's descriptor size may
 * be larger than this struct (OVMF: 48): step through the map by the
 * DescriptorSize it returns, never by sizeof.
 */
struct uefi_memory_descriptor {
	uint32_t type; /* UEFI_MEM_* */
	uint32_t pad;
	uint64_t physical_start; /* 4 KiB aligned */
	uint64_t virtual_start;
	uint64_t number_of_pages; /* of EFIBOOT_PAGE_SIZE */
	uint64_t attribute;
};
_Static_assert(sizeof(struct uefi_memory_descriptor) == 40, "EFI_MEMORY_DESCRIPTOR size");
_Static_assert(offsetof(struct uefi_memory_descriptor, physical_start) == 8,
	       "EFI_MEMORY_DESCRIPTOR.PhysicalStart");
_Static_assert(offsetof(struct uefi_memory_descriptor, virtual_start) == 16,
	       "EFI_MEMORY_DESCRIPTOR.VirtualStart");
_Static_assert(offsetof(struct uefi_memory_descriptor, number_of_pages) == 24,
	       "EFI_MEMORY_DESCRIPTOR.NumberOfPages");
_Static_assert(offsetof(struct uefi_memory_descriptor, attribute) == 32,
	       "EFI_MEMORY_DESCRIPTOR.Attribute");

/* EFI_MEMORY_TYPE values (UEFI 2.10, 7.2, table "Memory Type Usage"). */
enum uefi_memory_type {
	UEFI_MEM_RESERVED = 0,
	UEFI_MEM_LOADER_CODE = 1,
	UEFI_MEM_LOADER_DATA = 2,
	UEFI_MEM_BOOT_SERVICES_CODE = 3,
	UEFI_MEM_BOOT_SERVICES_DATA = 4,
	UEFI_MEM_RUNTIME_SERVICES_CODE = 5,
	UEFI_MEM_RUNTIME_SERVICES_DATA = 6,
	UEFI_MEM_CONVENTIONAL = 7,
	UEFI_MEM_UNUSABLE = 8,
	UEFI_MEM_ACPI_RECLAIM = 9,
	UEFI_MEM_ACPI_NVS = 10,
	UEFI_MEM_MMIO = 11,
	UEFI_MEM_MMIO_PORT_SPACE = 12,
	UEFI_MEM_PAL_CODE = 13,
	UEFI_MEM_PERSISTENT = 14,
	UEFI_MEM_UNACCEPTED = 15,
};

/*
 * efi_memtype_to_e820 - the PVH memory map type for a UEFI memory type.
 * After ExitBootServices the kernel owns conventional memory and what the
 * boot services and the loader used (UEFI 2.10, 7.2, "Memory Type Usage
 * after ExitBootServices()"): those are RAM.  ACPI reclaim, ACPI NVS and
 * unusable memory keep their E820 types; everything else (runtime
 * services, MMIO, reserved, persistent, unaccepted, unknown) is reserved.
 */
uint32_t efi_memtype_to_e820(uint32_t uefi_type);

/*
 * efi_memmap_to_e820 - convert a UEFI memory map to the start info's one.
 * @map, @map_size, @desc_size: the map as GetMemoryMap() returned it
 *        (@desc_size >= sizeof(struct uefi_memory_descriptor), a multiple
 *        of 8; @map_size a multiple of @desc_size).  @map may be unaligned
 *        only to the extent the caller's platform allows; it is read with
 *        memcpy.
 * @out, @cap: the table to fill; one entry per non-empty descriptor is the
 *        most it ever needs, so @cap >= map_size / desc_size always fits.
 * The result is sorted by address, types converted by efi_memtype_to_e820,
 * empty descriptors dropped, and touching entries of the same type merged
 * (so RAM split by the firmware into loader, boot services and free
 * memory comes out as one range).  Overlaps (a firmware bug) are resolved
 * so that RAM never grows: where a RAM range and another type overlap, the
 * other type wins, and the part of the RAM range past the other one is
 * dropped; where two non-RAM types overlap, the lower-addressed entry
 * keeps the overlap.  Never allocates: it may run after ExitBootServices.
 * Returns the number of entries written (0 for an empty map), or
 * -SHOJI_EINVAL with *why for a bad @desc_size or @map_size or a
 * descriptor whose range wraps past 2^64; -SHOJI_ENOMEM with *why when
 * more than @cap entries are needed.
 */
int efi_memmap_to_e820(const void *map, size_t map_size, size_t desc_size,
		       struct hvm_memmap_table_entry *out, size_t cap, const char **why);

/* ==================================================================== */
/* shoji.cfg: the kernel command line (config.c)                        */
/* ==================================================================== */

/*
 * efi_config_parse - the kernel command line from the bytes of shoji.cfg.
 * @text, @len: the file (no NUL needed; @text may be NULL when @len is 0).
 * @out, @cap: where the NUL-terminated command line goes; @cap >= 1
 *        (the loader passes SHOJI_CMDLINE_MAX).
 * Format: lines end with "\n" or "\r\n" (the last one may have no end).
 * A '#' at the start of a line or after a blank (space or tab) begins a
 * comment that runs to the end of the line; a '#' inside a word is kept
 * (task=hello:process:#1 keeps its argument).  Each line loses its
 * leading and trailing blanks; blank and comment-only lines are skipped;
 * the remaining lines are joined with one space.  So the usual file is a
 * single line, and a long command line may be split over several.  A
 * UTF-8 byte order mark at the start of the file is skipped.
 * Returns the length of the command line (0: empty, the kernel then runs
 * no task), or -SHOJI_EINVAL with *why for a NUL or another control
 * character (tab excepted) or a '\r' not followed by '\n';
 * -SHOJI_EMSGSIZE with *why when the command line needs more than cap - 1
 * bytes.  On failure @out holds an empty string.
 */
int efi_config_parse(const char *text, size_t len, char *out, size_t cap, const char **why);

/* ==================================================================== */
/* kernel.elf: a PVH kernel loaded at its physical addresses (kernel.c) */
/* ==================================================================== */

/* Whole pages to allocate: the segments' pages, where neighbours that
 * share or touch a page are one range. */
struct efi_kernel_range {
	uint64_t lo, hi; /* page-aligned, lo < hi */
};

struct efi_kernel {
	struct kernel_elf elf; /* entry and segments (sorted by paddr) */
	uint64_t lo;	       /* lowest loaded address, rounded down to a page */
	uint64_t hi;	       /* end of the highest segment, rounded up to a page */
	unsigned nrange;       /* 1..elf.nseg */
	struct efi_kernel_range range[KERNEL_ELF_MAX_SEGMENTS]; /* sorted, not touching */
};

/*
 * efi_kernel_parse - validate a PVH kernel and describe how to load it.
 * @file, @size: the kernel.elf bytes (any alignment).
 * @out: filled on success; unspecified after a failure.
 * The checks are kernel_elf_check's (loader/format/format.h: the rules
 * every boot path shares).  out->range lists the pages to allocate: each
 * segment's pages, merged where segments share or touch a page (a sparse
 * kernel does not claim the gaps between its segments).
 * Returns 0, or -SHOJI_EINVAL with *why naming the failed check.
 */
int efi_kernel_parse(const void *file, size_t size, struct efi_kernel *out, const char **why);

/* ==================================================================== */
/* The boot data handed to the kernel (bootdata.c)                      */
/* ==================================================================== */

/*
 * The start info region (loader/format/format.h lays it out and fills it:
 * start_info_size, start_info_init), in pages the loader allocates below
 * EFIBOOT_LOW_LIMIT; its memory map is the firmware's, converted at the
 * last moment, after ExitBootServices.
 */
#define EFIBOOT_LOW_LIMIT START_INFO_LIMIT /* the region must end at or below this */

/*
 * efi_bootdata_set_memmap - the UEFI memory map, converted by
 * efi_memmap_to_e820 straight into the region's memory map, recorded in
 * the start info.  Never allocates: it runs after ExitBootServices.
 * @bd:   the region, from start_info_init.
 * @map, @map_size, @desc_size: as GetMemoryMap() returned them.
 * Returns the number of entries (> 0), or a negative SHOJI_E* code with
 * *why: efi_memmap_to_e820's errors, or start_info_set_memmap's for an
 * empty map.
 */
int efi_bootdata_set_memmap(const struct start_info_layout *bd, const void *map, size_t map_size,
			    size_t desc_size, const char **why);

#endif
