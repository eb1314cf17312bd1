/* Unit tests for the ACPI parsers: RSDP, root table entries, the MADT's CPUs
 * (loader/format/acpi.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/format/format.h"

/* A table under construction: header, then entries appended. */
struct table {
	uint8_t b[1024];
	size_t len;
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Sets the header's length to t->len and its checksum (byte 9) so that the bytes sum to 0. */
static void seal(struct table *t)
{
	uint8_t s = 0;
	put32(t->b + 4, (uint32_t)t->len);
	t->b[9] = 0;
	for (size_t i = 0; i < t->len; i++)
		s = (uint8_t)(s + t->b[i]);
	t->b[9] = (uint8_t)-s;
}

static void madt_start(struct table *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, "APIC", 4);
	t->b[8] = 5; /* revision */
	put32(t->b + 36, 0xfee00000u);
	t->len = ACPI_MADT_FIXED;
}

static void add_lapic(struct table *t, uint8_t apic_id, uint32_t flags)
{
	uint8_t *e = t->b + t->len;
	e[0] = 0, e[1] = 8, e[2] = apic_id, e[3] = apic_id;
	put32(e + 4, flags);
	t->len += 8;
}

static void add_x2apic(struct table *t, uint32_t id, uint32_t flags)
{
	uint8_t *e = t->b + t->len;
	memset(e, 0, 16);
	e[0] = 9, e[1] = 16;
	put32(e + 4, id);
	put32(e + 8, flags);
	t->len += 16;
}

static void expect_madt_refused(const struct table *t, size_t len, const char *reason)
{
	struct madt_cpus c;
	const char *why = NULL;
	assert_int_equal(madt_parse(t->b, len, &c, &why), -SHOJI_EINVAL);
	assert_string_equal(why, reason);
}

static void test_madt_cpus(void **state)
{
	struct table t;
	struct madt_cpus c;
	const char *why = NULL;
	(void)state;
	madt_start(&t);
	add_lapic(&t, 0, 1);
	add_lapic(&t, 2, 1);
	add_lapic(&t, 3, 0); /* disabled: not usable */
	add_lapic(&t, 4, 2); /* online capable */
	add_lapic(&t, 2, 1); /* twice: counts once */
	add_x2apic(&t, 2, 1);
	add_x2apic(&t, 7, 1);
	add_x2apic(&t, 300, 1);		     /* beyond the xAPIC */
	t.b[t.len] = 1, t.b[t.len + 1] = 12; /* an I/O APIC: skipped */
	t.len += 12;
	seal(&t);
	assert_int_equal(acpi_table_check(t.b, t.len, "APIC", &why), 0);
	assert_int_equal(madt_parse(t.b, t.len, &c, &why), 0);
	assert_null(why);
	assert_int_equal(c.lapic_phys, 0xfee00000u);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.apic_id[0], 0);
	assert_int_equal(c.apic_id[1], 2);
	assert_int_equal(c.apic_id[2], 4);
	assert_int_equal(c.apic_id[3], 7);
	assert_int_equal(c.x2apic, 1);
	assert_int_equal(c.over_limit, 0);
}

static void test_madt_limit(void **state)
{
	struct table t;
	struct madt_cpus c;
	const char *why = NULL;
	(void)state;
	madt_start(&t);
	for (int i = 0; i < ACPI_MAX_CPUS + 3; i++)
		add_lapic(&t, (uint8_t)i, 1);
	seal(&t);
	assert_int_equal(madt_parse(t.b, t.len, &c, &why), 0);
	assert_int_equal(c.n, ACPI_MAX_CPUS);
	assert_int_equal(c.over_limit, 3);
	assert_int_equal(c.apic_id[ACPI_MAX_CPUS - 1], ACPI_MAX_CPUS - 1);
}

