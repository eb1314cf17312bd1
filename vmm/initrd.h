/* Interface of vmm/initrd.c and vmm/taskimage.c: packing task specs, checking task files. */
#ifndef SHOJI_VMM_INITRD_H
#define SHOJI_VMM_INITRD_H

/*
 * The rules (a spec's parts and names, the duplicate rule, the command
 * line and its limit, what a task image must be) are the freestanding
 * library's (loader/format/format.h), shared with the guest kernel; here
 * are only the host's parts: files, real paths, libelf, messages.
 *
 * Conventions: functions return 0 or a -errno and, taking `char *err,
 * size_t errlen`, write there a full message naming the spec or file.
 */

#include <stdbool.h>
#include <stddef.h>

#include "../loader/format/format.h"

/* ==================================================================== */
/* Task specs, initrd and command line (initrd.c)                       */
/* ==================================================================== */

/* An initrd and command line being packed: init, add, finish, free. */
struct initrd_pack {
	struct cpio_writer w;		 /* the archive */
	struct taskspec_file *files;	 /* packed so far: name, real path (malloc'd) */
	unsigned nfiles, cap;		 /* in use, allocated */
	struct cmdline_buf cmd;		 /* writes into cmdline[] */
	char cmdline[SHOJI_CMDLINE_MAX]; /* the kernel command line so far */
};

/* initrd_pack_init - an empty archive and command line.  Cannot fail. */
void initrd_pack_init(struct initrd_pack *p);

/*
 * initrd_pack_spec - pack the file of one TASKSPEC, HOSTPATH[:MODE[@CPU][:ARG...]].
 * @start: true: append its task=NAME[:MODE[@CPU][:ARG...]] token too; false:
 *         pack the file only (a command line given whole names it), and
 *         then the spec must be a bare HOSTPATH.
 * Refuses a bad spec (taskspec_parse), a missing or unreadable file or
 * one that is not a regular file, a task image the rules refuse
 * (task_image_check: "task file PATH: REASON"), two different files with
 * one task name (the same real file again is packed once), and a command
 * line over SHOJI_CMDLINE_MAX - 1 bytes.
 * Returns 0; -ENOENT (no such file), -E2BIG (command line), -ENOMEM, or
 * -EINVAL / another -errno, with the message in @err.
 */
int initrd_pack_spec(struct initrd_pack *p, const char *spec, bool start, char *err, size_t errlen);

/*
 * initrd_pack_finish - append @append (NULL or "" for none) to the command
 * line and end the archive; then p->w.buf[0..p->w.len) and p->cmdline
 * are complete.
 * Returns 0, -EINVAL (a control character in @append: cmdline_check_text),
 * -E2BIG (command line too long) or -ENOMEM, with the message in @err.
 */
int initrd_pack_finish(struct initrd_pack *p, const char *append, char *err, size_t errlen);

/* initrd_pack_free - release everything; safe to call twice. */
void initrd_pack_free(struct initrd_pack *p);

/*
 * initrd_from_specs - pack the task files of @specs[0..n) into a cpio newc
 * archive and write the kernel command line: initrd_pack_spec (start:
 * true) for each, then initrd_pack_finish.
 * @w:          an initialised cpio writer; finished on success (possibly
 *              holding only the trailer when @n is 0).  It is replaced:
 *              whatever it held is freed.
 * @cmdline, @cap: receives "task=NAME[:MODE[@CPU][:ARG...]] ... APPEND",
 *              NUL-terminated; @cap >= 1, and a line longer than @cap - 1
 *              or SHOJI_CMDLINE_MAX - 1 bytes is refused.
 * Returns 0, or an initrd_pack_spec / initrd_pack_finish error with its
 * message in @err; after a failure @w holds a partial archive:
 * cpio_writer_free it.
 */
int initrd_from_specs(char *const specs[], int n, const char *append, struct cpio_writer *w,
		      char *cmdline, size_t cap, char *err, size_t errlen);

/* ==================================================================== */
/* Task image check on the host (taskimage.c)                           */
/* ==================================================================== */

/*
 * task_image_check - judge a task file before any guest is set up: the
 * guest kernel's own rules (elf_task_parse, loader/format/elf_task.c, with
 * the span its slot allows, ELF_TASK_SPAN_MAX) decide; libelf then reads
 * the header and program headers of an accepted image, and must see the
 * same entry point and the same loadable segments.
 * @file, @size: the whole file (libelf reads it in place).
 * @t:    receives elf_task_parse's description of an accepted image.
 * @why, @cap: receives the reason on refusal (NUL-terminated, cut to @cap).
 * Returns 0, or -EINVAL with the reason in @why: elf_task_parse's (for
 * "image too large" with its numbers, ELF_TASK_TOO_LARGE_FMT, as the
 * kernel prints it), elf_task_note_check's, or "libelf reads it
 * differently: ..." when the two readers disagree.
 * The instruction checks (the scan, the kernel-mode verifier) stay the
 * guest's: they depend on the mode.
 */
int task_image_check(void *file, size_t size, struct elf_task *t, char *why, size_t cap);

/*
 * task_image_reason - the reason elf_task_parse(..., @max_span, @t, @why)
 * refused an image, as the kernel prints it: @why, or for "image too
 * large" the numbers too (ELF_TASK_TOO_LARGE_FMT).  Writes @buf[0..@cap),
 * NUL-terminated.  Cannot fail.
 */
void task_image_reason(const struct elf_task *t, uint64_t max_span, const char *why, char *buf,
		       size_t cap);

#endif
