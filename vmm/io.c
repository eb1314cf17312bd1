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
	b->unknown_port_exits++;
	if (!write)
		memset(data, 0xff, size);
	if (b->trace && !(b->port_seen[port / 8] & (1u << (port % 8)))) {
		b->port_seen[port / 8] |= (uint8_t)(1u << (port % 8));
		fprintf(stderr, "shoji: guest %s port %#x (%u bytes): no device there\n",
			write ? "wrote" : "read", port, size);
	}
	return RUN_CONTINUE;
}

int io_mmio(struct io_bus *b, uint64_t addr, bool write, uint8_t *data, unsigned len)
{
	b->mmio_exits++;
	if (!write)
		memset(data, 0xff, len);
	if (!b->trace)
		return RUN_CONTINUE;
	uint64_t page = addr & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
	for (unsigned i = 0; i < b->nmmio_seen; i++)
		if (b->mmio_seen[i] == page)
			return RUN_CONTINUE;
	if (b->nmmio_seen < IO_MMIO_LOGGED_MAX) {
		b->mmio_seen[b->nmmio_seen++] = page;
		fprintf(stderr, "shoji: guest %s MMIO %#llx (%u bytes): no device there%s\n",
			write ? "wrote" : "read", (unsigned long long)addr, len,
			b->nmmio_seen == IO_MMIO_LOGGED_MAX ? " (no more MMIO pages logged)" : "");
	}
	return RUN_CONTINUE;
}
