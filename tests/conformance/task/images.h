/* The task-image conformance corpus: one valid image, and each bad one damaged in one place. */
#ifndef SHOJI_CONFORMANCE_TASK_IMAGES_H
#define SHOJI_CONFORMANCE_TASK_IMAGES_H

#include <stddef.h>
#include <stdint.h>

/*
 * The valid image every case starts from (the layout of
 * tests/unit/test_elf_task.c):
 *
 *   file offset / vaddr
 *   0x0000  ELF header, program headers     \  PT_LOAD R+X  [0x0000, 0x1000)
 *   0x0800  entry point: hlt; jmp .-1       /
 *   0x1000  dynamic section (RELA, RELASZ,  \
 *           RELAENT, NULL)                   |  PT_LOAD R+W  file [0x1000, 0x2000)
 *   0x1100  Elf64_Rela[4]                    |               memory [0x1000, 0x3000)
 *   0x1200  two pointers to relocate         |
 *   0x2ff8  (bss) a pointer to the end      /
 *
 * Every image is the same bytes on every run (no time, no randomness):
 * the expectations (tests/conformance/task/expect) name them.
 */
#define CORPUS_IMAGE_MAX 0x4000

struct corpus_image {
	uint8_t buf[CORPUS_IMAGE_MAX];
	size_t size;
	unsigned nph; /* program headers so far */
};

struct corpus_case {
	const char *name; /* the file name, also the task name: no ".elf" */
	void (*make)(struct corpus_image *m);
};

/* The cases, in the order of the expectations file. */
extern const struct corpus_case corpus_cases[];
extern const unsigned corpus_ncases;

/* corpus_valid - build the valid image above into @m. */
void corpus_valid(struct corpus_image *m);

#endif
