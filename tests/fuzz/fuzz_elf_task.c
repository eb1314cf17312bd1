/* libFuzzer target: task image validation, note and relocation (loader/format/elf_task*.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "loader/format/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t image[1 << 20];

static int write64(void *ctx, uint64_t offset, uint64_t value)
{
	(void)ctx;
	if (offset > sizeof(image) - 8)
		__builtin_trap(); /* the parser promised in-range targets */
	memcpy(image + offset, &value, 8);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_task t;
	const char *why;

	if (elf_task_parse(data, size, sizeof(image), &t, &why))
		return 0;
	static char note_why[ELF_TASK_NOTE_WHY_MAX];
	struct shoji_task_note note;
	uint64_t desc;
	if (!elf_task_note(&t, &note, &desc, &why) && desc > size - sizeof(note))
		__builtin_trap(); /* the descriptor is inside the file */
	elf_task_note_check(&t, note_why, &why);
	for (uint64_t off = 0; off < t.span; off += 4096)
		elf_task_page_flags(&t, off);
	elf_task_relocate(&t, 0x40000000, write64, 0, &why);
	return 0;
}
