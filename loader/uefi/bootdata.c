/* The PVH start info, module list, command line and memory map the UEFI loader hands over. */
#include "efiboot.h"

size_t efi_bootdata_size(size_t memmap_cap)
{
	return EFIBOOT_MEMMAP_OFF + memmap_cap * sizeof(struct hvm_memmap_table_entry);
}

void efi_bootdata_init(void *buf, uint64_t phys, size_t memmap_cap, const char *cmdline,
		       uint64_t initrd_phys, uint64_t initrd_size, uint64_t rsdp_phys,
		       struct efi_bootdata *bd)
{
	unsigned char *b = buf;
	size_t n = 0;

	__builtin_memset(buf, 0, efi_bootdata_size(memmap_cap));
	bd->si = buf;
	bd->si_phys = phys;
	bd->mod = (struct hvm_modlist_entry *)(b + EFIBOOT_MODLIST_OFF);
	bd->cmdline = (char *)(b + EFIBOOT_CMDLINE_OFF);
	bd->memmap = (struct hvm_memmap_table_entry *)(b + EFIBOOT_MEMMAP_OFF);
	bd->memmap_cap = memmap_cap;

	while (n < SHOJI_CMDLINE_MAX - 1 && cmdline[n]) {
		bd->cmdline[n] = cmdline[n];
		n++;
	}

	bd->si->magic = HVM_START_MAGIC;
	bd->si->version = 1; /* memmap fields valid */
	bd->si->cmdline_paddr = n ? phys + EFIBOOT_CMDLINE_OFF : 0;
	bd->si->rsdp_paddr = rsdp_phys;
	bd->si->memmap_paddr = phys + EFIBOOT_MEMMAP_OFF;
	if (initrd_size) {
		bd->mod->paddr = initrd_phys;
		bd->mod->size = initrd_size;
		bd->si->nr_modules = 1;
		bd->si->modlist_paddr = phys + EFIBOOT_MODLIST_OFF;
	}
}

void efi_bootdata_set_memmap(struct efi_bootdata *bd, uint32_t entries)
{
	bd->si->memmap_entries = entries;
}