static void test_madt_hostile(void **state)
{
	struct table t;
	(void)state;
	madt_start(&t);
	add_lapic(&t, 0, 1);
	seal(&t);
	expect_madt_refused(&t, 20, "ACPI table header truncated");
	expect_madt_refused(&t, 40, "MADT shorter than its 44 fixed bytes");

	t.b[ACPI_MADT_FIXED + 1] = 0; /* entry length 0 would loop forever */
	expect_madt_refused(&t, t.len, "MADT entry of length 0 or 1");
	t.b[ACPI_MADT_FIXED + 1] = 9; /* one byte past the table */
	expect_madt_refused(&t, t.len, "MADT entry runs past the end of the table");
	t.b[ACPI_MADT_FIXED + 1] = 4;
	expect_madt_refused(&t, t.len, "MADT local APIC entry shorter than 8 bytes");

	madt_start(&t);
	add_lapic(&t, 0, 1);
	t.len += 1; /* a lone byte where an entry header would start */
	seal(&t);
	expect_madt_refused(&t, t.len, "MADT entry header past the end of the table");

	madt_start(&t);
	add_x2apic(&t, 1, 1);
	t.b[ACPI_MADT_FIXED + 1] = 12;
	t.len -= 4;
	seal(&t);
	expect_madt_refused(&t, t.len, "MADT x2APIC entry shorter than 16 bytes");

	/* A table claiming more than was read is parsed only as far as read. */
	madt_start(&t);
	add_lapic(&t, 0, 1);
	seal(&t);
	put32(t.b + 4, 0xffffffffu);
	struct madt_cpus c;
	const char *why = NULL;
	assert_int_equal(madt_parse(t.b, t.len, &c, &why), 0);
	assert_int_equal(c.n, 1);
}

static void test_table_check(void **state)
{
	struct table t;
	const char *why = NULL;
	(void)state;
	madt_start(&t);
	add_lapic(&t, 0, 1);
	seal(&t);
	assert_int_equal(acpi_table_check(t.b, t.len, "APIC", &why), 0);
	assert_int_equal(acpi_table_check(t.b, t.len, NULL, &why), 0);
	assert_int_equal(acpi_table_check(t.b, t.len, "FACP", &why), -SHOJI_EINVAL);
	assert_string_equal(why, "ACPI table signature does not match");
	assert_int_equal(acpi_table_check(t.b, t.len - 1, "APIC", &why), -SHOJI_EINVAL);
	assert_string_equal(why, "ACPI table is longer than the bytes read");
	assert_int_equal(acpi_table_check(t.b, 35, "APIC", &why), -SHOJI_EINVAL);
	assert_string_equal(why, "ACPI table header truncated");
	t.b[40] ^= 1;
	assert_int_equal(acpi_table_check(t.b, t.len, "APIC", &why), -SHOJI_EINVAL);
	assert_string_equal(why, "ACPI table checksum is wrong");
	put32(t.b + 4, 35);
	assert_int_equal(acpi_table_check(t.b, t.len, "APIC", &why), -SHOJI_EINVAL);
	assert_string_equal(why, "ACPI table length is shorter than its header");
}

static void test_root_entries(void **state)
{
	struct table t;
	(void)state;
	memset(&t, 0, sizeof(t));
	memcpy(t.b, "XSDT", 4);
	t.len = ACPI_HEADER_LEN;
	put32(t.b + t.len, 0x1000), put32(t.b + t.len + 4, 1);
	t.len += 8;
	put32(t.b + t.len, 0x2000);
	t.len += 4; /* half an entry: not counted */
	seal(&t);
	assert_int_equal(acpi_root_count(t.b, t.len, true), 1);
	assert_int_equal(acpi_root_entry(t.b, true, 0), 0x100001000ull);
	assert_int_equal(acpi_root_count(t.b, t.len, false), 3);
	assert_int_equal(acpi_root_entry(t.b, false, 2), 0x2000);
	assert_int_equal(acpi_root_count(t.b, 20, false), 0);
	put32(t.b + 4, 0xffffffffu); /* clipped to what was read */
	assert_int_equal(acpi_root_count(t.b, t.len, false), 3);
}

