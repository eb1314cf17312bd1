/* The ABI version, and the task note that records it in every task image (C and assembly). */
#ifndef SHOJI_NOTE_H
#define SHOJI_NOTE_H

/* Bump on any incompatible change of shoji/abi.h (5: task images must
 * carry the note below). */
#define SHOJI_ABI_VERSION 5

/*
 * The task note: how an image was built.  Every task image carries one
 * ELF note (in a PT_NOTE segment) named SHOJI_NOTE_NAME, of type
 * SHOJI_NOTE_TASK, whose descriptor is struct shoji_task_note.  The task
 * runtime's crt0 emits it with conventions 0; the SDK's last build step
 * (tools/task-seal) sets the convention bits once it has checked the
 * image follows them.  The kernel (and shoji on the host, before any
 * guest exists) refuses an image without the note, built for another
 * ABI, or missing a bit of SHOJI_CONV_REQUIRED, in every mode, naming
 * the cause: an image built without the SDK's steps is refused, never run
 * into a crash.  The note is a build check, not a security boundary: a
 * kernel-mode image is verified at load time whatever its note says.
 */
#define SHOJI_NOTE_NAME "shoji" /* namesz 6, with the NUL */
#define SHOJI_NOTE_TASK 0x7a5c0001
#define SHOJI_CONV_BUNDLED 0x1	/* the code passes the kernel-mode verifier */
#define SHOJI_CONV_SQUASHED 0x2 /* NOP runs squashed (isolation/nop_squash.c) */
#define SHOJI_CONV_REQUIRED (SHOJI_CONV_BUNDLED | SHOJI_CONV_SQUASHED)

#ifndef __ASSEMBLY__
struct shoji_task_note {
	unsigned int abi_version; /* SHOJI_ABI_VERSION the image was built for */
	unsigned int conventions; /* SHOJI_CONV_* bits the image follows */
};
_Static_assert(sizeof(struct shoji_task_note) == 8, "shoji_task_note: 8 bytes");
#endif /* !__ASSEMBLY__ */

#endif
