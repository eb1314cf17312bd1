/* The exit device: a byte written to port 0xf4 ends the machine with that status. */
#include <string.h>

#include "shoji/abi.h"

#include "devices.h"
#include "io.h"
#include "machine.h"
#include "vmm.h"

/* QEMU's isa-debug-exit,iobase=0xf4,iosize=4 claims four ports; so do we. */
#define EXIT_PORTS 4

static int exit_pio(void *ctx, uint16_t offset, bool write, uint8_t *data, unsigned size)
{
	(void)ctx;
	if (!write) {
		memset(data, 0xff, size);
		return RUN_CONTINUE;
	}
	return data[0]; /* the low byte; statuses are 0..3 (docs/architecture.md) */
}

static int exit_attach(struct machine *m)
{
	return io_register(&m->io, SHOJI_PORT_EXIT, EXIT_PORTS, "exit port", exit_pio, NULL);
}

const struct device dev_exit = {.name = "exit port", .attach = exit_attach};
