/* malloc, calloc, realloc, free: size classes in mapped chunks, big blocks mapped alone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"

/*
 * Every block has a 16-byte header right before it: its capacity and a
 * check word.  Blocks of up to SMALL_MAX bytes come in power-of-two
 * classes (32 ... 4096 bytes with the header), carved from CHUNK-byte
 * mappings and kept on one free list per class when freed; they are never
 * given back to the kernel.  Larger blocks get a mapping of their own,
 * unmapped by free().  The check word is the header's address and
 * capacity mixed with a per-task secret: a header that a stray write
 * changed, or a pointer the heap never handed out, fails the check and
 * the task aborts instead of corrupting the heap further.  Free-list links
 * are mixed with the secret too (glibc 2.32's "safe linking"),
 * so overwriting a freed block cannot send malloc() to an address chosen
 * by the writer without also knowing the secret.
 */
struct header {
	size_t cap;   /* bytes usable after the header */
	uint64_t chk; /* check(), or check() ^ FREED while on a free list */
};
_Static_assert(sizeof(struct header) == 16, "blocks stay 16-byte aligned");

#define HDR sizeof(struct header)
#define MIN_CLASS 5  /* 2^5 = 32 bytes, header included: room for the free link */
#define MAX_CLASS 12 /* 2^12 = 4096 bytes */
#define SMALL_MAX ((1UL << MAX_CLASS) - HDR)
#define CHUNK (64UL << 10)
#define FREED 0x46524545ULL /* "FREE": a freed block fails check() */
/* The largest request: beyond it (the heap window is 256 MiB anyway)
 * size arithmetic could overflow. */
#define REQUEST_MAX (1UL << 40)

static uint64_t secret;
static void *free_lists[MAX_CLASS + 1];
static char *carve, *carve_end; /* what is left of the current chunk */

static uint64_t check(const struct header *h)
{
	return ((uintptr_t)h ^ (h->cap * 0x9e3779b97f4a7c15ULL)) ^ secret;
}

/* The secret: the first heap address and the clock's low bits are all a
 * task has for entropy; a stray write does not know them. */
static void init_secret(void *first)
{
	secret =
	    ((uintptr_t)first * 0xbf58476d1ce4e5b9ULL) ^ (uintptr_t)&secret ^ 0x94d049bb133111ebULL;
}

/* The free list link stored in a freed block, mixed with the secret. */
static void *link_get(void *block)
{
	return (void *)(*(uintptr_t *)block ^ secret);
}

static void link_set(void *block, void *next)
{
	*(uintptr_t *)block = (uintptr_t)next ^ secret;
}

static unsigned class_of(size_t size)
{
	unsigned c = MIN_CLASS;
	while ((1UL << c) - HDR < size)
		c++;
	return c;
}

/* A new block of class @c from the current chunk (a new one when it is
 * used up; the rest of the old one is left unused). */
static struct header *carve_block(unsigned c)
{
	size_t bytes = 1UL << c;
	if ((size_t)(carve_end - carve) < bytes) {
		char *chunk = rt_pages_map(CHUNK);
		if (!chunk)
			return NULL;
		if (!secret)
			init_secret(chunk);
		carve = chunk;
		carve_end = chunk + CHUNK;
	}
	struct header *h = (struct header *)(void *)carve;
	carve += bytes;
	h->cap = bytes - HDR;
	return h;
}

static void *malloc_small(size_t size)
{
	unsigned c = class_of(size);
	struct header *h;
	void *block = free_lists[c];
	if (block) {
		h = (struct header *)block - 1;
		if (h->chk != (check(h) ^ FREED) || h->cap != (1UL << c) - HDR)
			abort();
		free_lists[c] = link_get(block);
	} else if (!(h = carve_block(c))) {
		return NULL;
	}
	h->chk = check(h);
	return h + 1;
}

static void *malloc_big(size_t size)
{
	size_t len = (size + HDR + RT_PAGE - 1) & ~(RT_PAGE - 1);
	struct header *h = rt_pages_map(len);
	if (!h)
		return NULL;
	if (!secret)
		init_secret(h);
	h->cap = len - HDR;
	h->chk = check(h);
	return h + 1;
}

void *malloc(size_t size)
{
	if (size > REQUEST_MAX)
		return NULL;
	return size <= SMALL_MAX ? malloc_small(size) : malloc_big(size);
}

/* The header of a block malloc() handed out; aborts when it is not one. */
static struct header *header_of(void *ptr)
{
	struct header *h = (struct header *)ptr - 1;
	if (((uintptr_t)ptr & (HDR - 1)) || h->chk != check(h))
		abort();
	return h;
}

void free(void *ptr)
{
	if (!ptr)
		return;
	struct header *h = header_of(ptr);
	if (h->cap > SMALL_MAX) {
		h->chk = 0;
		rt_pages_unmap(h, h->cap + HDR);
		return;
	}
	unsigned c = class_of(h->cap);
	h->chk = check(h) ^ FREED;
	link_set(ptr, free_lists[c]);
	free_lists[c] = ptr;
}

void *calloc(size_t count, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(count, size, &total))
		return NULL;
	void *p = malloc(total);
	if (p)
		memset(p, 0, total);
	return p;
}

void *realloc(void *ptr, size_t size)
{
	if (!ptr)
		return malloc(size);
	struct header *h = header_of(ptr);
	if (size <= h->cap)
		return ptr;
	void *p = malloc(size);
	if (!p)
		return NULL; /* the old block stays valid (C11 7.22.3.5) */
	memcpy(p, ptr, h->cap);
	free(ptr);
	return p;
}
