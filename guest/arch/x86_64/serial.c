/* The console: shoji's console device when advertised, else COM1, a 16550 driven by polling, output
 * only. */
#include <shoji/abi.h>
#include "arch/x86_64/arch.h"

/* Register offsets (National Semiconductor PC16550D data sheet). */
enum { THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LCR_DLAB 0x80

static bool use_hvcon;

void serial_init(void)
{
	const uint16_t b = SHOJI_PORT_COM1;

	/* Under shoji, a buffer per VM exit; the UART is left alone. */
	use_hvcon = hvcon_probe();
	if (use_hvcon)
		return;
	outb(b + IER, 0);	 /* no interrupts: the console is polled */
	outb(b + LCR, LCR_DLAB); /* divisor 1: 115200 baud */
	outb(b + 0, 1);
	outb(b + 1, 0);
	outb(b + LCR, 0x03); /* 8 data bits, no parity, 1 stop bit */
	outb(b + FCR, 0x07); /* FIFOs on and cleared */
	outb(b + MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	/* Bounded wait: a missing UART reads 0xff (THRE set), a stuck one
	 * must not hang the kernel. */
	for (int i = 0; i < 100000 && !(inb(SHOJI_PORT_COM1 + LSR) & LSR_THRE); i++)
		pause();
	outb(SHOJI_PORT_COM1 + THR, (uint8_t)c);
}

static void uart_write(const char *s, size_t len)
{
	/* Plain '\n': the host side (QEMU's stdio, shoji) owns line endings. */
	for (size_t i = 0; i < len; i++)
		serial_putc(s[i]);
}

/* flags: the console device's (SHOJI_HVCON_TASK for a task's bytes);
 * COM1 tells nobody's bytes apart. */
static void console_out(const char *s, size_t len, uint32_t flags)
{
	if (use_hvcon)
		hvcon_write(s, len, flags);
	else
		uart_write(s, len);
}

void serial_write(const char *s, size_t len)
{
	console_out(s, len, 0);
}

void serial_write_task(const char *s, size_t len)
{
	console_out(s, len, SHOJI_HVCON_TASK);
}
