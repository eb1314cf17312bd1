/* The PVH start info region: start info, module list, command line and memory map, laid out once.
 */
#include "format.h"

/* Freestanding: no library calls, no state; the layout is format.h's. */

static int bad(const char **why, int err, const char *reason)
{
	*why = reason;
	return err;
}

size_t start_info_size(size_t memmap_cap)
{
	return START_INFO_MEMMAP_OFF + memmap_cap * sizeof(struct hvm_memmap_table_entry);
}

/* Every check, before anything is written. */
static int check_region(const void *buf, size_t buf_size, uint64_t phys, size_t memmap_cap,
			const struct start_info_params *p, const char **why)
{
	size_t n = 0;

	if (((uintptr_t)buf | phys) % 8)
		return bad(why, -SHOJI_EINVAL, "the start info region is not 8-byte aligned");
	if (memmap_cap > (START_INFO_LIMIT - START_INFO_MEMMAP_OFF) /
			     sizeof(struct hvm_memmap_table_entry) ||
	    buf_size < start_info_size(memmap_cap))
		return bad(why, -SHOJI_EINVAL, "the start info region is too small");
	if (phys > START_INFO_LIMIT || start_info_size(memmap_cap) > START_INFO_LIMIT - phys)
		return bad(why, -SHOJI_EINVAL,
			   "the start info region does not end within the first GiB");
	if (p->initrd_size && p->initrd_phys + p->initrd_size < p->initrd_phys)
		return bad(why, -SHOJI_EINVAL, "the initrd's range wraps past 2^64");
	while (n < SHOJI_CMDLINE_MAX && p->cmdline[n])
		n++;
	if (n == SHOJI_CMDLINE_MAX)
		return bad(why, -SHOJI_EMSGSIZE, "kernel command line longer than 4095 bytes");
	return 0;
}

int start_info_init(void *buf, size_t buf_size, uint64_t phys, size_t memmap_cap,
		    const struct start_info_params *p, struct start_info_layout *out,
		    const char **why)
{
	unsigned char *b = buf;
	int err;

	if ((err = check_region(buf, buf_size, phys, memmap_cap, p, why)))
		return err;
	for (size_t i = 0; i < start_info_size(memmap_cap); i++)
		b[i] = 0;
	*out = (struct start_info_layout){
	    .si = buf,
	    .si_phys = phys,
	    .mod = (struct hvm_modlist_entry *)(b + START_INFO_MODLIST_OFF),
	    .cmdline = (char *)(b + START_INFO_CMDLINE_OFF),
	    .memmap = (struct hvm_memmap_table_entry *)(b + START_INFO_MEMMAP_OFF),
	    .memmap_cap = memmap_cap,
	};
	for (size_t n = 0; p->cmdline[n]; n++)
		out->cmdline[n] = p->cmdline[n];

	out->si->magic = HVM_START_MAGIC;
	out->si->version = 1; /* memmap fields valid */
	out->si->cmdline_paddr = p->cmdline[0] ? phys + START_INFO_CMDLINE_OFF : 0;
	out->si->rsdp_paddr = p->rsdp_phys;
	out->si->memmap_paddr = phys + START_INFO_MEMMAP_OFF;
	if (p->initrd_size) {
		out->mod->paddr = p->initrd_phys;
		out->mod->size = p->initrd_size;
		out->si->nr_modules = 1;
		out->si->modlist_paddr = phys + START_INFO_MODLIST_OFF;
	}
	return 0;
}

int start_info_set_memmap(const struct start_info_layout *l, size_t entries, const char **why)
{
	if (entries == 0)
		return bad(why, -SHOJI_EINVAL, "the memory map is empty");
	if (entries > l->memmap_cap)
		return bad(why, -SHOJI_EINVAL, "the memory map has more entries than room");
	l->si->memmap_entries = (uint32_t)entries;
	return 0;
}
