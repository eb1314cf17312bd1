/* cpio "newc" reader on a plain buffer: walk entries and find files by name. */
#include "format.h"

/*
 * Freestanding: no library calls, no state.  All bounds checks compare
 * against the bytes remaining (len - off), which cannot overflow, rather
 * than computing off + n, which can.
 */

/* Header field order after the 6-byte magic; each is 8 hex digits. */
enum cpio_field {
	CPIO_INO,
	CPIO_MODE,
	CPIO_UID,
	CPIO_GID,
	CPIO_NLINK,
	CPIO_MTIME,
	CPIO_FILESIZE,
	CPIO_DEVMAJOR,
	CPIO_DEVMINOR,
	CPIO_RDEVMAJOR,
	CPIO_RDEVMINOR,
	CPIO_NAMESIZE,
	CPIO_CHECK,
	CPIO_NFIELDS
};
_Static_assert(6 + CPIO_NFIELDS * 8 == CPIO_HEADER_SIZE, "newc header is 110 bytes");

/* Parse 8 ASCII hex digits (either case).  Returns false on any other byte. */
static bool hex8(const unsigned char *p, uint32_t *val)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		unsigned char c = p[i];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*val = v;
	return true;
}

/* Bytes needed to bring @n up to a multiple of 4. */
static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

static bool bytes_equal(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static size_t cstr_len(const char *s)
{
	size_t n = 0;
	while (s[n] != '\0')
		n++;
	return n;
}

/* The entry must start inside the archive, 4-aligned, before its end. */
static int check_offset(size_t len, size_t off, const char **why)
{
	if (off > len) {
		*why = "cpio offset past end of archive";
		return -SHOJI_EINVAL;
	}
	if (off & 3) {
		*why = "cpio entry offset not 4-byte aligned";
		return -SHOJI_EINVAL;
	}
	if (off == len) {
		*why = "cpio archive ends without TRAILER!!!";
		return -SHOJI_EINVAL;
	}
	return 0;
}

/* The 110-byte header at @off: magic, then the fields in hex. */
static int read_header(const unsigned char *a, size_t len, size_t off, uint32_t field[CPIO_NFIELDS],
		       const char **why)
{
	if (len - off < CPIO_HEADER_SIZE) {
		*why = "truncated cpio header";
		return -SHOJI_EINVAL;
	}
	const unsigned char *h = a + off;
	if (!bytes_equal((const char *)h, CPIO_MAGIC, 6)) {
		*why = "bad cpio magic (not a newc archive: expected 070701)";
		return -SHOJI_EINVAL;
	}
	for (int i = 0; i < CPIO_NFIELDS; i++) {
		if (!hex8(h + 6 + 8 * i, &field[i])) {
			*why = "bad hex digit in cpio header";
			return -SHOJI_EINVAL;
		}
	}
	return 0;
}

/* The name at @off: @namesize bytes, the last its only NUL. */
static int read_name(const unsigned char *a, size_t len, size_t off, size_t namesize,
		     struct cpio_entry *e, const char **why)
{
	if (namesize == 0) {
		*why = "cpio name size is zero";
		return -SHOJI_EINVAL;
	}
	if (namesize > len - off) {
		*why = "cpio name runs past end of archive";
		return -SHOJI_EINVAL;
	}
	const char *name = (const char *)a + off;
	size_t name_len = namesize - 1;
	if (name[name_len] != '\0') {
		*why = "cpio name is not NUL-terminated";
		return -SHOJI_EINVAL;
	}
	for (size_t i = 0; i < name_len; i++) {
		if (name[i] == '\0') {
			*why = "cpio name contains a NUL byte";
			return -SHOJI_EINVAL;
		}
	}
	e->name = name;
	e->name_len = name_len;
	return 0;
}

/* The data after the name's padding at *off, and its own padding; moves
 * *off past both.  An entry is always followed by another (at least the
 * trailer), so its padding must be there. */
static int read_data(const unsigned char *a, size_t len, size_t *off, size_t size,
		     struct cpio_entry *e, const char **why)
{
	size_t o = *off;
	if (pad4(o) > len - o) {
		*why = "cpio name padding runs past end of archive";
		return -SHOJI_EINVAL;
	}
	o += pad4(o);
	if (size > len - o) {
		*why = "cpio file size runs past end of archive";
		return -SHOJI_EINVAL;
	}
	e->data = a + o;
	e->size = size;
	o += size;
	if (pad4(o) > len - o) {
		*why = "cpio data padding runs past end of archive";
		return -SHOJI_EINVAL;
	}
	*off = o + pad4(o);
	return 0;
}

int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_entry *out,
	      const char **why)
{
	const unsigned char *a = archive;
	size_t off = *offset;
	uint32_t field[CPIO_NFIELDS];
	struct cpio_entry e;

	if (check_offset(len, off, why) || read_header(a, len, off, field, why))
		return -SHOJI_EINVAL;
	off += CPIO_HEADER_SIZE;
	if (read_name(a, len, off, field[CPIO_NAMESIZE], &e, why))
		return -SHOJI_EINVAL;
	off += field[CPIO_NAMESIZE];
	/* The trailer's padding and data are irrelevant: stop here. */
	if (e.name_len == sizeof(CPIO_TRAILER) - 1 && bytes_equal(e.name, CPIO_TRAILER, e.name_len))
		return 0;
	if (read_data(a, len, &off, field[CPIO_FILESIZE], &e, why))
		return -SHOJI_EINVAL;
	e.mode = field[CPIO_MODE];
	*out = e;
	*offset = off;
	return 1;
}

int cpio_find(const void *archive, size_t len, const char *name, struct cpio_entry *out,
	      const char **why)
{
	size_t want = cstr_len(name);
	size_t off = 0;
	struct cpio_entry e;
	int r;

	while ((r = cpio_next(archive, len, &off, &e, why)) == 1) {
		if (e.name_len != want || !bytes_equal(e.name, name, want))
			continue;
		if ((e.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG) {
			*why = "initrd entry is not a regular file";
			return -SHOJI_EINVAL;
		}
		*out = e;
		return 0;
	}
	if (r < 0)
		return r;
	*why = "no such file in the initrd";
	return 1;
}
