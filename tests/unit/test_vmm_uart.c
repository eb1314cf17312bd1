/* Unit tests for the 16550A model (vmm/uart.c): what Linux's 8250 driver relies on, and its
 * interrupt line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../vmm/uart.h"

struct wire {
	uint8_t sent[64];
	unsigned nsent;
	bool level;
	unsigned edges, changes;
};

static void tx(void *ctx, uint8_t byte)
{
	struct wire *w = ctx;
	if (w->nsent < sizeof(w->sent))
		w->sent[w->nsent++] = byte;
}

static void irq(void *ctx, bool level)
{
	struct wire *w = ctx;
	assert_true(level != w->level); /* told only of changes */
	w->level = level;
	w->changes++;
	if (level)
		w->edges++;
}

static void setup(struct uart *u, struct wire *w)
{
	memset(w, 0, sizeof(*w));
	uart_init(u, tx, irq, w);
}

/* Linux's autoconfig: IER keeps only bits 0-3 (bit 6 would make it an
 * XScale), the scratch register holds a byte, FIFOs show in IIR bits 6-7
 * (16550A), LSR is never 0xff. */
static void test_probe(void **state)
{
	struct uart u;
	struct wire w;
	setup(&u, &w);
	uart_write(&u, UART_IER, 0xff);
	assert_int_equal(uart_read(&u, UART_IER), 0x0f);
	uart_write(&u, UART_IER, 0);
	uart_write(&u, UART_SCR, 0xa5);
	assert_int_equal(uart_read(&u, UART_SCR), 0xa5);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_NONE);
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	assert_int_equal(uart_read(&u, UART_IIR_FCR) >> 6, 3);
	assert_int_equal(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_false(w.level); /* IER 0: whatever it raised is down */
}

static void test_divisor_latch(void **state)
{
	struct uart u;
	struct wire w;
	setup(&u, &w);
	uart_write(&u, UART_LCR, UART_LCR_DLAB | 0x03);
	uart_write(&u, UART_RBR_THR, 0x0c);
	uart_write(&u, UART_IER, 0x01);
	assert_int_equal(uart_read(&u, UART_RBR_THR), 0x0c);
	assert_int_equal(uart_read(&u, UART_IER), 0x01);
	uart_write(&u, UART_LCR, 0x03);
	assert_int_equal(uart_read(&u, UART_IER), 0); /* the latch did not touch IER */
	assert_int_equal(w.nsent, 0);		      /* nor transmit */
}

/* 8250_port.c's start-up test: enabling THRI with THR empty interrupts
 * at once, reading IIR takes it, and re-enabling raises it again. */
static void test_thre_interrupt(void **state)
{
	struct uart u;
	struct wire w;
	setup(&u, &w);
	uart_write(&u, UART_IER, UART_IER_THRI);
	assert_true(w.level);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_THRE);
	assert_false(w.level);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_NONE);
	uart_write(&u, UART_IER, 0);
	uart_write(&u, UART_IER, UART_IER_THRI);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_THRE);
	/* A transmitted byte leaves THR empty: a new THRE interrupt, a new edge. */
	unsigned edges = w.edges;
	uart_write(&u, UART_RBR_THR, 'x');
	assert_int_equal(w.nsent, 1);
	assert_int_equal(w.sent[0], 'x');
	assert_true(w.level);
	assert_int_equal(w.edges, edges + 1);
	/* Turning THRI off drops the line without taking the interrupt. */
	uart_write(&u, UART_IER, 0);
	assert_false(w.level);
}

/* Without THRI the line never rises, whatever is sent. */
static void test_polled_output(void **state)
{
	struct uart u;
	struct wire w;
	setup(&u, &w);
	for (int i = 0; i < 10; i++)
		uart_write(&u, UART_RBR_THR, (uint8_t)('0' + i));
	assert_int_equal(w.nsent, 10);
	assert_memory_equal(w.sent, "0123456789", 10);
	assert_int_equal(w.changes, 0);
}

