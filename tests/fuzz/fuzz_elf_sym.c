/* libFuzzer target: the symbol lookup of killed tasks' lines (loader/format/elf_sym.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "loader/format/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Offsets to look up: the edges of a slot's image and a few inside. */
static const uint64_t offsets[] = {0, 1, 0x1000, 0x106c, 0x15fff, 0xffffffffffffffffull};

/* Whether the n bytes at s are all graphic ASCII (0x21-0x7e). */
static int graphic(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		struct elf_sym s;
		if (!elf_sym_find(data, size, offsets[i], &s))
			continue;
		/* What the kernel prints must lie inside the input, be
		 * graphic ASCII only (it goes into a kernel line), and cover
		 * the offset as documented. */
		if (s.name_len == 0 || s.name_len > ELF_SYM_NAME_MAX ||
		    (const uint8_t *)s.name < data ||
		    (const uint8_t *)s.name + s.name_len > data + size ||
		    !graphic(s.name, s.name_len) || s.value > offsets[i] ||
		    (s.size && offsets[i] - s.value >= s.size))
			__builtin_trap();
	}
	return 0;
}
