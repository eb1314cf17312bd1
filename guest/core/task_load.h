/* The task loader (task_load.c): an image from the initrd into a new task. */
#ifndef CORE_TASK_LOAD_H
#define CORE_TASK_LOAD_H

#include <stddef.h>
#include "core/cmdline.h"
#include "core/task.h"

/* Maps the image, trampoline, stack and argv of a new task into its
 * group's page tables and sets its registers.  0 or a negative error with
 * *why set: the ELF file refused (loader/format/elf_task.c), out of
 * memory, a PKRU-changing instruction in its code, or, for a ring-0 task,
 * code the verifier refuses (isolation/verify.c). */
int task_load_image(struct task *t, const void *file, size_t size, const struct task_spec *spec,
		    const char **why);

#endif
