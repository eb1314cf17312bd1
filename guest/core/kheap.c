/* Kernel heap: power-of-two size classes from 16 to 2048 bytes, each a
 * free list carved out of whole pages. */
#include "core/kheap.h"

#define MIN_SHIFT 4 /* 16 bytes: keeps every object 16-byte aligned */
#define PAGE 4096u

struct free_obj {
	struct free_obj *next;
};

static int class_of(size_t size)
{
	if (!size || size > (1u << (MIN_SHIFT + KHEAP_CLASSES - 1)))
		return -1;
	int c = 0;
	while ((1u << (MIN_SHIFT + c)) < size)
		c++;
	return c;
}

size_t kheap_class_size(size_t size)
{
	int c = class_of(size);
	return c < 0 ? 0 : (size_t)1 << (MIN_SHIFT + c);
}

void kheap_init(struct kheap *h, void *(*page_alloc)(void *ctx), void *ctx)
{
	for (int c = 0; c < KHEAP_CLASSES; c++) {
		h->free[c] = 0;
		h->in_use[c] = 0;
	}
	h->pages = 0;
	h->page_alloc = page_alloc;
	h->ctx = ctx;
}

void *kheap_alloc(struct kheap *h, size_t size)
{
	int c = class_of(size);
	if (c < 0)
		return 0;
	size_t obj = (size_t)1 << (MIN_SHIFT + c);
	if (!h->free[c]) {
		char *page = h->page_alloc(h->ctx);
		if (!page)
			return 0;
		h->pages++;
		/* Thread the page's objects onto the list, lowest first. */
		for (size_t off = PAGE; off >= obj; off -= obj) {
			struct free_obj *o = (struct free_obj *)(page + off - obj);
			o->next = h->free[c];
			h->free[c] = o;
		}
	}
	struct free_obj *o = h->free[c];
	h->free[c] = o->next;
	h->in_use[c]++;
	return o;
}

void kheap_free(struct kheap *h, void *p, size_t size)
{
	int c = class_of(size);
	if (!p || c < 0)
		return;
	struct free_obj *o = p;
	o->next = h->free[c];
	h->free[c] = o;
	h->in_use[c]--;
}
