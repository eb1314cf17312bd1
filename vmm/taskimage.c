/* Task files checked on the host before any guest exists: the guest's rules judge, libelf reads. */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>

#include "initrd.h"

/* Is @ph the PT_LOAD elf_task_parse recorded as @s? */
static bool same_segment(const GElf_Phdr *ph, const struct elf_task_segment *s)
{
	return ph->p_vaddr == s->vaddr && ph->p_memsz == s->memsz && ph->p_offset == s->offset &&
	       ph->p_filesz == s->filesz && (ph->p_flags & ELF_PF_RWX) == s->flags;
}

/* libelf's reading of an accepted image: the same entry, and each
 * non-empty PT_LOAD one of the parsed segments, as many as there are. */
static int libelf_agrees(Elf *e, const struct elf_task *t, const char **why)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t phnum;
	unsigned loads = 0;

	if (!gelf_getehdr(e, &eh) || elf_getphdrnum(e, &phnum)) {
		*why = "libelf reads it differently: no ELF header or program headers";
		return -EINVAL;
	}
	if (eh.e_entry != t->entry) {
		*why = "libelf reads it differently: another entry point";
		return -EINVAL;
	}
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(e, (int)i, &ph)) {
			*why = "libelf reads it differently: a program header cannot be read";
			return -EINVAL;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		bool found = false;
		for (unsigned s = 0; s < t->nseg && !found; s++)
			found = same_segment(&ph, &t->seg[s]);
		if (!found) {
			*why = "libelf reads it differently: a PT_LOAD the rules did not see";
			return -EINVAL;
		}
		loads++;
	}
	if (loads != t->nseg) {
		*why = "libelf reads it differently: another number of PT_LOAD segments";
		return -EINVAL;
	}
	return 0;
}

void task_image_reason(const struct elf_task *t, uint64_t max_span, const char *why, char *buf,
		       size_t cap)
{
	if (elf_task_too_large(t, max_span))
		snprintf(buf, cap, ELF_TASK_TOO_LARGE_FMT, ELF_TASK_TOO_LARGE_ARGS(t, max_span));
	else
		snprintf(buf, cap, "%s", why);
}

int task_image_check(void *file, size_t size, struct elf_task *t, char *why, size_t cap)
{
	const char *reason;
	int rc;

	if (elf_task_parse(file, size, ELF_TASK_SPAN_MAX, t, &reason)) {
		task_image_reason(t, ELF_TASK_SPAN_MAX, reason, why, cap);
		return -EINVAL;
	}
	static char note_why[ELF_TASK_NOTE_WHY_MAX];
	if (elf_task_note_check(t, note_why, &reason)) {
		snprintf(why, cap, "%s", reason);
		return -EINVAL;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(why, cap, "libelf is older than this ELF version");
		return -EINVAL;
	}
	Elf *e = elf_memory(file, size);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		snprintf(why, cap, "libelf reads it differently: not an ELF file libelf can read");
		if (e)
			elf_end(e);
		return -EINVAL;
	}
	rc = libelf_agrees(e, t, &reason);
	elf_end(e);
	if (rc)
		snprintf(why, cap, "%s", reason);
	return rc;
}
