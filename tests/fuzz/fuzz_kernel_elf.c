/* libFuzzer target: shoji's kernel loader (vmm/elf_load.c, libelf). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/vmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ram[4 << 20];
	struct guest_mem m;
	struct elf_image img;
	const char *why;

	/* libelf reads the file in place and may write it: give it a copy. */
	void *file = malloc(size ? size : 1);
	if (!file)
		return 0;
	memcpy(file, data, size);
	guest_mem_wrap(&m, ram, sizeof(ram));
	elf_load(&m, file, size, BOOT_AREA_START, BOOT_AREA_END, &img, &why);
	free(file);
	return 0;
}
