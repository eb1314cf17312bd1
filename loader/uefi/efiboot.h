/* loader/uefi/: the pure parts of the UEFI loader (memory map, config, kernel ELF, boot data). */
#ifndef SHOJI_LOADER_EFI_EFIBOOT_H
#define SHOJI_LOADER_EFI_EFIBOOT_H

/*
 * Everything declared here works on plain buffers: no UEFI call, no
 * allocation, no library function beyond the compiler's memcpy/memset.
 * That keeps these files free of gnu-efi's <efi.h>, so that they compile
 * both into BOOTX64.EFI (efi.mk) and, with the host flags, into the cmocka
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

#define EFI_KERNEL_MAX_SEGMENTS 16

struct efi_kernel_segment {
	uint64_t paddr;	 /* where it is loaded (p_paddr) */
	uint64_t memsz;	 /* > 0: empty PT_LOADs are dropped */
	uint64_t offset; /* file offset of the first byte */
	uint64_t filesz; /* bytes from the file; the rest up to memsz is zero */
};

/* Whole pages to allocate: the segments' pages, where neighbours that
 * share or touch a page are one range. */
struct efi_kernel_range {
	uint64_t lo, hi; /* page-aligned, lo < hi */
};

struct efi_kernel {
	uint32_t entry; /* the PVH 32-bit entry (XEN_ELFNOTE_PHYS32_ENTRY) */
	uint64_t lo;	/* lowest loaded address, rounded down to a page */
	uint64_t hi;	/* end of the highest segment, rounded up to a page */
	unsigned nseg;	/* 1..EFI_KERNEL_MAX_SEGMENTS */
	struct efi_kernel_segment seg[EFI_KERNEL_MAX_SEGMENTS]; /* PT_LOAD, sorted by paddr */
	unsigned nrange;					/* 1..nseg */
	struct efi_kernel_range range[EFI_KERNEL_MAX_SEGMENTS]; /* sorted, not touching */
};

/*
 * efi_kernel_parse - validate a PVH kernel and describe how to load it.
 * @file, @size: the kernel.elf bytes (any alignment).
 * @out: filled on success; unspecified after a failure.
 * Checks: ELF identification (magic, 64-bit, little-endian, version),
 * x86-64, ET_EXEC; program headers of 56 bytes inside the file; each
 * non-empty PT_LOAD: filesz <= memsz, its file bytes inside the file, its
 * physical range [p_paddr, p_paddr + p_memsz) inside the first 4 GiB (the
 * PVH entry runs with paging off) and not overlapping another PT_LOAD; at
 * least one and at most EFI_KERNEL_MAX_SEGMENTS; notes inside the file
 * and well-formed; a "Xen" note of type XEN_ELFNOTE_PHYS32_ENTRY (18) with
 * a 4- or 8-byte descriptor holding an address below 4 GiB that lies in a
 * loaded segment's file bytes.  Notes are found through PT_NOTE headers.
 * out->range lists the pages to allocate: each segment's pages, merged
 * where segments share or touch a page (a sparse kernel does not claim
 * the gaps between its segments).
 * Returns 0, or -SHOJI_EINVAL with *why naming the failed check.
 */
int efi_kernel_parse(const void *file, size_t size, struct efi_kernel *out, const char **why);

/* ==================================================================== */
/* The boot data handed to the kernel (bootdata.c)                      */
/* ==================================================================== */

/*
 * One region below 1 GiB (the kernel reads the start info, the module list,
 * the command line and the memory map through its boot mapping of the first
 * GiB, guest/core/bootinfo.c), laid out as:
 *
 *   phys + 0                     struct hvm_start_info
 *   phys + EFIBOOT_MODLIST_OFF   struct hvm_modlist_entry (the initrd)
 *   phys + EFIBOOT_CMDLINE_OFF   the command line, SHOJI_CMDLINE_MAX bytes
 *   phys + EFIBOOT_MEMMAP_OFF    struct hvm_memmap_table_entry[memmap_cap]
 */
#define EFIBOOT_MODLIST_OFF 64u
#define EFIBOOT_CMDLINE_OFF 128u
#define EFIBOOT_MEMMAP_OFF (EFIBOOT_CMDLINE_OFF + SHOJI_CMDLINE_MAX)
#define EFIBOOT_LOW_LIMIT (1ull << 30) /* the region must end at or below this */

_Static_assert(EFIBOOT_MODLIST_OFF >= sizeof(struct hvm_start_info), "start info fits");
_Static_assert(EFIBOOT_CMDLINE_OFF >= EFIBOOT_MODLIST_OFF + sizeof(struct hvm_modlist_entry),
	       "module list fits");
_Static_assert(EFIBOOT_MEMMAP_OFF % 8 == 0, "memory map aligned");

struct efi_bootdata {
	struct hvm_start_info *si; /* the region's start, as the loader sees it */
	uint64_t si_phys;	   /* its physical address: EBX at the kernel entry */
	struct hvm_modlist_entry *mod;
	char *cmdline;
	struct hvm_memmap_table_entry *memmap;
	size_t memmap_cap; /* entries memmap has room for */
};

/* efi_bootdata_size - bytes of the region for a memory map of @memmap_cap entries. */
size_t efi_bootdata_size(size_t memmap_cap);

/*
 * efi_bootdata_init - lay out and fill the region, all but the memory map.
 * @buf:  the region, efi_bootdata_size(memmap_cap) bytes, 8-byte aligned;
 *        zeroed here.
 * @phys: its physical address (the loader runs identity-mapped, so the
 *        same number as @buf there; the tests use any).
 * @memmap_cap: entries the memory map part has room for.
 * @cmdline: NUL-terminated, at most SHOJI_CMDLINE_MAX - 1 bytes (longer is
 *        cut; efi_config_parse never gives more); "" gives cmdline_paddr 0.
 * @initrd_phys, @initrd_size: the initrd; size 0 means none (nr_modules 0,
 *        modlist_paddr 0).
 * @rsdp_phys: the ACPI RSDP, 0 when unknown.
 * @bd:   filled with the pointers into the region.
 * The start info is magic HVM_START_MAGIC, version 1, with
 * memmap_paddr set and memmap_entries 0 until efi_bootdata_set_memmap.
 */
void efi_bootdata_init(void *buf, uint64_t phys, size_t memmap_cap, const char *cmdline,
		       uint64_t initrd_phys, uint64_t initrd_size, uint64_t rsdp_phys,
		       struct efi_bootdata *bd);

/* efi_bootdata_set_memmap - record that bd->memmap holds @entries entries
 * (written there by efi_memmap_to_e820); @entries <= bd->memmap_cap. */
void efi_bootdata_set_memmap(struct efi_bootdata *bd, uint32_t entries);

#endif
