/* libFuzzer target: shoji's console device's requests (vmm/hvcon.c) under any port write and guest
 * RAM. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shoji/abi.h"

#include "vmm/hvcon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input: the port offset (1 byte, taken modulo the device's ports),
 * the access width (1 byte: 1, 2 or 4), the 4 bytes written, then guest
 * RAM.  RAM is a heap copy of exactly its size, so ASan sees a byte read
 * past its end.  Whatever the values: an accepted request names at most
 * SHOJI_HVCON_MAX bytes, all inside RAM (each is read), and a refused one
 * says why.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned widths[] = {1, 2, 4};
	struct guest_mem mem;
	struct hvcon_write w;
	const char *why = NULL;

	if (size < 6)
		return 0;
	uint16_t offset = data[0] % SHOJI_HVCON_PORTS;
	unsigned width = widths[data[1] % 3];
	uint8_t value[4];
	memcpy(value, data + 2, sizeof(value));
	size_t ram_size = size - 6;
	uint8_t *ram = malloc(ram_size ? ram_size : 1);
	if (!ram)
		return 0;
	memcpy(ram, data + 6, ram_size);
	guest_mem_wrap(&mem, ram, ram_size);

	if (hvcon_request(&mem, offset, value, width, &w, &why)) {
		if (!why)
			__builtin_trap();
	} else {
		if (w.len > SHOJI_HVCON_MAX || (w.len && !w.bytes))
			__builtin_trap();
		if (w.len && (w.bytes < ram || (size_t)(w.bytes - ram) + w.len > ram_size))
			__builtin_trap();
		volatile uint8_t sum = 0;
		for (uint32_t i = 0; i < w.len; i++)
			sum ^= w.bytes[i];
		(void)sum;
	}
	free(ram);
	return 0;
}
