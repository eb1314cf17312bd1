/* The exit device: a byte 0..3 written to port 0xf4 ends the machine with that status. */
#include <stdio.h>
#include <string.h>

#include "shoji/abi.h"

#include "devices.h"
#include "exit_value.h"
#include "io.h"
#include "machine.h"
#include "vmm.h"

/* QEMU's isa-debug-exit,iobase=0xf4,iosize=4 claims four ports; so do we. */
#define EXIT_PORTS 4

static int exit_pio(void *ctx, uint16_t offset, bool write, uint8_t *data, unsigned size)
{
	struct machine *m = ctx;
	char msg[200];

	if (!write) {
		memset(data, 0xff, size);
		return RUN_CONTINUE;
	}
	int status = exit_value_status(offset, data, size, msg, sizeof(msg));
	/* Said only by the vCPU that ends the machine: a bad write racing
	 * another vCPU's good one must not print an error on a run that
	 * ended 0 (machine_claim_end, vmm/machine.h). */
	if (status == SHOJI_STATUS_BAD_EXIT && machine_claim_end(m, status)) {
		console_flush(&m->con);
		fprintf(stderr, "%s\n", msg);
	}
	return status;
}

static int exit_attach(struct machine *m)
{
	return io_register(&m->io, SHOJI_PORT_EXIT, EXIT_PORTS, "exit port", exit_pio, m);
}

const struct device dev_exit = {.name = "exit port", .attach = exit_attach};
