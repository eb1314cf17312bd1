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
 * The boot files' sections below (initrd.c, startinfo.c, elf_load.c) move
 * to headers of their own; until then they stay here with what they and
 * their tests reach through this header.  struct guest_mem is declared
 * ahead because guest_mem.h includes this header for gpa_t.
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
/* Task specs, initrd and command line (initrd.c)                       */
/* ==================================================================== */

/* A TASKSPEC, HOSTPATH[:MODE[:ARG...]] (docs/architecture.md, "Which tasks run"). */
struct taskspec {
	char path[4096];		/* HOSTPATH */
	char name[SHOJI_TASK_NAME_MAX]; /* basename of path, minus a trailing ".elf" */
	const char *rest;		/* ":MODE[:ARG...]" or "", points into the spec */
};

/*
 * taskspec_parse - split and check one TASKSPEC (no file access).
 * Refuses: white space anywhere (the kernel splits its command line on
 * it), an empty HOSTPATH, an empty task name (e.g. "dir/.elf"), a name of
 * SHOJI_TASK_NAME_MAX bytes or more, and a MODE other than process,
 * shared or kernel (whether the kernel supports that mode yet is the
 * kernel's call).  ARGs are not checked.
 * Returns 0, or -EINVAL with a message naming the spec in @err.
 */
int taskspec_parse(const char *spec, struct taskspec *out, char *err, size_t errlen);

/*
 * initrd_from_specs - pack the task files into a cpio newc archive and
 * write the kernel command line, as tools/qemu-run does.
 * @specs, @n:  the TASKSPEC strings, in order.
 * @append:     added after the task tokens (NULL or "" for none).
 * @w:          an initialised cpio writer; finished on success (possibly
 *              holding only the trailer when @n is 0).
 * @cmdline, @cap: receives "task=NAME[:MODE[:ARG...]] ... APPEND",
 *              NUL-terminated; must fit SHOJI_CMDLINE_MAX bytes and @cap
 *              (@cap >= 1).
 * The same file named twice (same real path) is packed once; two
 * different files with the same task name are refused.
 * Returns 0, or a -errno with a message in @err (a bad spec, a missing or
 * unreadable file, a name clash, a command line too long, no memory);
 * after a failure @w holds a partial archive: cpio_writer_free it.
 */
int initrd_from_specs(char *const specs[], int n, const char *append, struct cpio_writer *w,
		      char *cmdline, size_t cap, char *err, size_t errlen);

/* ==================================================================== */
/* Guest physical layout and PVH start info: vmm/startinfo.h           */
/* Kernel ELF loading: vmm/elf_load.h                                   */
/* ==================================================================== */

#include "startinfo.h"
#include "elf_load.h"

#endif
