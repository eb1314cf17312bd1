/* shoji's console device's requests: the guest's port write to the bytes it names, every value
 * checked. */
#include <errno.h>
#include <string.h>

#include "shoji/abi.h"

#include "guest_mem.h"
#include "hvcon.h"

#define STR_(x) #x
#define STR(x) STR_(x)

int hvcon_request(const struct guest_mem *mem, uint16_t offset, const uint8_t *data, unsigned size,
		  struct hvcon_write *w, const char **why)
{
	uint32_t at;
	struct shoji_hvcon_req req;

	memset(w, 0, sizeof(*w));
	if (offset != 0 || size != sizeof(at)) {
		*why = "not a 4-byte write to its first port";
		return -EINVAL;
	}
	memcpy(&at, data, sizeof(at));
	/* One copy, judged after: the guest cannot change what was checked. */
	const void *p = guest_ptr(mem, at, sizeof(req));
	if (!p) {
		*why = "the request is not in guest RAM";
		return -EINVAL;
	}
	memcpy(&req, p, sizeof(req));
	if (req.flags & ~SHOJI_HVCON_TASK) {
		*why = "unknown flags";
		return -EINVAL;
	}
	if (req.len > SHOJI_HVCON_MAX) {
		*why = "longer than SHOJI_HVCON_MAX, " STR(SHOJI_HVCON_MAX) " bytes";
		return -EINVAL;
	}
	/* guest_ptr checks addr + len without overflow (vmm/guest_mem.h). */
	w->bytes = req.len ? guest_ptr(mem, req.addr, req.len) : NULL;
	if (req.len && !w->bytes) {
		*why = "its bytes are not in guest RAM";
		return -EINVAL;
	}
	w->len = req.len;
	w->task = req.flags & SHOJI_HVCON_TASK;
	return 0;
}
