/* COM1: a 16550 UART, output only; what the guest writes goes to the console. */
#include <string.h>

#include "shoji/abi.h"

#include "console.h"
#include "devices.h"
#include "io.h"
#include "machine.h"
#include "vmm.h"

/* Registers (National Semiconductor PC16550D data sheet, Table 2). */
enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define UART_PORTS 8
#define LCR_DLAB 0x80
#define IIR_NO_INTERRUPT 0x01
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty */

struct uart {
	struct console *con;
	uint8_t reg[UART_PORTS]; /* what the guest wrote, read back where a 16550 would */
	uint8_t dll, dlm;	 /* divisor latch */
};

static struct uart com1;

static uint8_t uart_read(struct uart *u, uint16_t off)
{
	bool dlab = u->reg[LCR] & LCR_DLAB;
	switch (off) {
	case RBR_THR:
		return dlab ? u->dll : 0; /* no input */
	case IER:
		return dlab ? u->dlm : u->reg[IER];
	case IIR_FCR:
		return IIR_NO_INTERRUPT;
	case LSR:
		return LSR_THRE | LSR_TEMT; /* always ready: output never waits */
	case MSR:
		return 0;
	default:
		return u->reg[off]; /* LCR, MCR, SCR */
	}
}

static int uart_pio(void *ctx, uint16_t off, bool write, uint8_t *data, unsigned size)
{
	struct uart *u = ctx;
	if (!write) {
		memset(data, 0, size);
		data[0] = uart_read(u, off);
		return RUN_CONTINUE;
	}
	bool dlab = u->reg[LCR] & LCR_DLAB;
	if (off == RBR_THR && !dlab) {
		/* The console says itself, once, when its output is lost, and the
		 * guest runs on (console.h). */
		console_write(u->con, data, 1);
	} else if (off == RBR_THR) {
		u->dll = data[0];
	} else if (off == IER && dlab) {
		u->dlm = data[0];
	} else {
		u->reg[off] = data[0];
	}
	return RUN_CONTINUE;
}

static int uart_attach(struct machine *m)
{
	memset(&com1, 0, sizeof(com1));
	com1.con = &m->con;
	return io_register(&m->io, SHOJI_PORT_COM1, UART_PORTS, "COM1 UART", uart_pio, &com1);
}

const struct device dev_uart = {.name = "COM1 UART", .attach = uart_attach};
