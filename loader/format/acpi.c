/* ACPI tables as hostile input: the RSDP, the RSDT/XSDT and the MADT's CPUs (layouts in format.h).
 */
#include "format.h"

/* Freestanding: no library calls, no state; reads are byte by byte, so no
 * alignment is assumed of tables a firmware placed. */

/* Revision 2's RSDP fields (ACPI 6.5, Table 5.3) and the Processor Local
 * x2APIC entry (5.2.12.12: type, length, 2 reserved, x2APIC ID, flags,
 * UID); the rest is include/shoji/acpi.h's. */
enum {
	RSDP_LENGTH = 20,
	RSDP_XSDT = 24,
	MADT_X2APIC = 9,
	MADT_X2APIC_LEN = 16,
	MADT_X2APIC_ID = 4,
	MADT_X2APIC_FLAGS = 8,
};
#define MADT_ONLINE_CAPABLE 2u /* flags bit 1 (ACPI 6.3 on): may be brought up */
#define MADT_USABLE (ACPI_MADT_LAPIC_ENABLED | MADT_ONLINE_CAPABLE)
#define XAPIC_BROADCAST 0xffu /* no xAPIC CPU has this ID */
#define OFF(type, field) __builtin_offsetof(struct type, field)

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -SHOJI_EINVAL;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static bool same(const uint8_t *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)s[i])
			return false;
	return true;
}

int acpi_rsdp_parse(const void *buf, size_t len, struct acpi_root *out, const char **why)
{
	const uint8_t *p = buf;

	if (len < ACPI_RSDP_V1_LEN)
		return bad(why, "RSDP shorter than 20 bytes");
	if (!same(p, ACPI_RSDP_SIG, 8))
		return bad(why, "RSDP signature is not 'RSD PTR '");
	if (sum(p, ACPI_RSDP_V1_LEN))
		return bad(why, "RSDP checksum is wrong");
	struct acpi_root r = {le32(p + OFF(acpi_rsdp, rsdt_address)), false};
	if (p[OFF(acpi_rsdp, revision)] >= 2) {
		/* The length field covers the whole structure, at least 36. */
		if (len < ACPI_RSDP_V2_LEN || le32(p + RSDP_LENGTH) < ACPI_RSDP_V2_LEN ||
		    le32(p + RSDP_LENGTH) > len)
			return bad(why, "RSDP of revision 2 is shorter than its length");
		if (sum(p, le32(p + RSDP_LENGTH)))
			return bad(why, "RSDP extended checksum is wrong");
		if (le64(p + RSDP_XSDT))
			r = (struct acpi_root){le64(p + RSDP_XSDT), true};
	}
	if (!r.table)
		return bad(why, "RSDP names no root table");
	*out = r;
	return 0;
}

size_t acpi_rsdp_scan(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	struct acpi_root r;
	const char *why;

	for (size_t off = 0; off < len && len - off >= ACPI_RSDP_V1_LEN; off += 16)
		if (same(p + off, ACPI_RSDP_SIG, 8) &&
		    !acpi_rsdp_parse(p + off, len - off, &r, &why))
			return off;
	return len;
}

int acpi_table_length(const void *buf, size_t len, uint32_t *out, const char **why)
{
	if (len < ACPI_HEADER_LEN)
		return bad(why, "ACPI table header truncated");
	uint32_t n = le32((const uint8_t *)buf + OFF(acpi_sdt_header, length));
	if (n < ACPI_HEADER_LEN)
		return bad(why, "ACPI table length is shorter than its header");
	*out = n;
	return 0;
}

int acpi_table_check(const void *buf, size_t len, const char *sig, const char **why)
{
	uint32_t n;
	int err;

	if ((err = acpi_table_length(buf, len, &n, why)))
		return err;
	if (n > len)
		return bad(why, "ACPI table is longer than the bytes read");
	if (sig && !same(buf, sig, 4))
		return bad(why, "ACPI table signature does not match");
	if (sum(buf, n))
		return bad(why, "ACPI table checksum is wrong");
	return 0;
}

size_t acpi_root_count(const void *buf, size_t len, bool xsdt)
{
	if (len < ACPI_HEADER_LEN)
		return 0;
	uint32_t n = le32((const uint8_t *)buf + OFF(acpi_sdt_header, length));
	if (n < ACPI_HEADER_LEN)
		return 0;
	if (n > len)
		n = (uint32_t)len;
	return (n - ACPI_HEADER_LEN) / (xsdt ? 8 : 4);
}

uint64_t acpi_root_entry(const void *buf, bool xsdt, size_t i)
{
	const uint8_t *e = (const uint8_t *)buf + ACPI_HEADER_LEN + i * (xsdt ? 8 : 4);
	return xsdt ? le64(e) : le32(e);
}

/* Adds a usable CPU's APIC ID once; past the limit it is only counted. */
static void add_cpu(struct madt_cpus *c, uint32_t id)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->apic_id[i] == id)
			return;
	if (c->n == ACPI_MAX_CPUS)
		c->over_limit++;
	else
		c->apic_id[c->n++] = id;
}

/* One entry of @elen bytes at @e, its length already checked against the table. */
static int madt_entry(const uint8_t *e, uint8_t elen, struct madt_cpus *c, const char **why)
{
	if (e[0] == ACPI_MADT_LOCAL_APIC) {
		if (elen < sizeof(struct acpi_madt_lapic))
			return bad(why, "MADT local APIC entry shorter than 8 bytes");
		uint8_t id = e[OFF(acpi_madt_lapic, apic_id)];
		if (le32(e + OFF(acpi_madt_lapic, flags)) & MADT_USABLE && id != XAPIC_BROADCAST)
			add_cpu(c, id);
	} else if (e[0] == MADT_X2APIC) {
		if (elen < MADT_X2APIC_LEN)
			return bad(why, "MADT x2APIC entry shorter than 16 bytes");
		if (!(le32(e + MADT_X2APIC_FLAGS) & MADT_USABLE))
			return 0;
		/* Firmware lists IDs below 255 as local APIC entries too. */
		if (le32(e + MADT_X2APIC_ID) < XAPIC_BROADCAST)
			add_cpu(c, le32(e + MADT_X2APIC_ID));
		else
			c->x2apic++;
	}
	return 0;
}

int madt_parse(const void *buf, size_t len, struct madt_cpus *out, const char **why)
{
	const uint8_t *p = buf;
	struct madt_cpus c = {0};
	uint32_t n;
	int err;

	if ((err = acpi_table_length(buf, len, &n, why)))
		return err;
	if (n > len)
		n = (uint32_t)len;
	if (n < ACPI_MADT_FIXED)
		return bad(why, "MADT shorter than its 44 fixed bytes");
	c.lapic_phys = le32(p + OFF(acpi_madt, lapic_address));
	for (size_t off = ACPI_MADT_FIXED; off < n;) {
		if (n - off < 2)
			return bad(why, "MADT entry header past the end of the table");
		uint8_t elen = p[off + 1];
		if (elen < 2)
			return bad(why, "MADT entry of length 0 or 1");
		if (elen > n - off)
			return bad(why, "MADT entry runs past the end of the table");
		if ((err = madt_entry(p + off, elen, &c, why)))
			return err;
		off += elen;
	}
	*out = c;
	return 0;
}
