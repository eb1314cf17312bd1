/* The PC's reset lines: the keyboard controller's (port 0x64) and the reset control register
 * (0xcf9); a reset ends the run. */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "devices.h"
#include "io.h"
#include "machine.h"
#include "run_loop.h"
#include "vmm.h"

/*
 * Linux reboots a PC without ACPI by pulsing the keyboard controller's
 * reset line: command 0xfe to port 0x64, after waiting for the input
 * buffer to empty (arch/x86/kernel/reboot.c, BOOT_KBD); reboot=pci uses
 * the reset control register at 0xcf9 (bit 2, reset CPU; Intel PIIX4
 * data sheet, 4.1.17 RC).  shoji does not restart a machine: a reset
 * ends the run, as QEMU's -no-reboot does (machine_end: 0 for Linux, a
 * crash for a kernel that has the exit port).
 *
 * There is no keyboard controller behind port 0x64: its status reads
 * 0x01, "output buffer full, input buffer empty", forever.  Linux's
 * i8042 driver then finds no controller at once (its flush never
 * empties the output buffer) and the reboot path's wait passes at once;
 * port 0x60, its data, reads 0xff.
 */
#define I8042_DATA 0x60
#define I8042_CMD 0x64
#define I8042_STATUS_NO_CONTROLLER 0x01
#define I8042_CMD_PULSE_RESET 0xfe
#define PORT_RST_CNT 0xcf9
#define RST_CNT_RST_CPU 0x04

static int reset(struct machine *m, const char *how)
{
	char what[120];
	snprintf(what, sizeof(what), "reset the machine (%s): a reboot", how);
	return machine_end(m, what);
}

static int i8042_data_pio(void *ctx, uint16_t off, bool write, uint8_t *data, unsigned size)
{
	if (!write)
		memset(data, 0xff, size);
	return RUN_CONTINUE;
}

static int i8042_cmd_pio(void *ctx, uint16_t off, bool write, uint8_t *data, unsigned size)
{
	if (!write) {
		memset(data, 0, size);
		data[0] = I8042_STATUS_NO_CONTROLLER;
		return RUN_CONTINUE;
	}
	if (data[0] == I8042_CMD_PULSE_RESET)
		return reset(ctx, "keyboard controller reset, port 0x64");
	return RUN_CONTINUE;
}

static int rst_cnt_pio(void *ctx, uint16_t off, bool write, uint8_t *data, unsigned size)
{
	if (!write) {
		memset(data, 0, size);
		return RUN_CONTINUE;
	}
	if (data[0] & RST_CNT_RST_CPU)
		return reset(ctx, "reset control register, port 0xcf9");
	return RUN_CONTINUE;
}

static int reset_attach(struct machine *m)
{
	int rc;
	/* 0x61 between them is the PIT's speaker port, KVM's own. */
	if ((rc = io_register(&m->io, I8042_DATA, 1, "i8042 data", i8042_data_pio, m)))
		return rc;
	if ((rc = io_register(&m->io, I8042_CMD, 1, "i8042 reset line", i8042_cmd_pio, m)))
		return rc;
	return io_register(&m->io, PORT_RST_CNT, 1, "reset control register", rst_cnt_pio, m);
}

const struct device dev_reset = {.name = "reset lines", .attach = reset_attach};