/* An RSDP of revision @rev with both checksums right. */
static void make_rsdp(uint8_t *r, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	memset(r, 0, ACPI_RSDP_V2_LEN);
	memcpy(r, ACPI_RSDP_SIG, 8);
	r[15] = rev;
	put32(r + 16, rsdt);
	put32(r + 20, ACPI_RSDP_V2_LEN);
	put32(r + 24, (uint32_t)xsdt);
	put32(r + 28, (uint32_t)(xsdt >> 32));
	uint8_t s = 0;
	for (int i = 0; i < 20; i++)
		s = (uint8_t)(s + r[i]);
	r[8] = (uint8_t)-s;
	s = 0;
	for (unsigned i = 0; i < ACPI_RSDP_V2_LEN; i++)
		s = (uint8_t)(s + r[i]);
	r[32] = (uint8_t)-s;
}

static void expect_rsdp_refused(const uint8_t *r, size_t len, const char *reason)
{
	struct acpi_root root;
	const char *why = NULL;
	assert_int_equal(acpi_rsdp_parse(r, len, &root, &why), -SHOJI_EINVAL);
	assert_string_equal(why, reason);
}

static void test_rsdp(void **state)
{
	uint8_t r[ACPI_RSDP_V2_LEN];
	struct acpi_root root;
	const char *why = NULL;
	(void)state;
	make_rsdp(r, 0, 0xe0000, 0);
	assert_int_equal(acpi_rsdp_parse(r, 20, &root, &why), 0);
	assert_int_equal(root.table, 0xe0000);
	assert_false(root.xsdt);
	make_rsdp(r, 2, 0xe0000, 0x123456789ull);
	assert_int_equal(acpi_rsdp_parse(r, sizeof(r), &root, &why), 0);
	assert_int_equal(root.table, 0x123456789ull);
	assert_true(root.xsdt);
	expect_rsdp_refused(r, 20, "RSDP of revision 2 is shorter than its length");
	expect_rsdp_refused(r, 19, "RSDP shorter than 20 bytes");
	r[30] ^= 1;
	expect_rsdp_refused(r, sizeof(r), "RSDP extended checksum is wrong");
	r[1] ^= 1;
	expect_rsdp_refused(r, sizeof(r), "RSDP signature is not 'RSD PTR '");
	make_rsdp(r, 0, 0xe0000, 0);
	r[16] ^= 1;
	expect_rsdp_refused(r, sizeof(r), "RSDP checksum is wrong");
	make_rsdp(r, 0, 0, 0);
	expect_rsdp_refused(r, sizeof(r), "RSDP names no root table");
}

static void test_rsdp_scan(void **state)
{
	static uint8_t area[4096];
	(void)state;
	memset(area, 0, sizeof(area));
	memcpy(area + 32, ACPI_RSDP_SIG, 8); /* a signature with a bad sum: passed over */
	make_rsdp(area + 0x120, 0, 0xe0000, 0);
	make_rsdp(area + 0x208, 0, 0xe0000, 0); /* not 16-byte aligned: never seen */
	assert_int_equal(acpi_rsdp_scan(area, sizeof(area)), 0x120);
	assert_int_equal(acpi_rsdp_scan(area, 0x120), 0x120);
	assert_int_equal(acpi_rsdp_scan(area, 0x130), 0x130); /* cut short */
	make_rsdp(area + sizeof(area) - 32, 0, 0xe0000, 0);
	assert_int_equal(acpi_rsdp_scan(area + 0x200, sizeof(area) - 0x200), sizeof(area) - 0x220);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_madt_cpus),	 cmocka_unit_test(test_madt_limit),
	    cmocka_unit_test(test_madt_hostile), cmocka_unit_test(test_table_check),
	    cmocka_unit_test(test_root_entries), cmocka_unit_test(test_rsdp),
	    cmocka_unit_test(test_rsdp_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
