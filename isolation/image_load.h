/* The kernel's load of a task image, on the host: parse, copy, relocate, scan, verify. */
#ifndef ISOLATION_IMAGE_LOAD_H
#define ISOLATION_IMAGE_LOAD_H

/*
 * Shared by the sealing tool (tools/task-seal.c: an image is sealed only
 * if the kernel would load it in every mode) and the fuzzers and tests of
 * the load path (tests/fuzz/image.h).  The task note
 * (loader/format/elf_task_note.c) is not checked here: the sealing tool
 * runs this before the note is stamped.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/layout.h"
#include "isolation/isolation.h"
#include "loader/format/format.h"

#define IMG_PAGE 4096u
#define IMG_PAGES (SLOT_IMAGE_MAX / IMG_PAGE)
#define IMG_SLOT 1u /* the slot the pipeline loads into: base 0x40020000 */

/* The kernel's task modes, as far as loading differs. */
enum img_mode {
	IMG_RING3,  /* process and shared: markers patched, code not verified */
	IMG_KERNEL, /* kernel: code verified */
};

/* How far an image got; the stage that refused it when not IMG_ACCEPTED. */
enum img_stage {
	IMG_PARSE,    /* elf_task_parse */
	IMG_COPY,     /* mapping the pages and copying the segments */
	IMG_RELOCATE, /* elf_task_relocate */
	IMG_SCAN,     /* scan_code: WRPKRU/XRSTOR bytes in executable pages */
	IMG_VERIFY,   /* verify_ring0 (kernel mode only) */
	IMG_ACCEPTED,
};

/*
 * One task slot's image part, [0, SLOT_IMAGE_MAX), as the kernel maps it:
 * flags[p] is elf_task_page_flags() of page p (0: not mapped), mem holds
 * the bytes.  After a kernel-mode load, map and view are what verify_code()
 * left: on success bit (off - view.start) of map is set exactly for the
 * verified instruction starts that branches may target.
 */
struct img_slot {
	uint64_t base; /* slot_base(IMG_SLOT) */
	struct elf_task img;
	uint8_t flags[IMG_PAGES];
	uint8_t mem[SLOT_IMAGE_MAX];
	struct code_view view; /* start == end == 0 when no page is executable */
	uint8_t map[SLOT_IMAGE_MAX / 8];
	const char *why;     /* why the image was refused */
	uint64_t bad_offset; /* the verifier's offending offset */
	char why_text[96];   /* where why points when it has numbers (image too large) */
};

/*
 * img_load - task_load_image() on the host: parse, map, copy, relocate,
 * scan, then verify (IMG_KERNEL) or patch the CFI markers (IMG_RING3).
 * @s: overwritten; @file, @size: the image; must outlive s->img.
 * Returns the stage reached: IMG_ACCEPTED, or the stage that refused the
 * image with s->why set.
 */
enum img_stage img_load(struct img_slot *s, const void *file, size_t size, enum img_mode mode);

/* img_exec_page - the bytes of the executable page at image offset off
 * (page-aligned), or 0 when that page is not executable.  A code_view
 * page callback: ctx is the struct img_slot. */
uint8_t *img_exec_page(void *ctx, uint64_t off);

#endif
