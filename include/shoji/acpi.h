/* ACPI tables that describe the processors: RSDP, RSDT and MADT, as shoji writes them and a kernel
 * reads them. */
#ifndef SHOJI_ACPI_H
#define SHOJI_ACPI_H

/*
 * Layouts from the ACPI Specification 6.5: the RSDP (5.2.5.3), the
 * system description table header (5.2.6), the RSDT (5.2.7) and the
 * MADT (5.2.12) with its Processor Local APIC (5.2.12.2) and I/O APIC
 * (5.2.12.3) entries.  Every table's bytes, its header included, sum
 * to 0 mod 256; the RSDP's first 20 bytes do (revision 0, ACPI 1.0,
 * which is what QEMU's PC firmware gives too: an RSDT, no XSDT).
 */
#include <stdint.h>

#define ACPI_RSDP_SIG "RSD PTR " /* 8 bytes, no NUL */
#define ACPI_RSDT_SIG "RSDT"
#define ACPI_MADT_SIG "APIC"
#define ACPI_RSDP_V1_LEN 20 /* what the revision 0 checksum covers */
#define ACPI_RSDP_ALIGN 16  /* a BIOS-area RSDP sits on a 16-byte boundary (5.2.5.1) */

#define ACPI_MADT_PCAT_COMPAT (1u << 0) /* dual 8259s present (5.2.12) */
#define ACPI_MADT_LOCAL_APIC 0		/* entry types (5.2.12) */
#define ACPI_MADT_IO_APIC 1
#define ACPI_MADT_LAPIC_ENABLED (1u << 0) /* usable processor (5.2.12.2) */

#define ACPI_LAPIC_BASE 0xfee00000u /* the local APIC's default base (SDM Vol. 3A 11.4.1) */
#define ACPI_IOAPIC_BASE 0xfec00000u

struct __attribute__((packed)) acpi_rsdp {
	char signature[8];
	uint8_t checksum; /* the first 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0, these 20 bytes only */
	uint32_t rsdt_address;
};

struct __attribute__((packed)) acpi_sdt_header {
	char signature[4];
	uint32_t length; /* the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
};

/* The MADT's fixed part; its entries follow, each opening with its type
 * and length, so a reader steps over types it does not know. */
struct __attribute__((packed)) acpi_madt {
	struct acpi_sdt_header h;
	uint32_t lapic_address;
	uint32_t flags;
};

struct __attribute__((packed)) acpi_madt_entry {
	uint8_t type;
	uint8_t length;
};

struct __attribute__((packed)) acpi_madt_lapic {
	struct acpi_madt_entry e; /* ACPI_MADT_LOCAL_APIC, 8 */
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags; /* ACPI_MADT_LAPIC_ENABLED */
};

struct __attribute__((packed)) acpi_madt_ioapic {
	struct acpi_madt_entry e; /* ACPI_MADT_IO_APIC, 12 */
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
};

_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V1_LEN, "RSDP revision 0 is 20 bytes");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "ACPI table header is 36 bytes");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT entries start at offset 44");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "Processor Local APIC entry is 8 bytes");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "I/O APIC entry is 12 bytes");

#endif
