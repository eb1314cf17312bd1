/* The task-image path on the host: the load pipeline, an independent oracle, a generator. */
#ifndef TESTS_FUZZ_IMAGE_H
#define TESTS_FUZZ_IMAGE_H

/*
 * Shared by tests/fuzz/fuzz_image.c (libFuzzer) and
 * tests/unit/test_image_oracle.c (a bounded, deterministic replay):
 *
 *  - isolation/image_load.c (image_load.h) runs what task_load_image()
 *    (guest/core/task_load.c) runs, over a plain buffer standing for one
 *    task slot;
 *  - image_oracle.c checks an image the pipeline accepted in kernel mode,
 *    with Zydis and not with isolation/x86_decode.c: every instruction
 *    that can run starts where the verifier said, and none of them can
 *    leave the sandbox;
 *  - image_gen.c turns fuzz bytes into a task image whose code is mostly
 *    valid bundled code, so that the verifier accepts a fair share.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/layout.h"
#include "isolation/isolation.h"
#include "loader/format/format.h"

#include "isolation/image_load.h"

/* --- image_oracle.c ------------------------------------------------------- */

/* What one oracle run saw. */
struct oracle_result {
	unsigned insns; /* (offset, mask state) pairs decoded */
	unsigned roots; /* the entry and the bundle starts of executable pages */
	/* Reached encodings that raise #UD (so execution stops there): no
	 * escape, but the verifier should not have accepted them. */
	unsigned undefined;
	uint64_t undefined_at;	   /* the first one */
	const char *undefined_why; /* what it is */
	uint64_t at;		   /* image offset of the violation */
	char msg[200];		   /* the violation, or "" */
};

/*
 * oracle_check - for an image loaded in kernel mode, every instruction
 * that can execute from the entry point, the bundle starts (where masked
 * branches land) and return addresses must (1) decode with Zydis the same
 * way for Intel and AMD, (2) start at a bit set in map, unless it is the
 * second or third instruction of a masked sequence reached by falling
 * through from its first, (3) not be privileged, I/O, PKRU-changing or an
 * unmasked indirect branch, (4) branch only to executable pages of the
 * image or the gate.  Two encodings Zydis refuses are known to raise #UD
 * (a lock prefix where none is allowed, lea with a register operand): the
 * walk stops there and r->undefined counts them.  @map is indexed from
 * s->view.start (normally s->map,
 * as the verifier left it; tests pass doctored ones); @entry the image
 * offset the task starts at.
 * Returns 0, or -1 with r->msg and r->at naming the first violation.
 */
int oracle_check(const struct img_slot *s, const uint8_t *map, uint64_t entry,
		 struct oracle_result *r);

/* --- image_gen.c ---------------------------------------------------------- */

/* Room for any image img_generate writes. */
#define IMG_GEN_MAX (SLOT_IMAGE_MAX + IMG_PAGE)

/*
 * img_generate - builds a task image from fuzz bytes: a minimal static-PIE
 * ELF (an R page of headers, N R-X code pages, maybe a gap or an R page
 * between them, an RW page with a relocation) whose code is drawn from a
 * table of bundled instructions (masked branches, calls at bundle ends,
 * jumps to chosen instruction starts, the gate) mixed with dangerous ones
 * (WRPKRU, unmasked jumps, jumps into instructions, privileged ones).
 * @in, @n: the fuzz bytes (any length; reading past them gives zeros).
 * @out: IMG_GEN_MAX bytes.
 * Returns the image's size.
 */
size_t img_generate(const uint8_t *in, size_t n, uint8_t *out);

/* --- image_code.c --------------------------------------------------------- */

/*
 * img_gen_code - fills the executable pages of an image with code.
 * @img: the image, SLOT_IMAGE_MAX bytes, file offset = image offset.
 * @exec: per page (IMG_PAGES), whether it holds code.
 * @in, @n: the fuzz bytes that pick the instructions; the code is padded
 *        with NOPs when they run out.
 * @danger: a byte below it picks a dangerous instruction (0: none).
 * @raw: the fuzz bytes are the code, as they are.
 */
void img_gen_code(uint8_t *img, const bool *exec, const uint8_t *in, size_t n, unsigned danger,
		  bool raw);

#endif