static void test_receive(void **state)
{
	struct uart u;
	struct wire w;
	setup(&u, &w);
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	assert_int_equal(uart_rx_room(&u), 0); /* RTS low: the outside waits */
	uart_write(&u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	assert_int_equal(uart_rx_room(&u), UART_RX_FIFO);
	uint8_t in[20];
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)('a' + i);
	/* Only what fits is taken: nothing is dropped, the rest waits. */
	assert_int_equal(uart_receive(&u, in, sizeof(in)), UART_RX_FIFO);
	assert_int_equal(uart_rx_room(&u), 0);
	assert_false(w.level); /* RDI not enabled */
	assert_false(uart_wants_input(&u));
	uart_write(&u, UART_IER, UART_IER_RDI);
	assert_true(uart_wants_input(&u));
	assert_true(w.level);
	assert_int_equal(uart_read(&u, UART_IIR_FCR) & 0x0f, UART_IIR_RDA);
	assert_true(w.level); /* reading IIR does not take received data */
	for (unsigned i = 0; i < UART_RX_FIFO; i++) {
		assert_true(uart_read(&u, UART_LSR) & UART_LSR_DR);
		assert_int_equal(uart_read(&u, UART_RBR_THR), 'a' + i);
	}
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
	assert_false(w.level);
	assert_int_equal(uart_receive(&u, in + UART_RX_FIFO, 4), 4);
	assert_true(w.level);
	assert_int_equal(uart_read(&u, UART_RBR_THR), 'a' + UART_RX_FIFO);
}

/* Received data outranks THRE (data sheet Table 4). */
static void test_priority(void **state)
{
	struct uart u;
	struct wire w;
	setup(&u, &w);
	uart_write(&u, UART_IER, UART_IER_RDI | UART_IER_THRI);
	uart_write(&u, UART_MCR, UART_MCR_RTS);
	uint8_t c = 'q';
	uart_receive(&u, &c, 1);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_RDA);
	assert_int_equal(uart_read(&u, UART_RBR_THR), 'q');
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_THRE);
	assert_int_equal(uart_read(&u, UART_IIR_FCR), UART_IIR_NONE);
	assert_false(w.level);
}

/* Without FIFOs the receiver holds one byte; FCR's clear bit empties it. */
static void test_fifo_modes(void **state)
{
	struct uart u;
	struct wire w;
	setup(&u, &w);
	uint8_t in[2] = {'1', '2'};
	uart_write(&u, UART_MCR, UART_MCR_RTS);
	assert_int_equal(uart_receive(&u, in, 2), 1);
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE); /* switching FIFOs empties them */
	assert_int_equal(uart_rx_room(&u), UART_RX_FIFO);
	assert_int_equal(uart_receive(&u, in, 2), 2);
	uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
	assert_int_equal(uart_read(&u, UART_IIR_FCR) >> 6, 3); /* the clear bit is not kept */
}

/* Loopback: bytes come back as received, not sent; the modem outputs
 * drive the inputs; the outside line is cut off. */
static void test_loopback(void **state)
{
	struct uart u;
	struct wire w;
	setup(&u, &w);
	assert_int_equal(uart_read(&u, UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT2);
	assert_int_equal(uart_read(&u, UART_MSR), UART_MSR_CTS | UART_MSR_DCD);
	assert_int_equal(uart_rx_room(&u), 0);
	uart_write(&u, UART_RBR_THR, 'L');
	assert_int_equal(w.nsent, 0);
	assert_int_equal(uart_read(&u, UART_RBR_THR), 'L');
	uart_write(&u, UART_MCR, 0xff);
	assert_int_equal(uart_read(&u, UART_MCR), UART_MCR_MASK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_probe),	   cmocka_unit_test(test_divisor_latch),
	    cmocka_unit_test(test_thre_interrupt), cmocka_unit_test(test_polled_output),
	    cmocka_unit_test(test_receive),	   cmocka_unit_test(test_priority),
	    cmocka_unit_test(test_fifo_modes),	   cmocka_unit_test(test_loopback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
