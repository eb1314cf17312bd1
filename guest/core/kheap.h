/* The kernel heap (kheap.c): size classes over pages, pure. */
#ifndef CORE_KHEAP_H
#define CORE_KHEAP_H

#include <stddef.h>
#include <stdint.h>

#define KHEAP_CLASSES 8 /* 16, 32, ... 2048 bytes */
struct kheap {
	void *free[KHEAP_CLASSES];
	uint64_t pages;			/* pages taken from the provider */
	uint64_t in_use[KHEAP_CLASSES]; /* objects handed out per class */
	void *(*page_alloc)(void *ctx); /* returns one page-aligned 4 KiB page or 0 */
	void *ctx;
};
void kheap_init(struct kheap *h, void *(*page_alloc)(void *ctx), void *ctx);
/* size bytes (1..2048), 16-byte aligned, not zeroed; 0 when out of memory
 * or size is 0 or too large. */
void *kheap_alloc(struct kheap *h, size_t size);
/* Returns an object to its class: size must be the size it was asked with. */
void kheap_free(struct kheap *h, void *p, size_t size);
/* Bytes an object of size really takes (its class size); 0 if too large. */
size_t kheap_class_size(size_t size);

#endif
