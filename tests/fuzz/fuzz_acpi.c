/* libFuzzer target: the ACPI parsers (loader/format/acpi.c) on hostile tables. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/format/format.h"

/*
 * The input is one table, fed to every parser at exactly its size (a
 * malloc'd copy, so ASan catches any read past it).  Properties:
 *  - an accepted MADT lists at most ACPI_MAX_CPUS distinct IDs, none 0xff;
 *  - the RSDP scan returns an aligned offset at which acpi_rsdp_parse
 *    accepts, or the length;
 *  - acpi_root_count's entries all lie inside the bytes given.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b = malloc(size ? size : 1);
	struct madt_cpus c;
	struct acpi_root r;
	const char *why;

	memcpy(b, data, size);
	if (!madt_parse(b, size, &c, &why)) {
		if (c.n > ACPI_MAX_CPUS)
			abort();
		for (unsigned i = 0; i < c.n; i++)
			for (unsigned j = i + 1; j < c.n; j++)
				if (c.apic_id[i] == c.apic_id[j] || c.apic_id[i] == 0xff)
					abort();
	}
	size_t off = acpi_rsdp_scan(b, size);
	if (off != size && (off % 16 || acpi_rsdp_parse(b + off, size - off, &r, &why)))
		abort();
	(void)acpi_table_check(b, size, "APIC", &why);
	for (int xsdt = 0; xsdt < 2; xsdt++) {
		size_t n = acpi_root_count(b, size, xsdt);
		if (n && ACPI_HEADER_LEN + n * (xsdt ? 8 : 4) > size)
			abort();
		for (size_t i = 0; i < n; i++)
			(void)acpi_root_entry(b, xsdt, i);
	}
	free(b);
	return 0;
}
