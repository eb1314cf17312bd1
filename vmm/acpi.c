/* The ACPI tables that tell a guest its processors: an RSDP, an RSDT and a MADT, nothing else. */
#include <errno.h>
#include <string.h>

#include "acpi.h"

#define ALIGN16(x) (((x) + 15u) & ~(size_t)15u)
#define RSDT_OFF ALIGN16(sizeof(struct acpi_rsdp))
#define RSDT_LEN (sizeof(struct acpi_sdt_header) + sizeof(uint32_t))
#define MADT_OFF (RSDT_OFF + ALIGN16(RSDT_LEN))
#define MADT_CPUS_MAX 255 /* 0xff is the broadcast APIC ID */

static size_t madt_len(unsigned ncpus)
{
	return sizeof(struct acpi_madt) + ncpus * sizeof(struct acpi_madt_lapic) +
	       sizeof(struct acpi_madt_ioapic);
}

size_t acpi_tables_size(unsigned ncpus)
{
	return MADT_OFF + madt_len(ncpus);
}

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	while (len--)
		sum = (uint8_t)(sum + *b++);
	return (uint8_t)-sum;
}

static void header(struct acpi_sdt_header *h, const char *sig, size_t len, uint8_t revision)
{
	memcpy(h->signature, sig, sizeof(h->signature));
	h->length = (uint32_t)len;
	h->revision = revision;
	memcpy(h->oem_id, ACPI_SHOJI_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, ACPI_SHOJI_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	memcpy(&h->creator_id, "SHOJ", sizeof(h->creator_id));
	h->creator_revision = 1;
}

/* The MADT at @p: every vCPU's local APIC, then the I/O APIC. */
static void build_madt(uint8_t *p, unsigned ncpus)
{
	struct acpi_madt madt = {.lapic_address = ACPI_LAPIC_BASE, .flags = ACPI_MADT_PCAT_COMPAT};
	size_t off = sizeof(madt);

	header(&madt.h, ACPI_MADT_SIG, madt_len(ncpus), 1);
	memcpy(p, &madt, sizeof(madt));
	for (unsigned i = 0; i < ncpus; i++, off += sizeof(struct acpi_madt_lapic)) {
		struct acpi_madt_lapic l = {
		    .e = {ACPI_MADT_LOCAL_APIC, sizeof(l)},
		    .processor_uid = (uint8_t)i,
		    .apic_id = (uint8_t)i,
		    .flags = ACPI_MADT_LAPIC_ENABLED,
		};
		memcpy(p + off, &l, sizeof(l));
	}
	struct acpi_madt_ioapic io = {
	    .e = {ACPI_MADT_IO_APIC, sizeof(io)},
	    .address = ACPI_IOAPIC_BASE,
	};
	memcpy(p + off, &io, sizeof(io));
	p[offsetof(struct acpi_sdt_header, checksum)] = acpi_checksum(p, madt_len(ncpus));
}

int acpi_build(uint8_t *buf, size_t size, uint64_t at, unsigned ncpus)
{
	/* Every table below 4 GiB: the RSDT's entries are 32 bits. */
	if (!ncpus || ncpus > MADT_CPUS_MAX || at % ACPI_RSDP_ALIGN ||
	    at > (uint64_t)UINT32_MAX + 1 - acpi_tables_size(ncpus))
		return -EINVAL;
	if (size < acpi_tables_size(ncpus))
		return -ENOSPC;
	memset(buf, 0, acpi_tables_size(ncpus));

	struct acpi_rsdp rsdp = {.revision = 0, .rsdt_address = (uint32_t)(at + RSDT_OFF)};
	memcpy(rsdp.signature, ACPI_RSDP_SIG, sizeof(rsdp.signature));
	memcpy(rsdp.oem_id, ACPI_SHOJI_OEM_ID, sizeof(rsdp.oem_id));
	rsdp.checksum = acpi_checksum(&rsdp, sizeof(rsdp));
	memcpy(buf, &rsdp, sizeof(rsdp));

	struct acpi_sdt_header rsdt;
	memset(&rsdt, 0, sizeof(rsdt));
	header(&rsdt, ACPI_RSDT_SIG, RSDT_LEN, 1);
	uint32_t madt_at = (uint32_t)(at + MADT_OFF);
	memcpy(buf + RSDT_OFF, &rsdt, sizeof(rsdt));
	memcpy(buf + RSDT_OFF + sizeof(rsdt), &madt_at, sizeof(madt_at));
	buf[RSDT_OFF + offsetof(struct acpi_sdt_header, checksum)] =
	    acpi_checksum(buf + RSDT_OFF, RSDT_LEN);

	build_madt(buf + MADT_OFF, ncpus);
	return 0;
}
