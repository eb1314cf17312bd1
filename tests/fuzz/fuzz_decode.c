/* libFuzzer target: x86_decode() against Zydis (tests/fuzz/decode_oracle.c) from every offset. */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/decode_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every offset is an instruction start, as it is for the CPU when the
 * verifier gets one wrong; the buffer's end is the truncation point. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dd_oracle o;
	static int ready;
	if (!ready) {
		dd_oracle_init(&o, stderr, 10);
		ready = 1;
	}
	for (size_t off = 0; off < size && off < 64; off++)
		if (dd_check(&o, data + off, size - off))
			__builtin_trap();
	return 0;
}
