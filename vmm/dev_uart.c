/* COM1: the 16550A of vmm/uart.c on ports 0x3f8-0x3ff and ISA IRQ 4, its output to the console, its
 * input from stdin. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shoji/abi.h"

#include "console.h"
#include "devices.h"
#include "host_tty.h"
#include "io.h"
#include "kvm_vm.h"
#include "machine.h"
#include "uart.h"
#include "vmm.h"

#define COM1_IRQ 4 /* the PC's COM1 line (Linux's SERIAL_PORT_DFNS) */

/*
 * Threads touch the UART: every vCPU thread on each port access, and,
 * once the guest enables the receive interrupt, the input thread, which
 * moves stdin into the receive FIFO as fast as the guest empties it (it
 * waits on @room; nothing typed or piped is dropped) and raises IRQ 4
 * itself, so a guest halted waiting for input wakes up.  A guest that
 * never enables it (shoji's kernel polls its console and reads none)
 * leaves stdin alone.  A terminal on stdin is put in character mode
 * meanwhile (vmm/host_tty.h): the guest sees each key and echoes it.
 * The lock covers the UART's registers and FIFOs, the input thread's
 * start and stop, and irq_failed.
 */
struct com1 {
	struct uart u;
	pthread_mutex_t lock;
	pthread_cond_t room; /* signalled when the guest took bytes or shoji stops */
	struct machine *m;
	bool irq_failed; /* KVM_IRQ_LINE failed once: said, not repeated */
	bool input_started, input_running, stopping;
	pthread_t input;
	int in_fd;
	int stop_pipe[2]; /* written at detach: wakes the input thread's poll */
};

static struct com1 com1;

static void com1_tx(void *ctx, uint8_t byte)
{
	struct com1 *c = ctx;
	/* Under c->lock; the console's lock comes second, always. */
	console_hold(&c->m->con);
	console_write(&c->m->con, &byte, 1); /* says itself when output is lost */
	/* Interrupt-driven output is a tty's, a program's; the kernel's
	 * console writes poll with IER clear (vmm/guest_linux.h). */
	if (c->u.ier & UART_IER_THRI)
		console_mark_program(&c->m->con);
	console_release(&c->m->con);
}

static void com1_irq(void *ctx, bool level)
{
	struct com1 *c = ctx;
	if (vm_irq_line(c->m->vm_fd, COM1_IRQ, level) && !c->irq_failed) {
		c->irq_failed = true;
		fprintf(stderr, "shoji: COM1 interrupts are lost: the guest's console may stall\n");
	}
}

/* Moves stdin into the receive FIFO; ends at EOF, an error, or detach. */
static void *input_main(void *arg)
{
	struct com1 *c = arg;
	uint8_t buf[UART_RX_FIFO];
	unsigned off = 0, len = 0;

	for (;;) {
		pthread_mutex_lock(&c->lock);
		while (len > off && !c->stopping) {
			off += uart_receive(&c->u, buf + off, len - off);
			if (len > off)
				pthread_cond_wait(&c->room, &c->lock);
		}
		bool stop = c->stopping;
		pthread_mutex_unlock(&c->lock);
		if (stop)
			break;

		struct pollfd p[2] = {{.fd = c->in_fd, .events = POLLIN},
				      {.fd = c->stop_pipe[0], .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		ssize_t n = read(c->in_fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			fprintf(stderr, "shoji: reading the guest's console input: %s\n",
				strerror(errno));
		if (n <= 0)
			break; /* end of input: the guest's line stays quiet */
		off = 0;
		len = (unsigned)n;
	}
	return NULL;
}

static void start_input(struct com1 *c)
{
	sigset_t all, old;

	c->input_started = true; /* once, whether or not it starts */
	if (pipe2(c->stop_pipe, O_CLOEXEC)) {
		fprintf(stderr, "shoji: no console input: pipe: %s\n", strerror(errno));
		return;
	}
	/* The thread takes no signals: the timeout's kick is for the vCPU. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&c->input, NULL, input_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		fprintf(stderr, "shoji: no console input: cannot start its thread: %s\n",
			strerror(rc));
		close(c->stop_pipe[0]);
		close(c->stop_pipe[1]);
		return;
	}
	c->input_running = true;
	int err = host_tty_char_mode(c->in_fd);
	if (err)
		fprintf(stderr, "shoji: the terminal stays in line mode: %s\n", strerror(-err));
}

static int com1_pio(void *ctx, uint16_t off, bool write, uint8_t *data, unsigned size)
{
	struct com1 *c = ctx;

	pthread_mutex_lock(&c->lock);
	if (write) {
		uart_write(&c->u, off, data[0]);
		if (!c->input_started && uart_wants_input(&c->u))
			start_input(c);
	} else {
		memset(data, 0, size);
		data[0] = uart_read(&c->u, off);
	}
	if (c->input_running)
		pthread_cond_signal(&c->room);
	pthread_mutex_unlock(&c->lock);
	return RUN_CONTINUE;
}

static int com1_attach(struct machine *m)
{
	memset(&com1, 0, sizeof(com1));
	pthread_mutex_init(&com1.lock, NULL);
	pthread_cond_init(&com1.room, NULL);
	com1.m = m;
	com1.in_fd = STDIN_FILENO;
	uart_init(&com1.u, com1_tx, com1_irq, &com1);
	return io_register(&m->io, SHOJI_PORT_COM1, UART_PORTS, "COM1 UART", com1_pio, &com1);
}

static void com1_detach(struct machine *m)
{
	(void)m;
	if (!com1.input_running)
		return;
	pthread_mutex_lock(&com1.lock);
	com1.stopping = true;
	pthread_cond_signal(&com1.room);
	pthread_mutex_unlock(&com1.lock);
	ssize_t n = write(com1.stop_pipe[1], "", 1);
	(void)n;
	pthread_join(com1.input, NULL);
	close(com1.stop_pipe[0]);
	close(com1.stop_pipe[1]);
	com1.input_running = false;
	host_tty_restore();
}

const struct device dev_uart = {.name = "COM1 UART", .attach = com1_attach, .detach = com1_detach};
