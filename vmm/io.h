/* Interface of vmm/io.c: port and MMIO dispatch to the devices' port ranges. */
#ifndef SHOJI_VMM_IO_H
#define SHOJI_VMM_IO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"

/*
 * A device's port handler.  @offset is from the registered base; @data
 * holds @size bytes (1, 2 or 4): the value to write, or where to put the
 * value read.  Returns RUN_CONTINUE, or a status >= 0 that ends the run.
 */
typedef int (*io_handler)(void *ctx, uint16_t offset, bool write, uint8_t *data, unsigned size);

#define IO_MAX_RANGES 16
#define IO_MMIO_LOGGED_MAX 16

struct io_range {
	uint16_t base;
	uint16_t len;
	const char *name;
	io_handler fn;
	void *ctx;
};

/*
 * Every vCPU thread dispatches through the bus.  The ranges are written
 * before any vCPU runs and only read after; the counters are atomic;
 * port_seen bits are set with an atomic or; mmio_seen, a search and an
 * append, is under trace_lock, taken only with trace on.  A device's
 * handler brings its own lock where it keeps state (vmm/devices.h).
 */
struct io_bus {
	struct io_range range[IO_MAX_RANGES];
	unsigned nranges;
	bool trace;				/* log each unknown port / MMIO page once */
	uint8_t port_seen[65536 / 8];		/* unknown ports already logged */
	pthread_mutex_t trace_lock;		/* mmio_seen, nmmio_seen */
	uint64_t mmio_seen[IO_MMIO_LOGGED_MAX]; /* MMIO pages already logged */
	unsigned nmmio_seen;
	uint64_t unknown_port_exits, mmio_exits;
};

/* io_init - an empty bus; @trace logs unknown accesses to stderr. */
void io_init(struct io_bus *b, bool trace);

/*
 * io_register - claim ports [@base, @base + @len) for a device.
 * Returns 0; -EINVAL for @len 0 or a range past port 0xffff; -EBUSY when
 * it overlaps a registered range (a message names both devices);
 * -ENOSPC when IO_MAX_RANGES are taken.
 */
int io_register(struct io_bus *b, uint16_t base, uint16_t len, const char *name, io_handler fn,
		void *ctx);

/*
 * io_port - one port access from the guest (a KVM_EXIT_IO element).
 * Unclaimed ports read as all ones; writes to them are dropped.
 * Returns the device's result (RUN_CONTINUE or a final status).
 */
int io_port(struct io_bus *b, uint16_t port, bool write, uint8_t *data, unsigned size);

/* io_mmio - one MMIO access (KVM_EXIT_MMIO): no MMIO devices exist in
 * user space, so reads are all ones and writes are dropped.  Returns
 * RUN_CONTINUE. */
int io_mmio(struct io_bus *b, uint64_t addr, bool write, uint8_t *data, unsigned len);

#endif
