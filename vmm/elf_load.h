/* vmm/elf_load.c: kernel.elf read with libelf, judged by loader/format/'s rules, copied into guest
 * RAM. */
#ifndef SHOJI_VMM_ELF_LOAD_H
#define SHOJI_VMM_ELF_LOAD_H

/* Conventions as in vmm/vmm.h: -errno, and *why on failure. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../loader/format/format.h"

#include "guest_mem.h"

/* The largest kernel file shoji and shoji-pack read (a kernel is a few hundred KiB). */
#define KERNEL_FILE_MAX (256u << 20)

struct elf_image {
	uint32_t entry; /* PVH entry (XEN_ELFNOTE_PHYS32_ENTRY), physical */
	gpa_t lo, hi;	/* lowest p_paddr and highest p_paddr + p_memsz loaded */
	bool is_linux;	/* a Linux vmlinux (struct kernel_elf) */
};

/*
 * elf_load - check a kernel ELF and copy it into guest memory.
 * @file, @size: the whole file (libelf reads it in place).
 * @avoid_lo, @avoid_hi: a range no segment may touch (the boot area).
 * Checks, all before anything is copied: the kernel ELF rules of
 * loader/format/format.h (kernel_elf_read, with a reader built on libelf),
 * then each PT_LOAD's [p_paddr, p_paddr + p_memsz) inside guest RAM and
 * outside the avoided range.  Then copies each PT_LOAD to p_paddr and
 * zeroes the rest of its memsz, unless guest_mem_is_zero says it is zero
 * already; the span it loads is recorded with guest_mem_written.
 * Returns 0 with *img filled; -ENOEXEC with *why for a file the rules
 * refuse; -EIO with *why when libelf cannot read what the rules accepted;
 * -ERANGE with *why for a segment outside guest memory or on the avoided
 * range.
 */
int elf_load(struct guest_mem *m, void *file, size_t size, gpa_t avoid_lo, gpa_t avoid_hi,
	     struct elf_image *img, const char **why);

/*
 * elf_judge - the rules alone, with the libelf reader: what elf_load
 * checks before it looks at guest memory (for build/shoji-pack's --kernel,
 * the conformance test and the differential fuzzer,
 * tests/fuzz/fuzz_kernel_elf.c).
 * @file, @size: the whole file.
 * Returns 0 with *k filled; -ENOEXEC or -EIO with *why, as elf_load.
 */
int elf_judge(void *file, size_t size, struct kernel_elf *k, const char **why);

#endif
