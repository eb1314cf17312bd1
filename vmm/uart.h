/* Interface of vmm/uart.c: a 16550A's registers, receive FIFO and interrupt line, with no I/O of
 * its own. */
#ifndef SHOJI_VMM_UART_H
#define SHOJI_VMM_UART_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The model is what Linux's 8250 driver and shoji's kernel see of COM1
 * (National Semiconductor PC16550D data sheet, the register summary in
 * Table 2 and the interrupt table in Table 4): a transmitter that is never
 * busy (each byte goes to @tx at once, so THRE and TEMT always read 1),
 * a 16-byte receive FIFO filled by uart_receive, the interrupt
 * identification of Table 4 with its priorities and clearing rules, and
 * the loopback mode of MCR bit 4 (transmitted bytes come back as
 * received, the modem outputs drive the modem inputs).  Not modelled:
 * line errors and overruns (uart_receive takes only what fits), modem
 * status changes (no delta bits), and the character timing (the
 * receive-timeout interrupt is reported as data available: Linux reads
 * both the same way).
 *
 * The interrupt line follows the pending interrupt (high while IIR says
 * one is pending), as QEMU's serial does; @irq is called on every change
 * of level, never twice with the same one, so an edge-triggered input
 * (ISA IRQ 4) sees one edge per new cause once the guest has seen the
 * last.  Not thread-safe: the caller serialises (vmm/dev_uart.c).
 */

#define UART_PORTS 8
#define UART_RX_FIFO 16

/* Register offsets (data sheet Table 2). */
enum {
	UART_RBR_THR = 0,
	UART_IER = 1,
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7
};

/* The bits the model gives meaning to (data sheet Table 2). */
#define UART_IER_RDI 0x01  /* received data available */
#define UART_IER_THRI 0x02 /* transmitter holding register empty */
#define UART_IER_MASK 0x0f /* bits 4-7 are 0 on a 16550 (Linux tests for XScale's UUE bit 6) */
#define UART_IIR_NONE 0x01
#define UART_IIR_THRE 0x02
#define UART_IIR_RDA 0x04
#define UART_IIR_FIFOS 0xc0 /* FIFOs enabled: what makes Linux say 16550A */
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

struct uart {
	uint8_t ier, lcr, mcr, scr, fcr;
	uint8_t dll, dlm;	  /* divisor latch: kept, no timing follows from it */
	bool thr_pending;	  /* a THRE interrupt not yet taken by reading IIR */
	uint8_t rx[UART_RX_FIFO]; /* the receive FIFO (a one-byte holding register without FIFOs) */
	unsigned rx_head, rx_count;
	bool irq_level; /* what @irq was last told */
	void (*tx)(void *ctx, uint8_t byte);
	void (*irq)(void *ctx, bool level);
	void *ctx;
};

/* uart_init - a UART after reset (data sheet Table 5: IER, MCR, FCR 0,
 * LSR 0x60, IIR 0x01), transmitting through @tx, interrupting through @irq. */
void uart_init(struct uart *u, void (*tx)(void *ctx, uint8_t byte),
	       void (*irq)(void *ctx, bool level), void *ctx);

/* uart_read - what the guest reads at register @off (0..7).  Reading
 * IIR takes a THRE interrupt; reading RBR takes a byte from the FIFO. */
uint8_t uart_read(struct uart *u, unsigned off);

/* uart_write - the guest writes @val to register @off (0..7). */
void uart_write(struct uart *u, unsigned off, uint8_t val);

/* uart_rx_room - how many bytes uart_receive takes now: 0 unless the
 * guest asserts RTS (MCR bit 1: hardware flow control), 0 in loopback
 * (the line is cut off from the outside). */
unsigned uart_rx_room(const struct uart *u);

/* uart_receive - bytes from the outside: takes at most uart_rx_room(),
 * returns how many it took. */
unsigned uart_receive(struct uart *u, const uint8_t *p, unsigned n);

/* uart_wants_input - whether the guest has the receive interrupt
 * enabled: the sign that it reads its console (shoji's kernel never does). */
bool uart_wants_input(const struct uart *u);

#endif
