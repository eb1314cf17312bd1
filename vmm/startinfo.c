/* The PVH start info, memory map, module list and command line, and where the initrd goes. */
#include <errno.h>
#include <string.h>

#include "acpi.h"
#include "startinfo.h"
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
		    uint64_t initrd_size, gpa_t rsdp, gpa_t *start_info, const char **why)
{
	const struct start_info_params p = {cmdline, initrd, initrd_size, rsdp};
	const size_t area_size = BOOT_AREA_END - BOOT_AREA_START;
	const size_t region_size = start_info_size(BOOT_MEMMAP_MAX);
	struct start_info_layout l;
	int rc;

	if (m->size < BOOT_HIGH_RAM + GUEST_PAGE_SIZE) {
		*why = "guest memory too small for the boot layout";
		return -EINVAL;
	}
	if (initrd_size && !guest_ptr(m, initrd, initrd_size)) {
		*why = "the initrd is outside guest memory";
		return -EINVAL;
	}
	uint8_t *area = guest_ptr(m, BOOT_AREA_START, area_size);
	rc = start_info_init(area, area_size, BOOT_START_INFO, BOOT_MEMMAP_MAX, &p, &l, why);
	if (rc)
		return rc == -SHOJI_EMSGSIZE ? -E2BIG : -EINVAL;
	memset(area + region_size, 0, area_size - region_size); /* the rest of the boot area */
	if (start_info_set_memmap(&l, fill_memmap(l.memmap, m->size), why))
		return -EINVAL;
	*start_info = l.si_phys;
	return 0;
}

int startinfo_acpi(const struct guest_mem *m, unsigned ncpus, gpa_t *rsdp, const char **why)
{
	uint8_t *area = guest_ptr(m, BOOT_ACPI, BOOT_ACPI_END - BOOT_ACPI);
	if (!area) {
		*why = "guest memory too small for the ACPI tables";
		return -EINVAL;
	}
	if (acpi_build(area, BOOT_ACPI_END - BOOT_ACPI, BOOT_ACPI, ncpus)) {
		*why = "the ACPI tables do not fit below 1 MiB";
		return -EINVAL;
	}
	*rsdp = BOOT_ACPI;
	return 0;
}
