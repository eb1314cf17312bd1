/* Reading the PVH start info: memory map, command line, initrd and the RSDP's address. */
#include <shoji/pvh.h>
#include "core/bootinfo.h"
#include "core/console.h"
#include "arch/x86_64/arch.h"
#include "lib/lib.h"

/* Until paging_init the boot tables map only the first GiB, at KERNEL_VMA. */
#define EARLY_LIMIT (1ull << 30)

static const void *early_ptr(uint64_t phys, uint64_t len, const char *what)
{
	if (phys >= EARLY_LIMIT || len > EARLY_LIMIT - phys)
		panic("PVH %s at %lx (+%lx) is outside the first GiB the boot mapping covers", what,
		      phys, len);
	return (const void *)(KERNEL_VMA + phys);
}

static void add_used(struct boot_info *bi, uint64_t start, uint64_t len)
{
	if (bi->nused == sizeof(bi->used_start) / sizeof(bi->used_start[0]))
		panic("too many loader ranges to reserve");
	bi->used_start[bi->nused] = start;
	bi->used_end[bi->nused] = start + len;
	bi->nused++;
}

void bootinfo_read(uint32_t start_info_phys, struct boot_info *bi)
{
	const struct hvm_start_info *si = early_ptr(start_info_phys, sizeof(*si), "start info");

	if (si->magic != HVM_START_MAGIC)
		panic("PVH start info magic %x, expected %x: not booted through PVH?", si->magic,
		      HVM_START_MAGIC);
	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
		panic("PVH start info version %u has no memory map (version 1 needed)",
		      si->version);
	add_used(bi, start_info_phys, sizeof(*si));

	const struct hvm_memmap_table_entry *mm =
	    early_ptr(si->memmap_paddr, (uint64_t)si->memmap_entries * sizeof(*mm), "memory map");
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		if (mm[i].type != HVM_MEMMAP_TYPE_RAM || !mm[i].size)
			continue;
		if (bi->nranges == BOOT_MAX_RANGES) {
			kprintf("memory: more than %d RAM ranges, ignoring the rest\n",
				BOOT_MAX_RANGES);
			break;
		}
		bi->ram_start[bi->nranges] = mm[i].addr;
		bi->ram_end[bi->nranges] = mm[i].addr + mm[i].size;
		bi->nranges++;
	}

	bi->rsdp_phys = si->rsdp_paddr; /* only read through the checks of acpi_find.c */
	bi->cmdline[0] = 0;
	if (si->cmdline_paddr) {
		const char *c = early_ptr(si->cmdline_paddr, 1, "command line");
		size_t n = 0;
		while (c[n] && n + 1 < sizeof(bi->cmdline)) {
			early_ptr(si->cmdline_paddr + n, 1, "command line");
			bi->cmdline[n] = c[n];
			n++;
		}
		if (c[n])
			panic("kernel command line longer than %d bytes", SHOJI_CMDLINE_MAX - 1);
		bi->cmdline[n] = 0;
	}

	if (si->nr_modules) {
		const struct hvm_modlist_entry *m =
		    early_ptr(si->modlist_paddr, sizeof(*m), "module list");
		bi->initrd_phys = m->paddr;
		bi->initrd_size = m->size;
		add_used(bi, si->modlist_paddr, sizeof(*m) * si->nr_modules);
		add_used(bi, m->paddr, m->size);
		if (si->nr_modules > 1)
			kprintf("boot: %u modules given, using the first as the initrd\n",
				si->nr_modules);
	}
}
