/* A 16550A UART's registers: interrupt identification, receive FIFO, loopback; I/O left to the
 * caller. */
#include <string.h>

#include "uart.h"

static bool rx_ready(const struct uart *u)
{
	return u->rx_count > 0;
}

/* Data sheet Table 4: the highest-priority pending interrupt the guest
 * enabled (line status is never pending: no errors are modelled). */
static uint8_t pending_id(const struct uart *u)
{
	if ((u->ier & UART_IER_RDI) && rx_ready(u))
		return UART_IIR_RDA;
	if ((u->ier & UART_IER_THRI) && u->thr_pending)
		return UART_IIR_THRE;
	return UART_IIR_NONE; /* modem status: no delta bits, never pending */
}

static void update_irq(struct uart *u)
{
	bool level = pending_id(u) != UART_IIR_NONE;
	if (level != u->irq_level) {
		u->irq_level = level;
		u->irq(u->ctx, level);
	}
}

void uart_init(struct uart *u, void (*tx)(void *ctx, uint8_t byte),
	       void (*irq)(void *ctx, bool level), void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->tx = tx;
	u->irq = irq;
	u->ctx = ctx;
}

static unsigned rx_capacity(const struct uart *u)
{
	return (u->fcr & UART_FCR_ENABLE) ? UART_RX_FIFO : 1;
}

static void rx_push(struct uart *u, uint8_t byte)
{
	u->rx[(u->rx_head + u->rx_count) % UART_RX_FIFO] = byte;
	u->rx_count++;
}

static uint8_t rx_pop(struct uart *u)
{
	if (!rx_ready(u))
		return 0;
	uint8_t byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_FIFO;
	u->rx_count--;
	return byte;
}

/* In loopback the modem outputs drive the inputs (data sheet, MCR bit 4):
 * DTR to DSR, RTS to CTS, OUT1 to RI, OUT2 to DCD.  Otherwise a modem
 * that is always ready: carrier, data set ready, clear to send. */
static uint8_t modem_status(const struct uart *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	return (u->mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (u->mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
	       (u->mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
	       (u->mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

uint8_t uart_read(struct uart *u, unsigned off)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (off) {
	case UART_RBR_THR:
		if (dlab)
			return u->dll;
		v = rx_pop(u);
		update_irq(u);
		return v;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		v = pending_id(u);
		/* Reading IIR is how a THRE interrupt is taken (Table 4). */
		if (v == UART_IIR_THRE) {
			u->thr_pending = false;
			update_irq(u);
		}
		return v | ((u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFOS : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT | (rx_ready(u) ? UART_LSR_DR : 0);
	case UART_MSR:
		return modem_status(u);
	default:
		return u->scr;
	}
}

void uart_write(struct uart *u, unsigned off, uint8_t val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (off) {
	case UART_RBR_THR:
		if (dlab) {
			u->dll = val;
			return;
		}
		if (!(u->mcr & UART_MCR_LOOP))
			u->tx(u->ctx, val);
		else if (u->rx_count < rx_capacity(u))
			rx_push(u, val);
		/* Sent at once: the holding register is empty again. */
		u->thr_pending = true;
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
			return;
		}
		/* Enabling THRE with the holding register empty raises it at
		 * once, as Linux's start-up test expects (8250_port.c). */
		if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thr_pending = true;
		u->ier = val & UART_IER_MASK;
		break;
	case UART_IIR_FCR:
		if ((val ^ u->fcr) & UART_FCR_ENABLE) /* switching FIFOs empties them */
			u->rx_head = u->rx_count = 0;
		if (val & UART_FCR_CLEAR_RX)
			u->rx_head = u->rx_count = 0;
		u->fcr = val & ~(UART_FCR_CLEAR_RX | 0x04); /* the clear bits self-clear */
		break;
	case UART_LCR:
		u->lcr = val;
		return;
	case UART_MCR:
		u->mcr = val & UART_MCR_MASK;
		return;
	case UART_LSR:
	case UART_MSR:
		return; /* read-only here (factory test registers on a real part) */
	default:
		u->scr = val;
		return;
	}
	update_irq(u);
}

unsigned uart_rx_room(const struct uart *u)
{
	/* Hardware flow control: the outside sends while the guest asserts
	 * RTS.  Linux raises it when a program opens the port, after the
	 * start-up has emptied the FIFOs (serial_core.c, uart_port_startup);
	 * the probe at boot, which sets IER bits and clears the FIFOs,
	 * leaves it low, so no input is lost there. */
	if ((u->mcr & (UART_MCR_LOOP | UART_MCR_RTS)) != UART_MCR_RTS)
		return 0;
	return rx_capacity(u) - u->rx_count;
}

unsigned uart_receive(struct uart *u, const uint8_t *p, unsigned n)
{
	unsigned room = uart_rx_room(u);
	unsigned take = n < room ? n : room;
	for (unsigned i = 0; i < take; i++)
		rx_push(u, p[i]);
	if (take)
		update_irq(u);
	return take;
}

bool uart_wants_input(const struct uart *u)
{
	return u->ier & UART_IER_RDI;
}
