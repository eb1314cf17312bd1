/* Interface of vmm/hvcon.c: shoji's console device's requests, read and checked from guest RAM. */
#ifndef SHOJI_VMM_HVCON_H
#define SHOJI_VMM_HVCON_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"

/* What one request asks shoji to write (include/shoji/abi.h, "shoji's
 * console device"): @len bytes at @bytes, inside guest RAM. */
struct hvcon_write {
	const uint8_t *bytes; /* guest_ptr() of the bytes; NULL when @len is 0 */
	uint32_t len;	      /* at most SHOJI_HVCON_MAX */
	bool task;	      /* SHOJI_HVCON_TASK: a task's bytes, not the kernel's */
};

/*
 * hvcon_request - the write a guest's port write asks for.  @offset,
 * @data, @size: the write as vmm/io.h hands it to a device (@size bytes
 * at @data, port SHOJI_PORT_HVCON + @offset).  Every value is the guest's:
 * the request (struct shoji_hvcon_req, at the 32-bit address written) is
 * copied out of guest RAM before it is judged, and the bytes it names
 * are checked to lie wholly inside @mem, without overflow.
 * Returns 0 and fills @w; -EINVAL with *why set for: a write to another port than the first or
 * of another width than 4 bytes, a request not wholly in guest RAM, a
 * length over SHOJI_HVCON_MAX, an unknown flag, bytes not wholly in guest
 * RAM (address and length wrapping around included).
 */
int hvcon_request(const struct guest_mem *mem, uint16_t offset, const uint8_t *data, unsigned size,
		  struct hvcon_write *w, const char **why);

#endif
