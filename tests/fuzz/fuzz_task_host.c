/* libFuzzer target: the host's task-image check (libelf and the rules) against the guest's rules
 * alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/initrd.h"

/*
 * shoji and shoji-pack check a task file with task_image_check
 * (vmm/taskimage.c: elf_task_parse, then libelf must read the same
 * segments and entry); the guest kernel loads it with elf_task_parse
 * alone (guest/core/task_load.c, with SLOT_IMAGE_MAX, which is
 * ELF_TASK_SPAN_MAX).  Every file must get the same verdict and reason
 * from both: a file libelf reads differently from the rules is one the
 * host refuses and the guest would load (tests/conformance/task/ holds
 * each such case found).  A difference prints both and traps.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_task t;
	const char *guest_why = "";
	char host_why[200] = "", guest_msg[200] = "";
	void *copy = malloc(size ? size : 1); /* libelf may write the buffer it reads */

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	static char note_why[ELF_TASK_NOTE_WHY_MAX];
	int guest = elf_task_parse(data, size, ELF_TASK_SPAN_MAX, &t, &guest_why);
	if (guest) /* guest/core/task_load.c's two checks */
		task_image_reason(&t, ELF_TASK_SPAN_MAX, guest_why, guest_msg, sizeof(guest_msg));
	else if ((guest = elf_task_note_check(&t, note_why, &guest_why)))
		snprintf(guest_msg, sizeof(guest_msg), "%s", guest_why);
	int host = task_image_check(copy, size, &t, host_why, sizeof(host_why));
	free(copy);
	if ((guest == 0) != (host == 0) || (guest && strcmp(guest_msg, host_why))) {
		fprintf(stderr, "fuzz_task_host: guest %s, host %s\n",
			guest ? guest_msg : "accepts", host ? host_why : "accepts");
		__builtin_trap();
	}
	return 0;
}
