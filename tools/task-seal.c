/* task-seal: the last step of building a task: squash NOP runs, check the load, mark the note. */
#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "isolation/image_load.h"
#include "vmm/hostfile.h"

/* Larger than any image with debug information a slot could hold. */
#define TASK_FILE_MAX (64u << 20)

/*
 * usage: task-seal [--unchecked] TASK.elf
 *
 * The last step of building a task (guest/user/user.mk, bench/bench.mk,
 * the SDK's shoji-task.mk), in place:
 *  1. NOP runs that bundled code executes become one instruction each
 *     (isolation/nop_squash.c).  Only bytes inside executable PT_LOAD
 *     segments change, never their number or place, so the image's
 *     layout, relocations and symbols stay valid.
 *  2. The image goes through what the kernel does at load time in kernel
 *     mode, the strictest (isolation/image_load.c: parse, relocate, scan,
 *     verify).  An image built without the runtime's crt0, or whose code
 *     was not bundled (tools/bundle-asm), fails here, naming the reason,
 *     instead of crashing at run time.
 *  3. The task note crt0 emitted (shoji/note.h) gets the convention bits:
 *     the kernel and shoji refuse images without them.
 * --unchecked skips step 2: the attack suite's images break the rules on
 * purpose, so that the kernel's own checks are what they meet (the note
 * is a build check, not a security boundary).  Prints nothing on
 * success; on an error names the file and what is wrong, and leaves the
 * file as it was.
 */

static int fail(const char *file, const char *what)
{
	fprintf(stderr, "task-seal: %s: %s\n", file, what);
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

/* Step 2: the kernel's load, in kernel mode, of the squashed bytes. */
static int check_load(const char *file, const uint8_t *img, size_t size)
{
	struct img_slot *s = calloc(1, sizeof(*s));
	if (!s)
		return fail(file, "out of memory");
	int rc = 0;
	if (img_load(s, img, size, IMG_KERNEL) != IMG_ACCEPTED) {
		fprintf(stderr,
			"task-seal: %s: the kernel would refuse it: %s (was every object "
			"compiled through bundle-asm, and linked after the runtime's crt0?)\n",
			file, s->why);
		rc = 1;
	}
	free(s);
	return rc;
}

/* Step 3: the note's convention bits, once its ABI is this one.  An
 * unchecked image may be of any span (attack_big). */
static int mark_note(const char *file, uint8_t *img, size_t size, bool checked)
{
	struct elf_task t;
	struct shoji_task_note note;
	uint64_t desc;
	const char *why;

	if (elf_task_parse(img, size, checked ? ELF_TASK_SPAN_MAX : UINT64_MAX, &t, &why) ||
	    elf_task_note(&t, &note, &desc, &why))
		return fail(file, why);
	if (note.abi_version != SHOJI_ABI_VERSION) {
		fprintf(stderr, "task-seal: %s: its note says shoji ABI %u, this SDK is ABI %u\n",
			file, note.abi_version, SHOJI_ABI_VERSION);
		return 1;
	}
	uint32_t conv = note.conventions | SHOJI_CONV_REQUIRED;
	memcpy(img + desc + 4, &conv, sizeof(conv)); /* little-endian, as the file */
	return 0;
}

/* Whole or nothing: a new file renamed over the old one, with its mode
 * (the linker made it executable). */
static int write_file(const char *file, const uint8_t *img, size_t size)
{
	char tmp[4096];
	struct stat st;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.seal.tmp", file) >= sizeof(tmp))
		return fail(file, "file name too long");
	FILE *o = fopen(tmp, "wb");
	bool ok = o && fwrite(img, 1, size, o) == size;
	if (o && fclose(o))
		ok = false;
	ok = ok && !stat(file, &st) && !chmod(tmp, st.st_mode & 07777) && !rename(tmp, file);
	if (!ok) {
		remove(tmp);
		return fail(file, "cannot write the result");
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool checked = !(argc == 3 && !strcmp(argv[1], "--unchecked"));
	if (argc != 2 && checked) {
		fprintf(stderr, "usage: task-seal [--unchecked] TASK.elf\n");
		return 2;
	}
	const char *file = argv[argc - 1];
	void *data;
	size_t size;
	int err = hostfile_read(file, TASK_FILE_MAX, &data, &size);
	if (err)
		return fail(file, strerror(-err));
	uint8_t *img = data;
	int rc = squash_file(file, img, size);
	if (!rc && checked)
		rc = check_load(file, img, size);
	if (!rc)
		rc = mark_note(file, img, size, checked);
	if (!rc)
		rc = write_file(file, img, size);
	free(img);
	return rc;
}
