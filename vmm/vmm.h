/* vmm/: what every part of the shoji monitor shares: conventions, exit statuses, gpa_t. */
#ifndef SHOJI_VMM_H
#define SHOJI_VMM_H

/*
 * Each vmm/NAME.c declares what it exports in vmm/NAME.h beside it, every
 * function documented there (the VMM run loop: vmm/run_loop.h; what a
 * guest run holds: vmm/machine.h).  Conventions, for every function the
 * vmm/ headers declare:
 *  - library-style functions return 0 (or a count) on success and -errno
 *    on failure, and clean up what they allocated before returning;
 *  - functions taking `const char **why` set *why, on failure, to a
 *    constant human-readable reason; callers add the name of what failed
 *    ("kernel build/kernel.elf: no PVH entry note");
 *  - functions taking `char *err, size_t errlen` write a full message
 *    (naming the file or option) there on failure;
 *  - KVM set-up steps print "IOCTL_NAME: strerror" themselves (prefixed
 *    "shoji: ") and return -errno: the caller adds nothing;
 *  - guest memory is reached only through guest_ptr().
 */

#include <stdint.h>

/* ==================================================================== */
/* Exit statuses of `shoji` (besides the guest's own 0..3)              */
/* ==================================================================== */

#define SHOJI_STATUS_USAGE 2	 /* bad command line or input file (as tools/qemu-run) */
#define SHOJI_STATUS_TIMEOUT 124 /* --timeout ran out (as timeout(1)) */
#define SHOJI_STATUS_CRASH 125	 /* the vCPU died: triple fault, failed entry, KVM error */
#define SHOJI_STATUS_NO_KVM 126	 /* this host's KVM cannot run shoji guests */

/* A run-loop handler's "keep running"; any value >= 0 ends the run with
 * that exit status. */
#define RUN_CONTINUE (-1)

/* A guest physical address.  Never a host pointer: see guest_ptr() (vmm/guest_mem.h). */
typedef uint64_t gpa_t;

/*
 * The boot files' sections below (startinfo.c, elf_load.c) move to
 * headers of their own, as initrd.c's has (vmm/initrd.h); until then they
 * stay here with what they and their tests reach through this header.
 * struct guest_mem is declared ahead because guest_mem.h includes this
 * header for gpa_t.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "shoji/abi.h"
#include "shoji/pvh.h"

#include "../loader/format/format.h"

#include "guest_mem.h"
#include "hostfile.h"
#include "probe.h"

struct guest_mem;

/* ==================================================================== */
/* Guest physical layout and PVH start info (startinfo.c)               */
/* ==================================================================== */

/*
 *  0x0000_0000  RAM: free for the kernel (the probe guest ran below 0x8000)
 *  0x0000_6000  struct hvm_start_info                 BOOT_START_INFO
 *  0x0000_6040  memory map, BOOT_MEMMAP_MAX entries    BOOT_MEMMAP
 *  0x0000_6400  module list: one entry, the initrd     BOOT_MODLIST
 *  0x0000_7000  command line, SHOJI_CMDLINE_MAX bytes  BOOT_CMDLINE
 *  0x0000_8000  RAM: free for the kernel               BOOT_AREA_END
 *  0x0009_fc00  reserved up to 1 MiB (where a PC has EBDA, VGA, BIOS)
 *  0x0010_0000  kernel.elf PT_LOAD segments, by p_paddr
 *               RAM
 *  top - n      the initrd, page-aligned, ending at or below the top
 *  memory size  end of RAM (at most GUEST_MEM_MAX)
 */
#define BOOT_AREA_START 0x6000ull
#define BOOT_START_INFO 0x6000ull
#define BOOT_MEMMAP 0x6040ull
#define BOOT_MEMMAP_MAX 8
#define BOOT_MODLIST 0x6400ull
#define BOOT_CMDLINE 0x7000ull
#define BOOT_AREA_END 0x8000ull
#define BOOT_LOW_RAM_END 0x9fc00ull
#define BOOT_HIGH_RAM 0x100000ull

_Static_assert(BOOT_START_INFO + sizeof(struct hvm_start_info) <= BOOT_MEMMAP, "start info");
_Static_assert(BOOT_MEMMAP + BOOT_MEMMAP_MAX * sizeof(struct hvm_memmap_table_entry) <=
		   BOOT_MODLIST,
	       "memory map");
_Static_assert(BOOT_MODLIST + sizeof(struct hvm_modlist_entry) <= BOOT_CMDLINE, "module list");
_Static_assert(BOOT_CMDLINE + SHOJI_CMDLINE_MAX <= BOOT_AREA_END, "command line");

/*
 * initrd_place - where the initrd goes: the highest page-aligned address
 * with [gpa, gpa + @size) inside RAM and at or above @kernel_end.
 * Returns 0 with *gpa, or -ENOSPC with *why when it does not fit.
 */
int initrd_place(const struct guest_mem *m, uint64_t size, gpa_t kernel_end, gpa_t *gpa,
		 const char **why);

/*
 * startinfo_build - write the start info, memory map, module list and
 * command line into guest memory at the BOOT_* addresses (the initrd
 * bytes themselves are the caller's).
 * @m:        guest RAM, at least BOOT_HIGH_RAM + 1 page.
 * @cmdline:  NUL-terminated, at most SHOJI_CMDLINE_MAX bytes with the NUL.
 * @initrd, @initrd_size: the module (size 0: no module is listed).
 * Memory map: RAM [0, BOOT_LOW_RAM_END), reserved [BOOT_LOW_RAM_END,
 * BOOT_HIGH_RAM), RAM [BOOT_HIGH_RAM, m->size).
 * Returns 0 with the start info's address in *start_info; -E2BIG with
 * *why for a long command line; -EINVAL with *why when RAM is too small
 * or the initrd is outside RAM.
 */
int startinfo_build(const struct guest_mem *m, const char *cmdline, gpa_t initrd,
		    uint64_t initrd_size, gpa_t *start_info, const char **why);

/* ==================================================================== */
/* Kernel ELF loading (elf_load.c, libelf)                              */
/* ==================================================================== */

struct elf_image {
	uint32_t entry; /* PVH entry (XEN_ELFNOTE_PHYS32_ENTRY), physical */
	gpa_t lo, hi;	/* lowest p_paddr and highest p_paddr + p_memsz loaded */
};

/*
 * elf_load - check a kernel ELF and copy it into guest memory.
 * @file, @size: the whole file (libelf reads it in place).
 * @avoid_lo, @avoid_hi: a range no segment may touch (the boot area).
 * Checks, all before anything is copied: ELF magic, ELFCLASS64,
 * little-endian, EM_X86_64, the program header table and every segment's
 * file bytes inside the file, filesz <= memsz, each non-empty PT_LOAD's
 * [p_paddr, p_paddr + p_memsz) inside guest RAM and outside the avoided
 * range, a PVH note ("Xen", type XEN_ELFNOTE_PHYS32_ENTRY, 4- or 8-byte
 * descriptor below 4 GiB) in a PT_NOTE segment or SHT_NOTE section, and
 * the entry inside a loaded segment's file bytes.  Then copies each
 * PT_LOAD to p_paddr and zeroes the rest of its memsz.
 * Returns 0 with *img filled; -ENOEXEC with *why for a file that is not
 * a loadable x86-64 ELF kernel; -ERANGE with *why for a segment outside
 * guest memory or on the boot area.
 */
int elf_load(const struct guest_mem *m, void *file, size_t size, gpa_t avoid_lo, gpa_t avoid_hi,
	     struct elf_image *img, const char **why);
#endif
