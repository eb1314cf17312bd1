/* Interface of vmm/hostfile.c: whole host files, and files beside the shoji binary. */
#ifndef SHOJI_VMM_HOSTFILE_H
#define SHOJI_VMM_HOSTFILE_H

#include <stddef.h>

/*
 * hostfile_read - read a whole regular file into a malloc'd buffer.
 * @max: refuse files larger than this many bytes (-EFBIG).
 * Returns 0 with *buf (free it) and *len; -errno otherwise (a directory
 * gives -EISDIR).  An empty file gives a 1-byte buffer and *len 0.
 */
int hostfile_read(const char *path, size_t max, void **buf, size_t *len);

/*
 * hostfile_beside_self - @name in the directory of the running binary
 * (/proc/self/exe), into @out.  Returns 0, or -errno (-ENAMETOOLONG).
 */
int hostfile_beside_self(const char *name, char *out, size_t cap);

#endif
