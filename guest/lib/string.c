/* Memory and string functions for freestanding code. */
#include "lib/lib.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	/* Bulk copies (task images, page copies) by REP MOVSQ: one
	 * instruction a word however the buffers are aligned (SDM Vol. 2B,
	 * MOVS; fast-string operation, Vol. 1 7.3.9.3). */
	if (n >= 64) {
		size_t words = n / 8;
		__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
		n %= 8;
	}
	/* Words while both are aligned: IPC and system calls copy small,
	 * word-aligned structures through here all the time. */
	if (!(((unsigned long)d | (unsigned long)s) & 7)) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(unsigned long *)(void *)d = *(const unsigned long *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	/* REP STOSQ for the words, then REP STOSB for the tail: zeroing a
	 * page is 512 stores, not 4096 turns of a byte loop. */
	unsigned long pattern = 0x0101010101010101ul * (unsigned char)c;
	size_t words = n / 8, tail = n % 8;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return 0;
	}
}
