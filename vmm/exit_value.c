/* The exit port's contract: a guest status is one byte, 0..3, written to SHOJI_PORT_EXIT. */
#include <stdio.h>

#include "shoji/abi.h"

#include "exit_value.h"
#include "vmm.h"

/* The guest's statuses (docs/architecture.md, "How the machine ends"). */
#define GUEST_STATUS_MAX SHOJI_EXIT_REFUSED

int exit_value_status(uint16_t offset, const uint8_t *data, unsigned size, char *msg, size_t msglen)
{
	uint32_t v = 0;
	unsigned n = size <= 4 ? size : 4;

	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)data[i] << (8 * i);
	if (offset == 0 && size == 1 && v <= GUEST_STATUS_MAX)
		return (int)v;
	snprintf(msg, msglen,
		 "shoji: the guest wrote 0x%x (%u byte%s) to port 0x%x: the exit port takes one "
		 "byte, 0..%d, at port 0x%x",
		 (unsigned)v, size, size == 1 ? "" : "s", (unsigned)(SHOJI_PORT_EXIT + offset),
		 GUEST_STATUS_MAX, (unsigned)SHOJI_PORT_EXIT);
	return SHOJI_STATUS_BAD_EXIT;
}
