/* cpio "newc" writer (host only): packs task files into an initrd in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

/* Mode of every packed file: a regular file, rw-r--r--. */
#define CPIO_PACK_MODE (CPIO_MODE_REG | 0644u)

void cpio_writer_init(struct cpio_writer *w)
{
	w->buf = NULL;
	w->len = 0;
	w->cap = 0;
	w->count = 0;
	w->finished = false;
}

void cpio_writer_free(struct cpio_writer *w)
{
	free(w->buf);
	cpio_writer_init(w);
}

/* Make room for @more bytes past w->len, doubling so that packing n files
 * costs O(total) copying. */
static int reserve(struct cpio_writer *w, size_t more, const char **why)
{
	if (more > SIZE_MAX - w->len) {
		*why = "cpio archive too large";
		return -SHOJI_ENOMEM;
	}
	size_t need = w->len + more;
	if (need <= w->cap)
		return 0;
	size_t cap = w->cap ? w->cap : 4096;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	unsigned char *buf = realloc(w->buf, cap);
	if (!buf) {
		*why = "out of memory growing the cpio archive";
		return -SHOJI_ENOMEM;
	}
	w->buf = buf;
	w->cap = cap;
	return 0;
}

/* Bytes an entry with this name and size takes, padding included. */
static size_t entry_size(size_t name_len, size_t size)
{
	size_t head = CPIO_HEADER_SIZE + name_len + 1;
	return (head + 3) / 4 * 4 + (size + 3) / 4 * 4;
}

/* Append one entry; reserve() must have made room.  Zero-fills padding. */
static void put_entry(struct cpio_writer *w, uint32_t ino, uint32_t mode, const char *name,
		      size_t name_len, const void *data, size_t size)
{
	char head[CPIO_HEADER_SIZE + 1]; /* snprintf writes a NUL */
	unsigned char *p = w->buf + w->len;
	size_t total = entry_size(name_len, size);
	size_t at = entry_size(name_len, 0); /* where the data starts */

	snprintf(head, sizeof(head), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 CPIO_MAGIC, ino, mode, 0u /* uid */, 0u /* gid */, 1u /* nlink */, 0u /* mtime */,
		 (uint32_t)size, 0u, 0u, 0u, 0u /* dev, rdev */, (uint32_t)(name_len + 1),
		 0u /* check: unused in 070701 */);
	/* Only the NUL and the padding are zeroed: the rest is written over. */
	memcpy(p, head, CPIO_HEADER_SIZE);
	memcpy(p + CPIO_HEADER_SIZE, name, name_len);
	memset(p + CPIO_HEADER_SIZE + name_len, 0, at - CPIO_HEADER_SIZE - name_len);
	if (size)
		memcpy(p + at, data, size);
	memset(p + at + size, 0, total - at - size);
	w->len += total;
}

/* Is @name already in the (unfinished) archive?  Walks it with the reader,
 * which also re-checks what we wrote. */
static bool has_name(const struct cpio_writer *w, const char *name, size_t name_len)
{
	size_t off = 0;
	struct cpio_entry e;
	const char *why;

	while (off < w->len && cpio_next(w->buf, w->len, &off, &e, &why) == 1)
		if (e.name_len == name_len && memcmp(e.name, name, name_len) == 0)
			return true;
	return false;
}

int cpio_writer_add(struct cpio_writer *w, const char *name, const void *data, size_t size,
		    const char **why)
{
	size_t name_len = strnlen(name, CPIO_NAME_MAX + 1);

	if (w->finished) {
		*why = "cpio archive already finished";
		return -SHOJI_EINVAL;
	}
	if (name_len == 0) {
		*why = "empty file name";
		return -SHOJI_EINVAL;
	}
	if (name_len > CPIO_NAME_MAX) {
		*why = "file name longer than 255 bytes";
		return -SHOJI_EINVAL;
	}
	if (memchr(name, '/', name_len)) {
		*why = "file name contains '/'";
		return -SHOJI_EINVAL;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		*why = "file name is \".\" or \"..\"";
		return -SHOJI_EINVAL;
	}
	if (strcmp(name, CPIO_TRAILER) == 0) {
		*why = "file name TRAILER!!! is reserved (it ends a cpio archive)";
		return -SHOJI_EINVAL;
	}
	if (size > 0xffffffffu) {
		*why = "file larger than 4 GiB cannot be stored in a cpio newc archive";
		return -SHOJI_EINVAL;
	}
	if (has_name(w, name, name_len)) {
		*why = "duplicate file name in the cpio archive";
		return -SHOJI_EINVAL;
	}
	int r = reserve(w, entry_size(name_len, size), why);
	if (r < 0)
		return r;
	w->count++;
	put_entry(w, w->count, CPIO_PACK_MODE, name, name_len, data, size);
	return 0;
}

int cpio_writer_finish(struct cpio_writer *w, const char **why)
{
	size_t name_len = sizeof(CPIO_TRAILER) - 1;

	if (w->finished) {
		*why = "cpio archive already finished";
		return -SHOJI_EINVAL;
	}
	int r = reserve(w, entry_size(name_len, 0), why);
	if (r < 0)
		return r;
	put_entry(w, 0, 0, CPIO_TRAILER, name_len, NULL, 0);
	w->finished = true;
	return 0;
}
