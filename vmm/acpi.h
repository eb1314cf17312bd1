/* Interface of vmm/acpi.c: the ACPI tables that tell a guest its processors (RSDP, RSDT, MADT). */
#ifndef SHOJI_VMM_ACPI_H
#define SHOJI_VMM_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "shoji/acpi.h"

/* OEM fields of every table shoji writes. */
#define ACPI_SHOJI_OEM_ID "SHOJI "     /* 6 bytes */
#define ACPI_SHOJI_TABLE_ID "SHOJIVMM" /* 8 bytes */

/*
 * acpi_tables_size - how many bytes acpi_build needs for @ncpus processors.
 */
size_t acpi_tables_size(unsigned ncpus);

/*
 * acpi_build - write the RSDP (revision 0), an RSDT listing one table,
 * and a MADT into @buf, which the guest sees at physical @at (16-byte
 * aligned, below 4 GiB: the RSDP's RSDT address is 32 bits).
 * The MADT has the local APIC address ACPI_LAPIC_BASE, PCAT_COMPAT (KVM's
 * in-kernel PICs), one enabled Processor Local APIC entry per vCPU i,
 * 0 <= i < @ncpus, with processor UID i and APIC ID i (KVM gives vCPU i
 * APIC ID i: cpuid_set_topology, vmm/cpuid.h, says the same in CPUID), then KVM's
 * I/O APIC: ID 0 at ACPI_IOAPIC_BASE, GSI base 0.  No interrupt source
 * overrides: KVM's default routing sends ISA IRQ n to I/O APIC pin n.
 * Returns 0 (the RSDP opens @buf), or -ENOSPC when @size is less
 * than acpi_tables_size(@ncpus), -EINVAL when @ncpus is 0 or above 255
 * (an APIC ID in this entry is 8 bits) or @at is misaligned or too high.
 */
int acpi_build(uint8_t *buf, size_t size, uint64_t at, unsigned ncpus);

/* acpi_checksum - the byte that makes @len bytes at @p sum to 0 when
 * stored in place of one holding 0. */
uint8_t acpi_checksum(const void *p, size_t len);

#endif
