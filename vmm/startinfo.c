/* The PVH start info, memory map, module list and command line, and where the initrd goes. */
#include <errno.h>
#include <string.h>

#include "vmm.h"

int initrd_place(const struct guest_mem *m, uint64_t size, gpa_t kernel_end, gpa_t *gpa,
		 const char **why)
{
	/* Top of RAM, rounded down to a page: far from the kernel's growth. */
	if (size > m->size) {
		*why = "the initrd is larger than guest memory; use a larger --memory";
		return -ENOSPC;
	}
	gpa_t at = (m->size - size) & ~(gpa_t)(GUEST_PAGE_SIZE - 1);
	if (at < kernel_end || at < BOOT_HIGH_RAM) {
		*why = "the initrd does not fit in guest memory above the kernel; use a larger "
		       "--memory";
		return -ENOSPC;
	}
	*gpa = at;
	return 0;
}

/* The E820-style map: a PC's low-memory hole is kept for kernels that expect it. */
static unsigned fill_memmap(struct hvm_memmap_table_entry *e, uint64_t ram)
{
	unsigned n = 0;
	e[n++] = (struct hvm_memmap_table_entry){0, BOOT_LOW_RAM_END, HVM_MEMMAP_TYPE_RAM, 0};
	e[n++] = (struct hvm_memmap_table_entry){BOOT_LOW_RAM_END, BOOT_HIGH_RAM - BOOT_LOW_RAM_END,
						 HVM_MEMMAP_TYPE_RESERVED, 0};
	e[n++] = (struct hvm_memmap_table_entry){BOOT_HIGH_RAM, ram - BOOT_HIGH_RAM,
						 HVM_MEMMAP_TYPE_RAM, 0};
	return n;
}

int startinfo_build(const struct guest_mem *m, const char *cmdline, gpa_t initrd,
		    uint64_t initrd_size, gpa_t *start_info, const char **why)
{
	size_t clen = strlen(cmdline) + 1;
	if (clen > SHOJI_CMDLINE_MAX) {
		*why = "kernel command line longer than 4095 bytes";
		return -E2BIG;
	}
	if (m->size < BOOT_HIGH_RAM + GUEST_PAGE_SIZE) {
		*why = "guest memory too small for the boot layout";
		return -EINVAL;
	}
	if (initrd_size && !guest_ptr(m, initrd, initrd_size)) {
		*why = "the initrd is outside guest memory";
		return -EINVAL;
	}

	struct hvm_start_info *si = guest_ptr(m, BOOT_START_INFO, sizeof(*si));
	struct hvm_memmap_table_entry *mm =
	    guest_ptr(m, BOOT_MEMMAP, BOOT_MEMMAP_MAX * sizeof(*mm));
	struct hvm_modlist_entry *mod = guest_ptr(m, BOOT_MODLIST, sizeof(*mod));
	char *cl = guest_ptr(m, BOOT_CMDLINE, SHOJI_CMDLINE_MAX);
	if (!si || !mm || !mod || !cl) {
		*why = "guest memory too small for the boot layout";
		return -EINVAL;
	}

	memset(guest_ptr(m, BOOT_AREA_START, BOOT_AREA_END - BOOT_AREA_START), 0,
	       BOOT_AREA_END - BOOT_AREA_START);
	memcpy(cl, cmdline, clen);
	*si = (struct hvm_start_info){
	    .magic = HVM_START_MAGIC,
	    .version = 1,
	    .cmdline_paddr = BOOT_CMDLINE,
	    .memmap_paddr = BOOT_MEMMAP,
	    .memmap_entries = fill_memmap(mm, m->size),
	};
	if (initrd_size) {
		*mod = (struct hvm_modlist_entry){.paddr = initrd, .size = initrd_size};
		si->nr_modules = 1;
		si->modlist_paddr = BOOT_MODLIST;
	}
	*start_info = BOOT_START_INFO;
	return 0;
}
