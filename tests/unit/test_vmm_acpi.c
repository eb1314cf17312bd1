/* Unit tests for the ACPI tables shoji gives a guest with several vCPUs (vmm/acpi.c,
 * vmm/startinfo.c's startinfo_acpi). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/format/format.h"
#include "../../vmm/acpi.h"
#include "../../vmm/startinfo.h"

#define AT 0xe0000u

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Reads the tables the way a kernel does: RSDP, its RSDT, the MADT it
 * lists; checks every checksum and length; returns the MADT. */
static const uint8_t *walk(const uint8_t *buf, size_t size, uint64_t at)
{
	assert_memory_equal(buf, "RSD PTR ", 8);
	assert_int_equal(sum(buf, ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(buf[15], 0); /* revision 0: ACPI 1.0, an RSDT */
	uint32_t rsdt = le32(buf + 16);
	assert_true(rsdt >= at && rsdt - at + 40 <= size);
	const uint8_t *r = buf + (rsdt - at);
	assert_memory_equal(r, "RSDT", 4);
	uint32_t rlen = le32(r + 4);
	assert_int_equal(rlen, 36 + 4); /* one entry */
	assert_int_equal(sum(r, rlen), 0);
	uint32_t madt = le32(r + 36);
	assert_true(madt >= at && madt - at + 44 <= size);
	const uint8_t *t = buf + (madt - at);
	assert_memory_equal(t, "APIC", 4);
	uint32_t mlen = le32(t + 4);
	assert_true(madt - at + mlen <= size);
	assert_int_equal(sum(t, mlen), 0);
	assert_int_equal(le32(t + 36), 0xfee00000u);
	assert_int_equal(le32(t + 40) & ACPI_MADT_PCAT_COMPAT, ACPI_MADT_PCAT_COMPAT);
	return t;
}

/* One enabled local APIC entry per CPU, UID and APIC ID i, then one I/O APIC. */
static void check_madt(unsigned ncpus)
{
	size_t size = acpi_tables_size(ncpus);
	uint8_t *buf = malloc(size + 64);
	assert_non_null(buf);
	memset(buf, 0xee, size + 64);
	assert_int_equal(acpi_build(buf, size, AT, ncpus), 0);
	for (unsigned i = 0; i < 64; i++)
		assert_int_equal(buf[size + i], 0xee); /* nothing past what it said it needs */

	const uint8_t *t = walk(buf, size, AT);
	uint32_t mlen = le32(t + 4);
	assert_int_equal(mlen, 44 + 8 * ncpus + 12);
	unsigned lapics = 0, ioapics = 0;
	for (uint32_t off = 44; off < mlen;) {
		uint8_t type = t[off], len = t[off + 1];
		assert_true(len >= 2 && off + len <= mlen);
		if (type == ACPI_MADT_LOCAL_APIC) {
			assert_int_equal(len, 8);
			assert_int_equal(t[off + 2], lapics); /* processor UID */
			assert_int_equal(t[off + 3], lapics); /* APIC ID */
			assert_int_equal(le32(t + off + 4), ACPI_MADT_LAPIC_ENABLED);
			lapics++;
		} else {
			assert_int_equal(type, ACPI_MADT_IO_APIC);
			assert_int_equal(len, 12);
			assert_int_equal(le32(t + off + 4), 0xfec00000u);
			assert_int_equal(le32(t + off + 8), 0);
			ioapics++;
		}
		off += len;
	}
	assert_int_equal(lapics, ncpus);
	assert_int_equal(ioapics, 1);
	free(buf);
}

static void test_madt(void **state)
{
	static const unsigned counts[] = {1, 2, 3, 4, 8, 64, 255};
	for (unsigned i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		check_madt(counts[i]);
}

static void test_refused(void **state)
{
	uint8_t buf[4096];
	assert_int_equal(acpi_build(buf, sizeof(buf), AT, 0), -EINVAL);
	assert_int_equal(acpi_build(buf, sizeof(buf), AT, 256), -EINVAL); /* 8-bit APIC IDs */
	assert_int_equal(acpi_build(buf, sizeof(buf), AT + 8, 2), -EINVAL);
	assert_int_equal(acpi_build(buf, sizeof(buf), 0xffffff80ull, 2), -EINVAL); /* past 4 GiB */
	assert_int_equal(acpi_build(buf, sizeof(buf), 0x100000000ull - acpi_tables_size(1), 1), 0);
	assert_int_equal(acpi_build(buf, acpi_tables_size(4) - 1, AT, 4), -ENOSPC);
	assert_int_equal(acpi_build(buf, acpi_tables_size(4), AT, 4), 0);
}

/* In guest RAM: at BOOT_ACPI, in the reserved range, found by a BIOS-area search too. */
static void test_in_guest_ram(void **state)
{
	enum { RAM = 2u << 20 };
	struct guest_mem m;
	void *ram = calloc(1, RAM);
	const char *why = NULL;
	gpa_t rsdp = 0, si_at = 0;

	assert_non_null(ram);
	guest_mem_wrap(&m, ram, RAM);
	assert_int_equal(startinfo_acpi(&m, 4, &rsdp, &why), 0);
	assert_int_equal(rsdp, BOOT_ACPI);
	assert_true(rsdp >= BOOT_LOW_RAM_END && rsdp + acpi_tables_size(4) <= BOOT_HIGH_RAM);
	assert_int_equal(rsdp % ACPI_RSDP_ALIGN, 0);
	walk(guest_ptr(&m, rsdp, BOOT_ACPI_END - BOOT_ACPI), BOOT_ACPI_END - BOOT_ACPI, rsdp);
	assert_int_equal(startinfo_build(&m, "", 0, 0, rsdp, &si_at, &why), 0);
	const struct hvm_start_info *si = guest_ptr(&m, si_at, sizeof(*si));
	assert_int_equal(si->rsdp_paddr, BOOT_ACPI);
	free(ram);

	/* RAM that ends below 1 MiB has no room. */
	ram = calloc(1, BOOT_ACPI + 0x100);
	assert_non_null(ram);
	guest_mem_wrap(&m, ram, BOOT_ACPI + 0x100);
	assert_int_equal(startinfo_acpi(&m, 2, &rsdp, &why), -EINVAL);
	assert_string_equal(why, "guest memory too small for the ACPI tables");
	free(ram);
}

/* What shoji writes, read by the kernel's own parsers (loader/format/acpi.c),
 * as guest/arch/x86_64/acpi_find.c does: the same CPUs, in order, and the
 * RSDP found by the BIOS-area scan too. */
static void test_kernel_reads_it(void **state)
{
	static const unsigned counts[] = {2, 4, 8, 16};
	for (unsigned k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		unsigned n = counts[k];
		static uint8_t area[BOOT_ACPI_END - BOOT_ACPI];
		struct acpi_root root;
		struct madt_cpus cpus;
		const char *why = NULL;
		uint32_t len;

		memset(area, 0, sizeof(area));
		assert_int_equal(acpi_build(area, sizeof(area), BOOT_ACPI, n), 0);
		assert_int_equal(acpi_rsdp_scan(area, sizeof(area)), 0);
		assert_int_equal(acpi_rsdp_parse(area, sizeof(area), &root, &why), 0);
		assert_false(root.xsdt);
		const uint8_t *rsdt = area + (root.table - BOOT_ACPI);
		size_t left = sizeof(area) - (root.table - BOOT_ACPI);
		assert_int_equal(acpi_table_check(rsdt, left, ACPI_RSDT_SIG, &why), 0);
		assert_int_equal(acpi_table_length(rsdt, left, &len, &why), 0);
		assert_int_equal(acpi_root_count(rsdt, len, false), 1);
		uint64_t madt = acpi_root_entry(rsdt, false, 0);
		const uint8_t *t = area + (madt - BOOT_ACPI);
		left = sizeof(area) - (madt - BOOT_ACPI);
		assert_int_equal(acpi_table_check(t, left, ACPI_MADT_SIG, &why), 0);
		assert_int_equal(acpi_table_length(t, left, &len, &why), 0);
		assert_int_equal(madt_parse(t, len, &cpus, &why), 0);
		assert_int_equal(cpus.lapic_phys, ACPI_LAPIC_BASE);
		assert_int_equal(cpus.n, n);
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(cpus.apic_id[i], i);
		assert_int_equal(cpus.over_limit, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_madt),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_in_guest_ram),
	    cmocka_unit_test(test_kernel_reads_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
