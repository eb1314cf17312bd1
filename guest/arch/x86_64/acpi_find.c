/* Finding the CPUs: the RSDP (the loader's, else the BIOS areas'), the root table, the MADT. */
#include "arch/x86_64/arch.h"
#include "core/kernel.h"
#include "loader/format/format.h"

/*
 * The tables are read out of physical memory a copy at a time
 * (paging_read_phys()) and judged by loader/format/acpi.c before a byte
 * of them is used.  One buffer of TABLE_MAX bytes on the kernel stack
 * holds the table being judged (not in the image, whose every page the
 * boot maps); longer tables are refused: an MADT for ACPI_MAX_CPUS CPUs
 * needs under 200 bytes, one for 255 about 2 KiB.
 */
#define TABLE_MAX 4096

/* The BIOS data area's pointer to the EBDA and the areas an OS scans for
 * the RSDP (ACPI 6.5, 5.2.5.1): the EBDA's first KiB, then 0xE0000-0xFFFFF. */
#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_SCAN 1024
#define BIOS_AREA 0xe0000
#define BIOS_AREA_END 0x100000

/* The RSDP in [phys, phys + len), read in pieces that overlap by an RSDP,
 * each 16-aligned; 0 when none. */
static uint64_t scan(uint8_t *table, uint64_t phys, uint64_t len)
{
	const uint64_t step = TABLE_MAX - 48;
	for (uint64_t at = 0; at < len; at += step) {
		uint64_t n = len - at < TABLE_MAX ? len - at : TABLE_MAX;
		if (!paging_read_phys(table, phys + at, n))
			return 0;
		size_t off = acpi_rsdp_scan(table, n);
		if (off < n)
			return phys + at + off;
	}
	return 0;
}

static uint64_t rsdp_scan(uint8_t *table)
{
	uint16_t seg = 0;
	uint64_t r = 0;
	if (paging_read_phys(&seg, BDA_EBDA_SEGMENT, sizeof(seg)) && seg)
		r = scan(table, (uint64_t)seg << 4, EBDA_SCAN);
	return r ? r : scan(table, BIOS_AREA, BIOS_AREA_END - BIOS_AREA);
}

/* The table at phys into table (TABLE_MAX bytes), whole and checked: sig
 * (or any when NULL), length, checksum.  Its length, or 0 with why. */
static uint32_t read_table(uint8_t *table, uint64_t phys, const char *sig, const char **why)
{
	uint32_t len;
	struct acpi_sdt_header h;
	if (!paging_read_phys(&h, phys, sizeof(h))) {
		*why = "an ACPI table lies beyond the physical address space";
		return 0;
	}
	if (acpi_table_length(&h, sizeof(h), &len, why))
		return 0;
	if (sig && __builtin_memcmp(h.signature, sig, 4)) {
		*why = "ACPI table signature does not match";
		return 0;
	}
	if (len > TABLE_MAX) {
		*why = "an ACPI table is longer than the kernel reads (4 KiB)";
		return 0;
	}
	if (!paging_read_phys(table, phys, len)) {
		*why = "an ACPI table lies beyond the physical address space";
		return 0;
	}
	return acpi_table_check(table, len, sig, why) ? 0 : len;
}

/* The MADT's address from the root table's entries, 0 with why when none. */
static uint64_t find_madt(uint8_t *table, const struct acpi_root *root, const char **why)
{
	uint32_t len =
	    read_table(table, root->table, root->xsdt ? ACPI_XSDT_SIG : ACPI_RSDT_SIG, why);
	size_t n = len ? acpi_root_count(table, len, root->xsdt) : 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t at = acpi_root_entry(table, root->xsdt, i);
		char sig[4];
		if (paging_read_phys(sig, at, sizeof(sig)) &&
		    !__builtin_memcmp(sig, ACPI_MADT_SIG, 4))
			return at;
	}
	if (len)
		*why = "the ACPI root table lists no MADT";
	return 0;
}

static int find_cpus(uint8_t *table, uint64_t rsdp_phys, struct madt_cpus *out, const char **why)
{
	struct acpi_root root;
	uint8_t rsdp[ACPI_RSDP_V2_LEN];

	if (!rsdp_phys && !(rsdp_phys = rsdp_scan(table))) {
		*why = "no RSDP from the loader or in the BIOS areas";
		return -SHOJI_EINVAL;
	}
	if (!paging_read_phys(rsdp, rsdp_phys, sizeof(rsdp))) {
		*why = "the RSDP lies beyond the physical address space";
		return -SHOJI_EINVAL;
	}
	if (acpi_rsdp_parse(rsdp, sizeof(rsdp), &root, why))
		return -SHOJI_EINVAL;
	uint64_t madt = find_madt(table, &root, why);
	uint32_t len = madt ? read_table(table, madt, ACPI_MADT_SIG, why) : 0;
	if (!len)
		return -SHOJI_EINVAL;
	return madt_parse(table, len, out, why);
}

int acpi_find_cpus(uint64_t rsdp_phys, struct madt_cpus *out, const char **why)
{
	uint8_t table[TABLE_MAX] __attribute__((aligned(16)));
	int err = find_cpus(table, rsdp_phys, out, why);
	paging_read_phys_end();
	return err;
}
