/* nop-squash: runs nop_squash() over the executable segments of a linked task image, in place. */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "isolation/isolation.h"

/*
 * usage: nop-squash TASK.elf
 *
 * The last step of building a task (guest/user/user.mk, bench/bench.mk):
 * NOP runs that bundled code executes become one instruction each
 * (isolation/nop_squash.c).  Only bytes inside executable PT_LOAD
 * segments change, never their number or place, so the image's layout,
 * relocations and symbols stay valid; the kernel verifies the result at
 * load time like any image.  Prints nothing on success; on an error names
 * the file and what is wrong, and leaves the file as it was.
 */

static int fail(const char *file, const char *what)
{
	fprintf(stderr, "nop-squash: %s: %s\n", file, what);
	return 1;
}

static int squash_file(const char *file, uint8_t *img, size_t size)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64)
		return fail(file, "not an x86-64 ELF64 little-endian image");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size ||
	    (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return fail(file, "program headers outside the file");

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, img + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
			return fail(file, "an executable segment lies outside the file");
		if (ph.p_vaddr % BUNDLE_SIZE || ph.p_offset % BUNDLE_SIZE)
			return fail(file, "an executable segment does not start on a bundle");
		size_t len = ph.p_filesz - ph.p_filesz % BUNDLE_SIZE;
		uint8_t *scratch = malloc(len ? len : 1);
		unsigned runs;
		if (!scratch)
			return fail(file, "out of memory");
		int rc = nop_squash(img + ph.p_offset, len, scratch, &runs);
		free(scratch);
		if (rc)
			return fail(file, "an executable segment is not whole bundles");
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: nop-squash TASK.elf\n");
		return 2;
	}
	const char *file = argv[1];
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "nop-squash: %s: %s\n", file, strerror(errno));
		return 1;
	}
	uint8_t *img = NULL;
	size_t size = 0, cap = 0, n;
	do {
		if (size == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			uint8_t *p = realloc(img, cap);
			if (!p) {
				fclose(f);
				free(img);
				return fail(file, "out of memory");
			}
			img = p;
		}
		n = fread(img + size, 1, cap - size, f);
		size += n;
	} while (n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(img);
		return fail(file, "read error");
	}

	int rc = squash_file(file, img, size);
	if (!rc) {
		/* Whole or nothing: a new file renamed over the old one. */
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s.squash.tmp", file);
		struct stat st;
		FILE *o = fopen(tmp, "wb");
		bool ok = o && fwrite(img, 1, size, o) == size;
		if (o && fclose(o))
			ok = false;
		/* Keep the image's mode (the linker made it executable). */
		ok =
		    ok && !stat(file, &st) && !chmod(tmp, st.st_mode & 07777) && !rename(tmp, file);
		if (!ok) {
			rc = fail(file, "cannot write the result");
			remove(tmp);
		}
	}
	free(img);
	return rc;
}
