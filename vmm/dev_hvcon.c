/* shoji's console device: a whole buffer of guest output per VM exit, on port SHOJI_PORT_HVCON. */
#include <stdio.h>
#include <string.h>

#include "shoji/abi.h"

#include "console.h"
#include "devices.h"
#include "hvcon.h"
#include "io.h"
#include "machine.h"
#include "run_loop.h"
#include "trace.h"
#include "vmm.h"

/*
 * The guest finds it in CPUID (vmm/cpuid.c adds the leaf); the request's
 * layout and rules are include/shoji/abi.h's, its checks vmm/hvcon.c's.
 * A refused request ends the run as a crash (status 125, the vCPU's
 * registers shown): only a kernel that read shoji's leaf writes here, so
 * it is that kernel's bug or a hostile guest, and dropping the bytes
 * quietly would let output go missing unseen.
 */

/* A task's bytes: marked line by line, as COM1 marks a program's
 * (console_mark_program: each line's watcher learns who wrote it). */
static void write_task(struct console *c, const uint8_t *p, size_t n)
{
	while (n) {
		const uint8_t *nl = memchr(p, '\n', n);
		size_t line = nl ? (size_t)(nl - p) : n;
		console_write(c, p, line);
		console_mark_program(c);
		if (!nl)
			break;
		console_write(c, "\n", 1);
		p += line + 1;
		n -= line + 1;
	}
}

/* The run ends: the refused write, why, and the vCPU that made it. */
static int refuse(struct machine *m, uint16_t offset, const uint8_t *data, unsigned size,
		  const char *why)
{
	char what[200];
	uint32_t value = 0;

	memcpy(&value, data, size < sizeof(value) ? size : sizeof(value));
	snprintf(what, sizeof(what),
		 "the guest's console request (%#x, %u bytes to port %#x) was refused: %s", value,
		 size, SHOJI_PORT_HVCON + offset, why);
	return machine_crash(m, what);
}

static int hvcon_pio(void *ctx, uint16_t offset, bool write, uint8_t *data, unsigned size)
{
	struct machine *m = ctx;
	struct hvcon_write w;
	const char *why;

	if (!write) {
		memset(data, 0xff, size); /* nothing to read */
		return RUN_CONTINUE;
	}
	if (hvcon_request(&m->mem, offset, data, size, &w, &why))
		return refuse(m, offset, data, size, why);
	if (!w.task) {
		console_write(&m->con, w.bytes, w.len);
		return RUN_CONTINUE;
	}
	trace_task_output(m);
	console_hold(&m->con); /* the buffer's lines and their marks, together */
	write_task(&m->con, w.bytes, w.len);
	console_release(&m->con);
	return RUN_CONTINUE;
}

static int hvcon_attach(struct machine *m)
{
	return io_register(&m->io, SHOJI_PORT_HVCON, SHOJI_HVCON_PORTS, "console device", hvcon_pio,
			   m);
}

const struct device dev_hvcon = {.name = "console device", .attach = hvcon_attach};
