/* PVH boot protocol: the Xen hvm_start_info layout read by the kernel and
 * written by the VMM and the UEFI loader. */
#ifndef SHOJI_PVH_H
#define SHOJI_PVH_H

/*
 * Layout from Xen's public/arch-x86/hvm/start_info.h (version 1). The
 * kernel is entered in 32-bit protected mode, paging off, with EBX holding
 * the physical address of struct hvm_start_info.
 */
#define HVM_START_MAGIC 0x336ec578u
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#ifndef __ASSEMBLY__
#include <stdint.h>

struct hvm_start_info {
	uint32_t magic;	  /* HVM_START_MAGIC */
	uint32_t version; /* 0: no memory map; 1: memmap fields valid */
	uint32_t flags;
	uint32_t nr_modules; /* entries at modlist_paddr */
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr; /* NUL-terminated, 0 when none */
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

/* Memory map entry types are the E820 ones. */
#endif /* !__ASSEMBLY__ */

#define HVM_MEMMAP_TYPE_RAM 1
#define HVM_MEMMAP_TYPE_RESERVED 2
#define HVM_MEMMAP_TYPE_ACPI 3
#define HVM_MEMMAP_TYPE_NVS 4
#define HVM_MEMMAP_TYPE_UNUSABLE 5

#ifndef __ASSEMBLY__
struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info size");
_Static_assert(__builtin_offsetof(struct hvm_start_info, modlist_paddr) == 16,
	       "hvm_start_info.modlist_paddr");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_paddr) == 40,
	       "hvm_start_info.memmap_paddr");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry size");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry size");

#endif /* !__ASSEMBLY__ */

#endif
