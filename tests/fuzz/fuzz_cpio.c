/* libFuzzer target: the cpio newc reader (loader/format/cpio.c) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "loader/format/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_entry e;
	const char *why;
	size_t off = 0;

	/* Walk every entry; each must lie inside the buffer. */
	for (int n = 0; n < 4096 && cpio_next(data, size, &off, &e, &why) == 1; n++) {
		const uint8_t *p = e.data;
		if (p < data || p + e.size > data + size ||
		    e.name + e.name_len > (const char *)data + size)
			__builtin_trap();
	}
	cpio_find(data, size, "hello", &e, &why);
	return 0;
}
