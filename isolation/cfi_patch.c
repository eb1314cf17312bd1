/* Writes the slot base into masked branches of code the verifier does not see. */
#include "isolation/isolation.h"

unsigned cfi_patch_markers(uint8_t *buf, size_t len, uint32_t slot_base)
{
	static const uint8_t pattern[7] = {
	    0x49,
	    0x81,
	    0xcb, /* orq $imm32, %r11 */
	    CFI_MARKER & 0xff,
	    (CFI_MARKER >> 8) & 0xff,
	    (CFI_MARKER >> 16) & 0xff,
	    CFI_MARKER >> 24,
	};
	unsigned n = 0;

	if (len < sizeof(pattern))
		return 0;
	/* Only a REX.WB byte can start the pattern: skip to each one. */
	size_t last = len - sizeof(pattern) + 1; /* starts in [0, last) */
	for (size_t i = byte_find(buf, 0, last, pattern[0]); i < last;
	     i = byte_find(buf, i + 1, last, pattern[0])) {
		size_t k = 0;
		while (k < sizeof(pattern) && buf[i + k] == pattern[k])
			k++;
		if (k < sizeof(pattern))
			continue;
		for (int b = 0; b < 4; b++)
			buf[i + 3 + b] = (uint8_t)(slot_base >> (8 * b));
		n++;
		i += sizeof(pattern) - 1;
	}
	return n;
}
