/* libFuzzer target: the 16550A model (vmm/uart.c) under any guest access sequence and input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vmm/uart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Each operation is an opcode byte and its operands: a read or write of
 * any register, or bytes from the outside.  After each, the invariants
 * vmm/uart.h promises: @irq told only of changes, the line high exactly
 * while IIR names an interrupt, the FIFO within its capacity and in
 * order (a shadow queue), LSR.DR exactly while it holds data.
 */
struct shadow {
	bool level;
	uint8_t q[UART_RX_FIFO];
	unsigned n;
};

static void on_tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

static void on_irq(void *ctx, bool level)
{
	struct shadow *s = ctx;
	if (level == s->level)
		__builtin_trap(); /* told twice of the same level */
	s->level = level;
}

static void no_irq(void *ctx, bool level)
{
	(void)ctx;
	(void)level;
}

static unsigned capacity(const struct uart *u)
{
	return (u->fcr & UART_FCR_ENABLE) ? UART_RX_FIFO : 1;
}

/* IIR as the guest would read it, without taking a THRE interrupt. */
static uint8_t peek_iir(const struct uart *u)
{
	struct uart copy = *u;
	copy.irq = no_irq;
	return uart_read(&copy, UART_IIR_FCR);
}

static void check(const struct uart *u, const struct shadow *s)
{
	uint8_t iir = peek_iir(u);
	uint8_t id = iir & 0x0f;
	if (id != UART_IIR_NONE && id != UART_IIR_THRE && id != UART_IIR_RDA)
		__builtin_trap();
	if (s->level != (id != UART_IIR_NONE) || u->irq_level != s->level)
		__builtin_trap();
	if (u->rx_count > capacity(u) || u->rx_head >= UART_RX_FIFO || u->rx_count != s->n)
		__builtin_trap();
	for (unsigned i = 0; i < s->n; i++)
		if (u->rx[(u->rx_head + i) % UART_RX_FIFO] != s->q[i])
			__builtin_trap();
	struct uart copy = *u;
	copy.irq = no_irq;
	bool dr = uart_read(&copy, UART_LSR) & UART_LSR_DR;
	if (dr != (s->n > 0))
		__builtin_trap();
	if (uart_rx_room(u) > capacity(u) - u->rx_count)
		__builtin_trap();
}

static void shadow_push(struct shadow *s, uint8_t b)
{
	s->q[s->n++] = b;
}

static void guest_write(struct uart *u, struct shadow *s, unsigned off, uint8_t val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	unsigned cap = capacity(u);
	bool fifo_was = u->fcr & UART_FCR_ENABLE;

	uart_write(u, off, val);
	if (off == UART_RBR_THR && !dlab && (u->mcr & UART_MCR_LOOP) && s->n < cap)
		shadow_push(s, val);
	if (off == UART_IIR_FCR &&
	    ((val & UART_FCR_CLEAR_RX) || fifo_was != (bool)(val & UART_FCR_ENABLE)))
		s->n = 0;
}

static void guest_read(struct uart *u, struct shadow *s, unsigned off)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v = uart_read(u, off);

	if (off != UART_RBR_THR || dlab)
		return;
	uint8_t want = s->n ? s->q[0] : 0;
	if (v != want)
		__builtin_trap();
	if (s->n) {
		memmove(s->q, s->q + 1, s->n - 1);
		s->n--;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uart u;
	struct shadow s = {0};
	size_t i = 0;

	uart_init(&u, on_tx, on_irq, &s);
	check(&u, &s);
	while (i < size) {
		uint8_t op = data[i++];
		unsigned off = op & 7;
		switch (op >> 6) {
		case 0:
			guest_read(&u, &s, off);
			break;
		case 1:
		case 2:
			if (i < size)
				guest_write(&u, &s, off, data[i++]);
			break;
		default: {
			unsigned n = (op & 0x3f) % 24; /* more than a FIFO at times */
			if (n > size - i)
				n = (unsigned)(size - i);
			unsigned room = uart_rx_room(&u);
			unsigned took = uart_receive(&u, data + i, n);
			if (took != (n < room ? n : room))
				__builtin_trap();
			for (unsigned k = 0; k < took; k++)
				shadow_push(&s, data[i + k]);
			i += n;
			break;
		}
		}
		check(&u, &s);
	}
	return 0;
}
