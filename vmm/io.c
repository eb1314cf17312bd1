/* Port and MMIO dispatch: a table of device port ranges; unclaimed accesses read all ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest_mem.h"
#include "io.h"
#include "vmm.h"

void io_init(struct io_bus *b, bool trace)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->trace_lock, NULL);
	b->trace = trace;
}

int io_register(struct io_bus *b, uint16_t base, uint16_t len, const char *name, io_handler fn,
		void *ctx)
{
	if (len == 0 || (uint32_t)base + len > 0x10000)
		return -EINVAL;
	for (unsigned i = 0; i < b->nranges; i++) {
		const struct io_range *r = &b->range[i];
		if (base < r->base + r->len && r->base < base + len) {
			fprintf(stderr, "shoji: %s: ports %#x-%#x already belong to %s\n", name,
				base, base + len - 1, r->name);
			return -EBUSY;
		}
	}
	if (b->nranges == IO_MAX_RANGES)
		return -ENOSPC;
	b->range[b->nranges++] = (struct io_range){base, len, name, fn, ctx};
	return 0;
}

int io_port(struct io_bus *b, uint16_t port, bool write, uint8_t *data, unsigned size)
{
	for (unsigned i = 0; i < b->nranges; i++) {
		const struct io_range *r = &b->range[i];
		if (port >= r->base && port - r->base < r->len)
			return r->fn(r->ctx, (uint16_t)(port - r->base), write, data, size);
	}
	/* No device: as on a PC, reads float high and writes vanish. */
	__atomic_fetch_add(&b->unknown_port_exits, 1, __ATOMIC_RELAXED);
	if (!write)
		memset(data, 0xff, size);
	uint8_t bit = (uint8_t)(1u << (port % 8));
	if (b->trace &&
	    !(__atomic_fetch_or(&b->port_seen[port / 8], bit, __ATOMIC_RELAXED) & bit)) {
		fprintf(stderr, "shoji: guest %s port %#x (%u bytes): no device there\n",
			write ? "wrote" : "read", port, size);
	}
	return RUN_CONTINUE;
}

int io_mmio(struct io_bus *b, uint64_t addr, bool write, uint8_t *data, unsigned len)
{
	__atomic_fetch_add(&b->mmio_exits, 1, __ATOMIC_RELAXED);
	if (!write)
		memset(data, 0xff, len);
	if (!b->trace)
		return RUN_CONTINUE;
	uint64_t page = addr & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
	pthread_mutex_lock(&b->trace_lock);
	bool seen = false;
	for (unsigned i = 0; i < b->nmmio_seen && !seen; i++)
		seen = b->mmio_seen[i] == page;
	if (!seen && b->nmmio_seen < IO_MMIO_LOGGED_MAX) {
		b->mmio_seen[b->nmmio_seen++] = page;
		fprintf(stderr, "shoji: guest %s MMIO %#llx (%u bytes): no device there%s\n",
			write ? "wrote" : "read", (unsigned long long)addr, len,
			b->nmmio_seen == IO_MMIO_LOGGED_MAX ? " (no more MMIO pages logged)" : "");
	}
	pthread_mutex_unlock(&b->trace_lock);
	return RUN_CONTINUE;
}
