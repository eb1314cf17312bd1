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

	for (size_t i = 0; i + sizeof(pattern) <= len; i++) {
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
