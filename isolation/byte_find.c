/* Finds the next occurrence of one byte eight bytes at a time: the load-time scans skip code fast.
 */
#include "isolation/isolation.h"

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

size_t byte_find(const uint8_t *buf, size_t from, size_t len, uint8_t b)
{
	uint64_t pattern = ONES * b;
	size_t i = from;
	/*
	 * A word holds b somewhere iff x = word ^ pattern has a zero byte:
	 * (x - ONES) & ~x & HIGHS is non-zero exactly then (the borrow can
	 * only flag bytes above a zero one, and the lowest flagged byte is a
	 * zero).  The bytes of such a word are then looked at one by one.
	 */
	for (; i <= len && len - i >= 8; i += 8) {
		uint64_t w;
		__builtin_memcpy(&w, buf + i, 8); /* an unaligned load, not a call */
		uint64_t x = w ^ pattern;
		if ((x - ONES) & ~x & HIGHS)
			break;
	}
	for (; i < len; i++)
		if (buf[i] == b)
			return i;
	return len;
}
